import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  BackupSummary,
  ClusterSpecInput,
  MAX_CLUSTER_NAME_LENGTH,
  Operation,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { formatTime } from '../common/formatTime';

/** A name for the copy that says where it comes from, when it fits. */
function suggestedName(source: string): string {
  const name = `${source}-restored`;
  return name.length <= MAX_CLUSTER_NAME_LENGTH ? name : '';
}

/**
 * Creates a new cluster like this one (its spec, under a new name) whose etcd starts from the
 * backup: HyperShift's `restoreSnapshotURL`, which the API fills in from `restoreFrom`.
 */
export function RestoreToNewClusterDialog({
  backup,
  onStarted,
  onClose,
}: {
  backup: BackupSummary;
  onStarted(operation: Operation): void;
  onClose(): void;
}) {
  const api = useApi(hostplaneApiRef);
  const { cluster, clusterRef } = useClusterView();
  const [name, setName] = useState(suggestedName(cluster.name));
  const spec: ClusterSpecInput | undefined = cluster.spec && {
    ...cluster.spec,
    name: name.trim(),
    // A copy starts unprotected; its owner protects it if it is to stay.
    deletionProtection: false,
    restoreFrom: {
      hub: clusterRef.hub,
      cluster: clusterRef.name,
      backupId: backup.id,
    },
  };
  const parsed = spec && clusterSpecSchema.safeParse(spec);
  const invalidReason = !parsed
    ? `${cluster.name} has no spec to copy`
    : parsed.error?.issues[0]?.message;
  return (
    <ConfirmDialog
      open
      title={`Restore ${backup.id} into a new cluster`}
      confirmLabel="Create cluster"
      invalidReason={invalidReason}
      onConfirm={async () => onStarted(await api.createCluster(spec!))}
      onClose={onClose}
    >
      <Typography variant="body2" paragraph>
        A new cluster with the settings of {cluster.name} (version, control
        plane, node pools, owner {cluster.owner}) whose etcd starts from the
        backup of {formatTime(backup.createdAt)}, revision {backup.revision}.{' '}
        {cluster.name} itself is not touched.
      </Typography>
      <TextField
        id="hostplane-restore-new-cluster-name"
        label="New cluster name"
        value={name}
        onChange={event => setName(event.target.value)}
        margin="dense"
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the only field of a dialog the user has just opened
        autoFocus
        fullWidth
      />
    </ConfirmDialog>
  );
}
