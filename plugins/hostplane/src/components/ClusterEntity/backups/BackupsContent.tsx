import { useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Grid from '@material-ui/core/Grid';
import {
  Operation,
  backupReadPermission,
  backupRestorePermission,
  clusterCreatePermission,
} from '@hostplane/plugin-hostplane-common';
import { providerSupports } from '../common/capabilities';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { OperationBanner } from '../common/OperationBanner';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { useChangeBlock, usePermissionBlock } from '../common/useActionBlock';
import { BackupStatusCard } from './BackupStatusCard';
import { BackupsTable } from './BackupsTable';
import { EtcdMembersCard } from './EtcdMembersCard';
import { NewClusterRestoreCard } from './NewClusterRestoreCard';
import { RestoreBlocks } from './RestoreMenu';
import { useEtcdData } from './useEtcdData';

/** Why a backup of this cluster may not go into a new cluster, if it may not. */
function useNewClusterBlock(): string | undefined {
  const { cluster } = useClusterView();
  const restore = usePermissionBlock(backupRestorePermission);
  const create = usePermission({ permission: clusterCreatePermission });
  if (restore) return restore;
  if (create.loading) return 'Checking your permissions…';
  if (!create.error && !create.allowed) {
    return `You are not allowed to create clusters (${clusterCreatePermission.name})`;
  }
  return cluster.spec
    ? undefined
    : `Hostplane did not create ${cluster.name}: it has no spec for a new cluster to copy`;
}

function Backups() {
  const { backups, health } = useEtcdData();
  const blocks: RestoreBlocks = {
    newCluster: useNewClusterBlock(),
    inPlace: useChangeBlock(backupRestorePermission),
  };
  const [restoring, setRestoring] = useState<Operation>();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OperationBanner />
        {restoring && <NewClusterRestoreCard operation={restoring} />}
      </Grid>
      <Grid item xs={12}>
        {backups.error && <ServerErrorPanel error={backups.error} />}
        {backups.loading && !backups.value && <Progress />}
        {backups.value && (
          <Grid container spacing={3}>
            <Grid item xs={12}>
              <BackupStatusCard backups={backups.value} />
            </Grid>
            <Grid item xs={12}>
              <BackupsTable
                backups={backups.value.items}
                blocks={blocks}
                nextScheduledAt={backups.value.nextScheduledAt}
                onNewClusterStarted={setRestoring}
              />
            </Grid>
          </Grid>
        )}
      </Grid>
      <Grid item xs={12}>
        {health.error && <ServerErrorPanel error={health.error} />}
        {health.loading && !health.value && <Progress />}
        {health.value && <EtcdMembersCard health={health.value} />}
      </Grid>
    </Grid>
  );
}

/** Explains what keeps the user from this cluster's backups, or shows them. */
function BackupsGate() {
  const { cluster, clusterRef } = useClusterView();
  const read = usePermission({
    permission: backupReadPermission,
    resourceRef: clusterRef.resourceRef,
  });
  if (!providerSupports(cluster, 'etcdOperations')) {
    return (
      <WarningPanel
        severity="info"
        title="etcd is not operated on this hub"
        message={`The provider of hub ${cluster.hub} (${
          cluster.capabilities?.provider ?? 'unknown'
        }) cannot back up, restore or maintain the etcd of its clusters through Hostplane.`}
      />
    );
  }
  if (read.loading) return <Progress />;
  // When the decision cannot be had, the server decides and the tab shows its answer.
  if (!read.error && !read.allowed) {
    return (
      <WarningPanel
        title="No access to backups"
        message={`You are not allowed to see this cluster's backups and etcd members (${backupReadPermission.name})`}
      />
    );
  }
  return <Backups />;
}

/**
 * The backups tab: the cluster's etcd backups (back up now, schedule, restore into a new cluster
 * or in place) and its members' health with their maintenance.
 */
export function BackupsContent() {
  return (
    <ClusterFrame>
      <BackupsGate />
    </ClusterFrame>
  );
}
