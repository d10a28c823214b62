import { useState } from 'react';
import { WarningPanel } from '@backstage/core-components';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { BackupSummary } from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { formatTime } from '../common/formatTime';

/** Rolls the cluster back to a backup, once its name has been typed. */
export function RestoreInPlaceDialog({
  backup,
  onClose,
}: {
  backup: BackupSummary;
  onClose(): void;
}) {
  const view = useClusterView();
  const { name } = view.cluster;
  const [typed, setTyped] = useState('');
  const when = formatTime(backup.createdAt);
  return (
    <ConfirmDialog
      open
      title={`Restore ${name} in place`}
      confirmLabel="Restore in place"
      danger
      invalidReason={
        typed === name ? undefined : `Type ${name} to confirm the restore`
      }
      onConfirm={() =>
        view.change({
          action: 'restore',
          backupId: backup.id,
          confirmName: typed,
        })
      }
      onClose={onClose}
    >
      <WarningPanel
        severity="error"
        title={`Everything that changed in ${name} since ${when} is lost`}
        message={`Every etcd member is restored from backup ${backup.id} (revision ${backup.revision}): objects created since then are gone, objects deleted since then come back. The API servers stop until every member is restored and the control plane is healthy again; running workloads keep running, but nothing in the cluster can be changed meanwhile.`}
      />
      <Typography paragraph />
      <TextField
        id="hostplane-restore-cluster-name"
        label="Cluster name"
        value={typed}
        onChange={event => setTyped(event.target.value)}
        margin="dense"
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the typed-name confirmation, the only field of a dialog the user has just opened
        autoFocus
        fullWidth
      />
    </ConfirmDialog>
  );
}
