import { useState } from 'react';
import { ClusterAlert } from '@hostplane/plugin-hostplane-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';

/** The silence lengths offered, in minutes. */
export const SILENCE_DURATIONS = [
  { minutes: 30, label: '30 minutes' },
  { minutes: 120, label: '2 hours' },
  { minutes: 480, label: '8 hours' },
  { minutes: 1440, label: '1 day' },
  { minutes: 10080, label: '1 week' },
];

/** Asks how long to silence an alert and why; says what went wrong if silencing failed. */
export function SilenceDialog({
  alert,
  onSilence,
  onClose,
}: {
  alert: ClusterAlert;
  onSilence: (durationMinutes: number, comment: string) => Promise<void>;
  onClose: () => void;
}) {
  const [minutes, setMinutes] = useState(SILENCE_DURATIONS[1].minutes);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSilence(minutes, comment.trim());
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Silence {alert.name}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          No notification is sent for this alert while the silence holds. It is
          made in the hub&apos;s Alertmanager under your name.
        </Typography>
        <TextField
          id="silence-duration"
          select
          label="For"
          value={minutes}
          onChange={event => setMinutes(Number(event.target.value))}
          fullWidth
          margin="normal"
        >
          {SILENCE_DURATIONS.map(d => (
            <MenuItem key={d.minutes} value={d.minutes}>
              {d.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="silence-comment"
          label="Why"
          value={comment}
          onChange={event => setComment(event.target.value)}
          fullWidth
          margin="normal"
          required
          inputProps={{ maxLength: 500 }}
        />
        {error && (
          <Typography color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || comment.trim() === ''}
          onClick={submit}
        >
          Silence
        </Button>
      </DialogActions>
    </Dialog>
  );
}
