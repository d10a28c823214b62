import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import {
  MAX_POOL_REPLICAS,
  NodePoolStatus,
} from '@hostplane/plugin-hostplane-common';
import { changeProblem } from '../common/changeProblem';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { NumberField } from '../common/NumberField';

/** Sets a pool to a fixed number of machines (turning its autoscaling off), once confirmed. */
export function ScalePoolDialog({
  pool,
  onClose,
}: {
  pool: NodePoolStatus;
  onClose(): void;
}) {
  const view = useClusterView();
  const [replicas, setReplicas] = useState(
    pool.replicas ?? pool.currentReplicas,
  );
  const change = { action: 'scale' as const, pool: pool.name, replicas };
  const problem =
    changeProblem(change) ??
    (replicas === pool.replicas && !pool.autoscaling
      ? `${pool.name} already has ${replicas} machines`
      : undefined);

  return (
    <ConfirmDialog
      open
      title={`Scale node pool ${pool.name}`}
      confirmLabel="Scale"
      invalidReason={problem}
      onConfirm={() => view.change(change)}
      onClose={onClose}
    >
      <NumberField
        label="Machines"
        value={replicas}
        onChange={setReplicas}
        min={0}
        max={MAX_POOL_REPLICAS}
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the only field of a dialog the user has just opened
        autoFocus
      />
      <Typography variant="body2">
        {pool.autoscaling
          ? `Autoscaling (${pool.autoscaling.min}–${pool.autoscaling.max}) is turned off; the pool keeps ${replicas} machines.`
          : `The pool goes from ${
              pool.replicas ?? pool.currentReplicas
            } to ${replicas} machines.`}
        {replicas === 0 && ' With no machines, nothing runs on this pool.'}
      </Typography>
    </ConfirmDialog>
  );
}
