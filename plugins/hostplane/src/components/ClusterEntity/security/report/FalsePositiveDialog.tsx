import { useState } from 'react';
import { AlertFalsePositive } from '@hostplane/plugin-hostplane-common';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { ConfirmDialog } from '../../common/ConfirmDialog';

/**
 * Asks why an alert is a false positive and how widely its rule should stay quiet: for the
 * alert's subject on this cluster, or for the whole cluster.
 */
export function FalsePositiveDialog({
  open,
  ruleTitle,
  onMark,
  onClose,
}: {
  open: boolean;
  ruleTitle: string;
  onMark(request: AlertFalsePositive): Promise<unknown>;
  onClose(): void;
}) {
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState<AlertFalsePositive['scope']>('subject');
  return (
    <ConfirmDialog
      open={open}
      title="Mark as a false positive"
      confirmLabel="Mark as false positive"
      invalidReason={reason.trim() ? undefined : 'Say why it is not a threat'}
      onConfirm={() => onMark({ reason: reason.trim(), scope })}
      onClose={onClose}
    >
      <Typography variant="body2" paragraph>
        The alert is closed, and “{ruleTitle}” stops alerting for the same case.
      </Typography>
      <TextField
        id="false-positive-reason"
        label="Why it is not a threat"
        value={reason}
        onChange={event => setReason(event.target.value)}
        fullWidth
        required
        multiline
        margin="normal"
        inputProps={{ maxLength: 2000 }}
      />
      <FormLabel component="legend">The rule stays quiet</FormLabel>
      <RadioGroup
        aria-label="Scope"
        value={scope}
        onChange={event =>
          setScope(event.target.value as AlertFalsePositive['scope'])
        }
      >
        <FormControlLabel
          value="subject"
          control={<Radio size="small" />}
          label="For this subject on this cluster"
        />
        <FormControlLabel
          value="cluster"
          control={<Radio size="small" />}
          label="For everything on this cluster"
        />
      </RadioGroup>
    </ConfirmDialog>
  );
}
