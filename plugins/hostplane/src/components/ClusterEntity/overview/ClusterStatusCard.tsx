import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import { PhaseStatus } from '../../ClustersPage/PhaseChip';
import { formatTime } from '../common/formatTime';
import { ClusterAlertBadges } from './ClusterAlertBadges';

function versionText(cluster: ClusterStatus): string {
  const current = cluster.version ?? 'unknown';
  return cluster.desiredVersion && cluster.desiredVersion !== cluster.version
    ? `${current} → ${cluster.desiredVersion} (upgrading)`
    : current;
}

/**
 * What the cluster is now: phase and why, what fires on it, where its API server is, which
 * version it runs.
 */
export function ClusterStatusCard({ cluster }: { cluster: ClusterStatus }) {
  const why = [cluster.reason, cluster.message].filter(Boolean).join(': ');
  const metadata = {
    Phase: (
      <>
        <PhaseStatus phase={cluster.phase} />
        {why && ` ${why}`}
      </>
    ),
    Alerts: <ClusterAlertBadges />,
    Endpoint: cluster.endpoint ?? 'not published yet',
    Version: versionText(cluster),
    Availability: cluster.availability ?? cluster.spec?.availability ?? '—',
    Hub: `${cluster.hub} (namespace ${cluster.namespace})`,
    Owner: cluster.owner,
    'Deletion protection': cluster.deletionProtection ? 'on' : 'off',
    Created: formatTime(cluster.createdAt),
    'Credentials rotated': formatTime(cluster.credentialsRotatedAt),
  };
  return (
    <InfoCard title="Status">
      <StructuredMetadataTable
        metadata={metadata}
        options={{ titleFormat: key => key }}
      />
    </InfoCard>
  );
}
