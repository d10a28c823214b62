import Grid from '@material-ui/core/Grid';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { ClusterStatusCard } from './ClusterStatusCard';
import { ConditionsTable } from './ConditionsTable';
import { CurrentOperationCard } from './CurrentOperationCard';
import { RecentOperationsTable } from './RecentOperationsTable';

function ClusterOverview() {
  const { cluster, operations, operationsError } = useClusterView();
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={6}>
        <ClusterStatusCard cluster={cluster} />
      </Grid>
      <Grid item xs={12} md={6}>
        <CurrentOperationCard />
      </Grid>
      <Grid item xs={12}>
        <ConditionsTable conditions={cluster.conditions} />
      </Grid>
      <Grid item xs={12}>
        {operationsError ? (
          <ServerErrorPanel error={operationsError} />
        ) : (
          <RecentOperationsTable operations={operations} />
        )}
      </Grid>
    </Grid>
  );
}

/** The cluster tab's overview: status, conditions, the running and the recent operations. */
export function ClusterOverviewContent() {
  return (
    <ClusterFrame>
      <ClusterOverview />
    </ClusterFrame>
  );
}
