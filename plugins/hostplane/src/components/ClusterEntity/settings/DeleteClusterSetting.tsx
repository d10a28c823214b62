import { useState } from 'react';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { clusterDeletePermission } from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';
import { useChangeBlock } from '../common/useActionBlock';
import { SettingRow } from './SettingRow';

/** Deletes the cluster, once its name has been typed. */
export function DeleteClusterSetting() {
  const view = useClusterView();
  const { name } = view.cluster;
  const protectedReason = view.cluster.deletionProtection
    ? 'Deletion protection is on; turn it off first'
    : undefined;
  const blockedReason =
    useChangeBlock(clusterDeletePermission) ?? protectedReason;
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');

  return (
    <>
      <SettingRow
        title="Delete cluster"
        action={
          <GuardedButton
            variant="contained"
            color="secondary"
            blockedReason={blockedReason}
            onClick={() => {
              setTyped('');
              setOpen(true);
            }}
          >
            Delete cluster
          </GuardedButton>
        }
      >
        Deletes the control plane, every node pool and their machines, and all
        data in the cluster. This cannot be undone.
      </SettingRow>
      <ConfirmDialog
        open={open}
        title={`Delete ${name}`}
        confirmLabel="Delete"
        danger
        invalidReason={
          typed === name ? undefined : `Type ${name} to confirm the deletion`
        }
        onConfirm={() => view.remove()}
        onClose={() => setOpen(false)}
      >
        <Typography paragraph>
          The cluster, its workloads and their data are gone for good.
        </Typography>
        <TextField
          id="hostplane-delete-cluster-name"
          label="Cluster name"
          value={typed}
          onChange={event => setTyped(event.target.value)}
          margin="dense"
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the typed-name confirmation, the only field of a dialog the user has just opened
          autoFocus
          fullWidth
        />
      </ConfirmDialog>
    </>
  );
}
