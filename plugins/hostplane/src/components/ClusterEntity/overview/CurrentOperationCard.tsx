import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useClusterView } from '../common/ClusterViewContext';
import { OperationProgress } from '../common/OperationProgress';
import { RetryOperation } from '../common/RetryOperation';
import { ServerErrorPanel } from '../common/ServerErrorPanel';

/** The operation under way on the cluster, updated while it runs, or the latest if it failed. */
export function CurrentOperationCard() {
  const { operation, operationError } = useClusterView();
  return (
    <InfoCard title="Current operation">
      {operationError && <ServerErrorPanel error={operationError} />}
      {operation ? (
        <OperationProgress
          operation={operation}
          action={<RetryOperation operation={operation} />}
        />
      ) : (
        <Typography color="textSecondary">No operation is running.</Typography>
      )}
    </InfoCard>
  );
}
