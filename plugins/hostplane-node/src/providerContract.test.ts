import {
  CLUSTER_LABEL,
  ClusterSpec,
  NODE_POOL_LABEL,
  OWNER_LABEL,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { HostedControlPlaneProvider } from './provider';
import { labelContractViolations } from './providerContract';

const spec: ClusterSpec = clusterSpecSchema.parse({
  name: 'shop',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    { name: 'batch', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
  ],
});
const release = { version: 'v1.37.2', image: 'registry.example/k:v1.37.2' };
const clusterLabels = {
  [CLUSTER_LABEL]: 'shop',
  [OWNER_LABEL]: 'team-a',
};

/** A provider whose rendering is given: a control plane and the objects per pool. */
function providerRendering(objects: KubernetesObject[]) {
  return {
    id: 'test',
    watchedKinds: [{ apiVersion: 'example.io/v1', kind: 'ControlPlane' }],
    render: () => objects,
  } as unknown as HostedControlPlaneProvider;
}

const namespace = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'tenants-team-a' },
};
const controlPlane = {
  apiVersion: 'example.io/v1',
  kind: 'ControlPlane',
  metadata: {
    name: 'shop',
    namespace: 'tenants-team-a',
    labels: clusterLabels,
  },
};
const pool = (
  name: string,
  labels: Record<string, string> = clusterLabels,
) => ({
  apiVersion: 'example.io/v1',
  kind: 'Pool',
  metadata: {
    name: `shop-${name}`,
    namespace: 'tenants-team-a',
    labels: { ...labels, [NODE_POOL_LABEL]: name },
  },
});

describe('labelContractViolations', () => {
  it('finds none when every namespaced object is labelled and each pool has its objects', () => {
    const provider = providerRendering([
      namespace,
      controlPlane,
      pool('workers'),
      pool('batch'),
    ]);
    expect(labelContractViolations(provider, spec, release)).toEqual([]);
  });

  it('names each object without the cluster or owner label, and each pool without objects', () => {
    const provider = providerRendering([
      namespace,
      { ...controlPlane, metadata: { ...controlPlane.metadata, labels: {} } },
      pool('workers', { [CLUSTER_LABEL]: 'shop' }),
      pool('gpu'),
    ]);
    expect(labelContractViolations(provider, spec, release)).toEqual([
      `ControlPlane shop has ${CLUSTER_LABEL}=undefined, not shop`,
      `ControlPlane shop has ${OWNER_LABEL}=undefined, not team-a`,
      `Pool shop-workers has ${OWNER_LABEL}=undefined, not team-a`,
      `Pool shop-gpu has ${NODE_POOL_LABEL}=gpu, which is no pool of the spec`,
      `no object carries ${NODE_POOL_LABEL}=batch`,
    ]);
  });

  it('names a watched kind that is not rendered', () => {
    const provider = providerRendering([pool('workers'), pool('batch')]);
    expect(labelContractViolations(provider, spec, release)).toEqual([
      "the watched kind ControlPlane (example.io/v1) is not rendered in the cluster's namespace",
    ]);
  });
});
