import { useState } from 'react';
import TextField from '@material-ui/core/TextField';
import {
  MAX_NODE_POOLS,
  MAX_POOL_REPLICAS,
} from '@hostplane/plugin-hostplane-common';
import { changeProblem } from '../common/changeProblem';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';
import { NumberField } from '../common/NumberField';

interface PoolForm {
  name: string;
  replicas: number;
  vcpu: number;
  memoryGiB: number;
  diskGiB: number;
}

/** Adds a pool of fixed size; its machines are sized like the cluster's first pool to start with. */
export function AddPoolAction({ blockedReason }: { blockedReason?: string }) {
  const view = useClusterView();
  const pools = view.cluster.nodePools;
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<PoolForm>({
    name: '',
    replicas: 1,
    vcpu: pools[0]?.vcpu ?? 2,
    memoryGiB: pools[0]?.memoryGiB ?? 8,
    diskGiB: pools[0]?.diskGiB ?? 40,
  });
  const set = (field: keyof PoolForm) => (value: string | number) =>
    setForm(previous => ({ ...previous, [field]: value }));
  const change = {
    action: 'addPool' as const,
    nodePool: { ...form, labels: {}, taints: [] },
  };
  const problem =
    changeProblem(change) ??
    (pools.some(p => p.name === form.name)
      ? `node pool '${form.name}' already exists`
      : undefined);
  const full =
    pools.length >= MAX_NODE_POOLS
      ? `A cluster has at most ${MAX_NODE_POOLS} node pools`
      : undefined;

  return (
    <>
      <GuardedButton
        variant="outlined"
        color="primary"
        blockedReason={blockedReason ?? full}
        onClick={() => setOpen(true)}
      >
        Add node pool
      </GuardedButton>
      <ConfirmDialog
        open={open}
        title="Add a node pool"
        confirmLabel="Add pool"
        invalidReason={problem}
        onConfirm={() => view.change(change)}
        onClose={() => setOpen(false)}
      >
        <TextField
          id="hostplane-new-pool-name"
          label="Name"
          value={form.name}
          onChange={event => set('name')(event.target.value)}
          margin="dense"
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the first field of a dialog the user has just opened
          autoFocus
          fullWidth
        />
        <NumberField
          label="Machines"
          value={form.replicas}
          onChange={set('replicas')}
          min={0}
          max={MAX_POOL_REPLICAS}
        />
        <NumberField label="vCPUs" value={form.vcpu} onChange={set('vcpu')} />
        <NumberField
          label="Memory (GiB)"
          value={form.memoryGiB}
          onChange={set('memoryGiB')}
        />
        <NumberField
          label="Disk (GiB)"
          value={form.diskGiB}
          onChange={set('diskGiB')}
        />
      </ConfirmDialog>
    </>
  );
}
