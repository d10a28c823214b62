import { ReactNode } from 'react';
import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Operation } from '@hostplane/plugin-hostplane-common';
import { formatTime } from './formatTime';
import { operationLabel } from './operationLabels';
import { OperationState } from './OperationState';
import { OperationSteps } from './OperationSteps';

/**
 * One operation: its state, a progress bar, its error if it failed, what can be done about it
 * (`action`), and its step log.
 */
export function OperationProgress({
  operation,
  action,
}: {
  operation: Operation;
  action?: ReactNode;
}) {
  const percent = Math.round(operation.progress * 100);
  const label = operationLabel(operation);
  return (
    <Box>
      <Typography variant="subtitle1">
        {label} <OperationState state={operation.state} />
      </Typography>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={`${label} progress`}
      />
      <Typography variant="caption" color="textSecondary">
        {percent}% · {operation.id} · asked for by {operation.createdBy} at{' '}
        {formatTime(operation.createdAt)}
        {operation.finishedAt
          ? ` · finished ${formatTime(operation.finishedAt)}`
          : ''}
      </Typography>
      {operation.error && (
        <WarningPanel
          severity="error"
          title={`${label} failed`}
          message={operation.error}
        />
      )}
      {action}
      <OperationSteps steps={operation.steps} />
    </Box>
  );
}
