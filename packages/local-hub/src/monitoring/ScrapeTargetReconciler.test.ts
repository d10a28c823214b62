import { V1Pod } from '@kubernetes/client-node';
import { machinesOf } from './ScrapeTargetReconciler';

const launcher = (
  vm: string,
  nodePool: string,
  hubNode?: string,
  deleting = false,
): V1Pod => ({
  metadata: {
    namespace: 'tenants-team-a-shop',
    name: `virt-launcher-${vm}`,
    labels: {
      'kubevirt.io': 'virt-launcher',
      'kubevirt.io/vm': vm,
      'hypershift.openshift.io/nodePool': nodePool,
    },
    ...(deleting ? { deletionTimestamp: new Date() } : {}),
  },
  spec: { containers: [], ...(hubNode ? { nodeName: hubNode } : {}) },
});

describe('machinesOf', () => {
  it('names each machine after its VM, with its pool as the portal names it and the hub node it runs on', () => {
    const pools: Record<string, object> = {
      'shop-workers': {
        metadata: { labels: { 'hostplane.io/node-pool': 'workers' } },
      },
    };
    expect(
      machinesOf(
        [
          launcher('shop-workers-0', 'shop-workers', 'hub-node-1'),
          launcher('shop-workers-1', 'shop-workers', 'hub-node-2'),
          // A NodePool the portal did not make keeps HyperShift's name.
          launcher('shop-gpu-0', 'shop-gpu', 'hub-node-0'),
        ],
        name => pools[name],
      ),
    ).toEqual([
      { name: 'shop-workers-0', pool: 'workers', hubNode: 'hub-node-1' },
      { name: 'shop-workers-1', pool: 'workers', hubNode: 'hub-node-2' },
      { name: 'shop-gpu-0', pool: 'shop-gpu', hubNode: 'hub-node-0' },
    ]);
  });

  it('leaves out pods not yet on a hub node and pods being deleted', () => {
    expect(
      machinesOf(
        [
          launcher('shop-workers-0', 'shop-workers'),
          launcher('shop-workers-1', 'shop-workers', 'hub-node-0', true),
        ],
        () => undefined,
      ),
    ).toEqual([]);
  });
});
