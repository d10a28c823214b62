import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { compareVersions } from '@hostplane/plugin-hostplane-common';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { OperationBanner } from '../common/OperationBanner';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { useChangeBlock } from '../common/useActionBlock';
import { OfferedVersionsTable } from './OfferedVersionsTable';
import { currentVersion, poolSkewWarnings } from './upgradeChecks';

function Versions() {
  const api = useApi(hostplaneApiRef);
  const { cluster, clusterRef } = useClusterView();
  const blockedReason = useChangeBlock();
  const offered = useAsync(
    () => api.listHubVersions(clusterRef.hub),
    [api, clusterRef.hub],
  );
  const current = currentVersion(cluster);
  const newer = (offered.value?.versions ?? [])
    .map(v => v.version)
    .filter(v => !current || compareVersions(v, current) > 0)
    .sort(compareVersions);
  const skew = poolSkewWarnings(cluster);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OperationBanner />
        <InfoCard title="Kubernetes version">
          <StructuredMetadataTable
            options={{ titleFormat: key => key }}
            metadata={{
              'Control plane': cluster.version ?? 'unknown',
              ...(cluster.desiredVersion &&
              cluster.desiredVersion !== cluster.version
                ? { 'Upgrading to': cluster.desiredVersion }
                : {}),
              ...Object.fromEntries(
                cluster.nodePools.map(pool => [
                  `Node pool ${pool.name}`,
                  pool.version ?? 'unknown',
                ]),
              ),
            }}
          />
        </InfoCard>
      </Grid>
      {skew.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel title="Version skew" defaultExpanded>
            {skew.map(warning => (
              <Typography key={warning}>{warning}</Typography>
            ))}
          </WarningPanel>
        </Grid>
      )}
      <Grid item xs={12}>
        {offered.loading && <Progress />}
        {offered.error && <ServerErrorPanel error={offered.error} />}
        {offered.value && (
          <OfferedVersionsTable
            cluster={cluster}
            versions={newer}
            blockedReason={blockedReason}
          />
        )}
      </Grid>
    </Grid>
  );
}

/** The versions tab: what the cluster runs, what it can be upgraded to, and why not. */
export function VersionsContent() {
  return (
    <ClusterFrame>
      <Versions />
    </ClusterFrame>
  );
}
