import { useApi } from '@backstage/core-plugin-api';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { AlertBadges } from '../../ClustersPage/AlertBadges';
import { useClusterView } from '../common/ClusterViewContext';

/**
 * What fires on this cluster, as the Clusters page badges it (the same summary, so the two
 * agree): firing alerts and open threats, each linking to the tab that lists them.
 */
export function ClusterAlertBadges() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const summary = useAsync(() => api.getAlertSummary(), [api]);
  if (summary.loading) {
    return (
      <Typography variant="body2" color="textSecondary">
        …
      </Typography>
    );
  }
  if (summary.error) {
    return (
      <Typography variant="body2" color="textSecondary">
        not known: {summary.error.message}
      </Typography>
    );
  }
  const mine = summary.value?.items.find(
    s => s.hub === clusterRef.hub && s.cluster === clusterRef.name,
  );
  const quiet =
    !mine ||
    (mine.firing.critical === 0 &&
      mine.firing.warning === 0 &&
      mine.openThreats === 0);
  return quiet ? (
    <Typography variant="body2">
      none firing
      {mine && mine.silenced > 0 ? ` (${mine.silenced} silenced)` : ''}
    </Typography>
  ) : (
    <AlertBadges summary={mine} />
  );
}
