import { useEffect, useState } from 'react';
import { Progress } from '@backstage/core-components';
import {
  ResponseAction,
  ResponseSuggestion,
} from '@hostplane/plugin-hostplane-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { ServerErrorPanel } from '../../common/ServerErrorPanel';
import { ChangesList } from './ChangesList';

/**
 * Confirms a suggested action: a dry run first, whose changes are shown, and only then the
 * button that applies it for real. A refused dry run leaves nothing to confirm.
 */
export function ApplySuggestionDialog({
  suggestion,
  take,
  onApplied,
  onClose,
}: {
  suggestion: ResponseSuggestion;
  /** Sends the suggestion's request, as a dry run or for real. */
  take(dryRun: boolean): Promise<ResponseAction>;
  onApplied(action: ResponseAction): void;
  onClose(): void;
}) {
  const [plan, setPlan] = useState<ResponseAction>();
  const [planError, setPlanError] = useState<Error>();
  const [applying, setApplying] = useState(false);
  const [applyError, setApplyError] = useState<Error>();

  useEffect(() => {
    let current = true;
    take(true).then(
      planned => current && setPlan(planned),
      error => current && setPlanError(error),
    );
    return () => {
      current = false;
    };
    // The dry run is asked for once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const apply = async () => {
    setApplying(true);
    setApplyError(undefined);
    try {
      const action = await take(false);
      onApplied(action);
      onClose();
    } catch (e) {
      setApplyError(e as Error);
    } finally {
      setApplying(false);
    }
  };

  return (
    <Dialog
      open
      onClose={applying ? undefined : onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="apply-suggestion-title"
    >
      <DialogTitle id="apply-suggestion-title">
        Apply: {suggestion.title}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          {suggestion.why}
        </Typography>
        <Typography variant="subtitle2">
          What the dry run says will change
        </Typography>
        {!plan && !planError && <Progress />}
        {planError && <ServerErrorPanel error={planError} />}
        {plan && <ChangesList changes={plan.changes} />}
        {plan?.error && (
          <Typography color="error" variant="body2">
            {plan.error}
          </Typography>
        )}
        {applyError && <ServerErrorPanel error={applyError} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={applying}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="secondary"
          disabled={!plan || !!plan.error || applying}
          onClick={apply}
        >
          Apply
        </Button>
      </DialogActions>
    </Dialog>
  );
}
