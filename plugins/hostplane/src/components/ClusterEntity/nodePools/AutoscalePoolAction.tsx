import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import {
  MAX_POOL_REPLICAS,
  NodePoolStatus,
} from '@hostplane/plugin-hostplane-common';
import { changeProblem } from '../common/changeProblem';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';
import { NumberField } from '../common/NumberField';

/** Lets the autoscaler size a pool between a minimum and a maximum. */
export function AutoscalePoolAction({
  pool,
  blockedReason,
}: {
  pool: NodePoolStatus;
  blockedReason?: string;
}) {
  const view = useClusterView();
  const [open, setOpen] = useState(false);
  const [min, setMin] = useState(1);
  const [max, setMax] = useState(1);
  const change = {
    action: 'autoscale' as const,
    pool: pool.name,
    autoscaling: { min, max },
  };

  return (
    <>
      <GuardedButton
        size="small"
        blockedReason={blockedReason}
        onClick={() => {
          const size = Math.max(1, pool.replicas ?? pool.currentReplicas);
          setMin(pool.autoscaling?.min ?? size);
          setMax(pool.autoscaling?.max ?? size);
          setOpen(true);
        }}
      >
        {pool.autoscaling ? 'Autoscaling' : 'Enable autoscaling'}
      </GuardedButton>
      <ConfirmDialog
        open={open}
        title={`Autoscale node pool ${pool.name}`}
        confirmLabel="Autoscale"
        invalidReason={changeProblem(change)}
        onConfirm={() => view.change(change)}
        onClose={() => setOpen(false)}
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
          The autoscaler keeps between {min} and {max} machines in {pool.name},
          by the pods waiting for room.
        </Typography>
      </ConfirmDialog>
    </>
  );
}
