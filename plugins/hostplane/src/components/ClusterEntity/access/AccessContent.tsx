import { useReducer } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { IssuancesTable } from './IssuancesTable';
import { KubeconfigCard } from './KubeconfigCard';

function Access() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const issuances = useAsync(
    () => api.listKubeconfigIssuances(clusterRef.hub, clusterRef.name),
    [api, clusterRef.hub, clusterRef.name, loads],
  );
  const newestFirst = [...(issuances.value?.items ?? [])].sort((a, b) =>
    b.issuedAt.localeCompare(a.issuedAt),
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <KubeconfigCard onIssued={reload} />
      </Grid>
      <Grid item xs={12}>
        {issuances.error && <ServerErrorPanel error={issuances.error} />}
        {issuances.loading && !issuances.value && <Progress />}
        {issuances.value && <IssuancesTable issuances={newestFirst} />}
      </Grid>
    </Grid>
  );
}

/** The access tab: download a kubeconfig, and who was given one when. */
export function AccessContent() {
  return (
    <ClusterFrame>
      <Access />
    </ClusterFrame>
  );
}
