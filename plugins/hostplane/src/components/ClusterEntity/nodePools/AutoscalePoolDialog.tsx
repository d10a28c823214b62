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

/** Lets the autoscaler size a pool between a minimum and a maximum, once confirmed. */
export function AutoscalePoolDialog({
  pool,
  onClose,
}: {
  pool: NodePoolStatus;
  onClose(): void;
}) {
  const view = useClusterView();
  const size = Math.max(1, pool.replicas ?? pool.currentReplicas);
  const [min, setMin] = useState(pool.autoscaling?.min ?? size);
  const [max, setMax] = useState(pool.autoscaling?.max ?? size);
  const change = {
    action: 'autoscale' as const,
    pool: pool.name,
    autoscaling: { min, max },
  };

  return (
    <ConfirmDialog
      open
      title={`Autoscale node pool ${pool.name}`}
      confirmLabel="Autoscale"
      invalidReason={changeProblem(change)}
      onConfirm={() => view.change(change)}
      onClose={onClose}
    >
      <NumberField
        label="Minimum machines"
        value={min}
        onChange={setMin}
        min={1}
        max={MAX_POOL_REPLICAS}
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the first field of a dialog the user has just opened
        autoFocus
      />
      <NumberField
        label="Maximum machines"
        value={max}
        onChange={setMax}
        min={1}
        max={MAX_POOL_REPLICAS}
      />
      <Typography variant="body2">
        The autoscaler keeps between {min} and {max} machines in {pool.name}, by
        the pods waiting for room.
      </Typography>
    </ConfirmDialog>
  );
}
