import {
  INJECT_FAILURE_ANNOTATION,
  InjectedFailure,
  NODE_POOL_STALL,
  VM_BOOT_FAILURE,
} from '../stages';
import { HYPERSHIFT_NODE_POOL_LABEL } from '../TenantProcesses';

/**
 * What HyperShift's KubeVirt platform and KubeVirt create in the control-plane namespace for one
 * NodePool replica: the VirtualMachine, the VirtualMachineInstance KubeVirt starts from it, and
 * the virt-launcher pod that runs it. Named `<pool>-<n>`, as the tenant's node for it is.
 */
export interface MachineInput {
  /** The control-plane namespace. */
  namespace: string;
  pool: string;
  index: number;
  cores: number;
  memory: string;
  /**
   * The VM cannot boot (an injected failure): it and its VMI are marked for the KWOK Stages to
   * fail, and it has no virt-launcher pod (the one that tried has exited).
   */
  failsToBoot?: boolean;
}

export function machineName(pool: string, index: number): string {
  return `${pool}-${index}`;
}

export function renderMachine(input: MachineInput) {
  const name = machineName(input.pool, input.index);
  const labels = {
    [HYPERSHIFT_NODE_POOL_LABEL]: input.pool,
    'kubevirt.io/vm': name,
  };
  const metadata = {
    namespace: input.namespace,
    name,
    labels,
    ...(input.failsToBoot
      ? { annotations: { [INJECT_FAILURE_ANNOTATION]: VM_BOOT_FAILURE } }
      : {}),
  };
  const domain = {
    cpu: { cores: input.cores },
    memory: { guest: input.memory },
    devices: {},
  };
  const machine = [
    {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata,
      spec: {
        runStrategy: 'Always',
        template: { metadata: { labels }, spec: { domain } },
      },
    },
    {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata,
      spec: { domain },
    },
  ];
  if (input.failsToBoot) {
    return machine;
  }
  return [
    ...machine,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: input.namespace,
        name: `virt-launcher-${name}`,
        labels: { ...labels, 'kubevirt.io': 'virt-launcher' },
      },
      spec: {
        containers: [
          {
            name: 'compute',
            image: 'registry.hostplane.local/virt-launcher:v1.8.0',
            resources: {
              requests: { cpu: String(input.cores), memory: input.memory },
            },
          },
        ],
      },
    },
  ];
}

/** What the stand-in knows of a NodePool when it plans the pool's machines. */
export interface PoolPlan {
  /** The NodePool's name. */
  name: string;
  replicas: number;
  cores: number;
  memory: string;
  failure?: InjectedFailure;
}

/**
 * The machines a control-plane namespace should have for these NodePools: one per replica, those
 * of a pool whose VMs fail to boot marked so. A stalled pool gets no machine created or removed:
 * it keeps exactly the VMs it has (`existing`), which are left as they are.
 */
export function planMachines(
  namespace: string,
  pools: PoolPlan[],
  existing: Array<{ pool: string; name: string }>,
): { render: MachineInput[]; keep: string[] } {
  const render: MachineInput[] = [];
  const keep: string[] = [];
  for (const pool of pools) {
    if (pool.failure === NODE_POOL_STALL) {
      keep.push(...existing.filter(m => m.pool === pool.name).map(m => m.name));
      continue;
    }
    for (let index = 0; index < pool.replicas; index++) {
      render.push({
        namespace,
        pool: pool.name,
        index,
        cores: pool.cores,
        memory: pool.memory,
        ...(pool.failure === VM_BOOT_FAILURE ? { failsToBoot: true } : {}),
      });
    }
  }
  return { render, keep };
}
