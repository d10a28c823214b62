import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { NodePoolStatus } from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';

/** Removes a pool and its machines (never the last one). */
export function RemovePoolAction({
  pool,
  blockedReason,
}: {
  pool: NodePoolStatus;
  blockedReason?: string;
}) {
  const view = useClusterView();
  const [open, setOpen] = useState(false);
  const lastPool =
    view.cluster.nodePools.length <= 1
      ? 'The last node pool cannot be removed'
      : undefined;

  return (
    <>
      <GuardedButton
        size="small"
        color="secondary"
        blockedReason={blockedReason ?? lastPool}
        onClick={() => setOpen(true)}
      >
        Remove
      </GuardedButton>
      <ConfirmDialog
        open={open}
        title={`Remove node pool ${pool.name}`}
        confirmLabel="Remove"
        danger
        onConfirm={() => view.change({ action: 'removePool', pool: pool.name })}
        onClose={() => setOpen(false)}
      >
        <Typography>
          Its {pool.currentReplicas} machines are drained and deleted; pods that
          only fit on {pool.name} stay pending until another pool has room.
        </Typography>
      </ConfirmDialog>
    </>
  );
}
