import { NODE_POOL_LABEL } from '../TenantProcesses';

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
}

export function machineName(pool: string, index: number): string {
  return `${pool}-${index}`;
}

export function renderMachine(input: MachineInput) {
  const name = machineName(input.pool, input.index);
  const labels = { [NODE_POOL_LABEL]: input.pool, 'kubevirt.io/vm': name };
  const domain = {
    cpu: { cores: input.cores },
    memory: { guest: input.memory },
    devices: {},
  };
  return [
    {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { namespace: input.namespace, name, labels },
      spec: {
        runStrategy: 'Always',
        template: { metadata: { labels }, spec: { domain } },
      },
    },
    {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { namespace: input.namespace, name, labels },
      spec: { domain },
    },
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
