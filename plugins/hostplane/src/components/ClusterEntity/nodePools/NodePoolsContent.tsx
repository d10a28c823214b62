import Box from '@material-ui/core/Box';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { OperationBanner } from '../common/OperationBanner';
import { useChangeBlock } from '../common/useActionBlock';
import { AddPoolAction } from './AddPoolAction';
import { NodePoolsTable } from './NodePoolsTable';

function NodePools() {
  const { cluster } = useClusterView();
  const blockedReason = useChangeBlock();
  return (
    <>
      <OperationBanner />
      <NodePoolsTable pools={cluster.nodePools} blockedReason={blockedReason} />
      <Box mt={2}>
        <AddPoolAction blockedReason={blockedReason} />
      </Box>
    </>
  );
}

/** The node pools tab: sizes, scaling, autoscaling, adding and removing pools. */
export function NodePoolsContent() {
  return (
    <ClusterFrame>
      <NodePools />
    </ClusterFrame>
  );
}
