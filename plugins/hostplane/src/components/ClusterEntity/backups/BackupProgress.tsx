import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import {
  Operation,
  describeTransfer,
  readTransfer,
} from '@hostplane/plugin-hostplane-common';

/**
 * A running backup as it streams: the step under way, the bytes copied and the rate (read from
 * the step's progress message), and a bar that fills when the snapshot's size is known.
 */
export function BackupProgress({ operation }: { operation: Operation }) {
  const step =
    operation.steps.find(s => s.state === 'running') ??
    operation.steps.find(s => s.state === 'pending');
  const transfer = readTransfer(step?.message);
  const percent =
    transfer?.totalBytes && transfer.totalBytes > 0
      ? Math.min(100, Math.round((transfer.bytes / transfer.totalBytes) * 100))
      : undefined;
  return (
    <Box my={1}>
      <Typography variant="body2">
        Backing up: {step?.title ?? 'starting'}
        {transfer ? ` · ${describeTransfer(transfer)}` : ''}
      </Typography>
      <LinearProgress
        variant={percent === undefined ? 'indeterminate' : 'determinate'}
        value={percent}
        aria-label="Backup progress"
      />
      {step?.message && !transfer && (
        <Typography variant="caption" color="textSecondary">
          {step.message}
        </Typography>
      )}
    </Box>
  );
}
