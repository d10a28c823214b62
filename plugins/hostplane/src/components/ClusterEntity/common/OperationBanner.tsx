import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { useClusterView } from './ClusterViewContext';
import { OperationProgress } from './OperationProgress';
import { RetryOperation } from './RetryOperation';
import { ServerErrorPanel } from './ServerErrorPanel';

/**
 * The followed operation at the top of a tab: the change just started there, one running, or
 * the latest if it failed.
 */
export function OperationBanner() {
  const { operation, operationError } = useClusterView();
  if (!operation) return null;
  return (
    <Box mb={3}>
      {operationError && <ServerErrorPanel error={operationError} />}
      <InfoCard title="Operation">
        <OperationProgress
          operation={operation}
          action={<RetryOperation operation={operation} />}
        />
      </InfoCard>
    </Box>
  );
}
