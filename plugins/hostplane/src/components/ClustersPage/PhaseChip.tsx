import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import {
  ClusterPhase,
  NodePoolPhase,
} from '@hostplane/plugin-hostplane-common';

/** A cluster's or a node pool's phase in Backstage's status colours. */
export function PhaseStatus({
  phase,
}: {
  phase: ClusterPhase | NodePoolPhase;
}) {
  switch (phase) {
    case 'Ready':
      return <StatusOK>{phase}</StatusOK>;
    case 'Provisioning':
    case 'Scaling':
    case 'Updating':
      return <StatusRunning>{phase}</StatusRunning>;
    case 'Pending':
      return <StatusPending>{phase}</StatusPending>;
    case 'Degraded':
      return <StatusWarning>{phase}</StatusWarning>;
    case 'Failed':
      return <StatusError>{phase}</StatusError>;
    default:
      return <StatusAborted>{phase}</StatusAborted>;
  }
}
