import Typography from '@material-ui/core/Typography';
import { NodePoolStatus } from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';

/** Removes a pool and its machines, once confirmed. */
export function RemovePoolDialog({
  pool,
  onClose,
}: {
  pool: NodePoolStatus;
  onClose(): void;
}) {
  const view = useClusterView();
  return (
    <ConfirmDialog
      open
      title={`Remove node pool ${pool.name}`}
      confirmLabel="Remove"
      danger
      onConfirm={() => view.change({ action: 'removePool', pool: pool.name })}
      onClose={onClose}
    >
      <Typography>
        Its {pool.currentReplicas} machines are drained and deleted; pods that
        only fit on {pool.name} stay pending until another pool has room.
      </Typography>
    </ConfirmDialog>
  );
}
