import { ReactNode, useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormHelperText from '@material-ui/core/FormHelperText';
import { ServerErrorPanel } from './ServerErrorPanel';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** The confirming button's label: the action, such as "Scale". */
  confirmLabel: string;
  /** Why it cannot be confirmed yet (input missing or invalid): shown, and blocks the button. */
  invalidReason?: string;
  /** For actions that destroy or break something. */
  danger?: boolean;
  /** Does the action; a refusal stays in the dialog with the server's reason. */
  onConfirm(): Promise<unknown>;
  onClose(): void;
  children: ReactNode;
}

/** Asks before an action runs; nothing is sent until the user confirms. */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  invalidReason,
  danger,
  onConfirm,
  onClose,
  children,
}: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (open) setError(undefined);
  }, [open]);

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open={open} onClose={pending ? undefined : onClose} fullWidth>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {children}
        {invalidReason && (
          <FormHelperText error>{invalidReason}</FormHelperText>
        )}
        {error && <ServerErrorPanel error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color={danger ? 'secondary' : 'primary'}
          disabled={pending || !!invalidReason}
          onClick={confirm}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
