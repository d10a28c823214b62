import {
  CLUSTER_LABEL,
  ClusterSpec,
  NODE_POOL_LABEL,
  OWNER_LABEL,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { HostedControlPlaneProvider } from './provider';
import {
  etcdContractViolations,
  labelContractViolations,
} from './providerContract';

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

describe('etcdContractViolations', () => {
  /** A provider that renders the restore state into its control plane, and may keep it. */
  const etcdProvider = (options: {
    pods: string[];
    retainsUrls?: boolean;
    claims?: boolean;
  }) =>
    ({
      id: 'test',
      capabilities: {
        credentialRotation: false,
        hibernation: false,
        etcdOperations: options.claims ?? true,
        availabilityPolicies: ['SingleReplica'],
      },
      render: (_spec: ClusterSpec, _releases: unknown, state: any = {}) => [
        { ...controlPlane, spec: { restore: state } },
      ],
      retain: (object: any) =>
        options.retainsUrls ? object : { ...object, spec: {} },
      etcdAccess: () => ({
        namespace: 'tenants-team-a-shop',
        pods: options.pods,
        encryptionKeySecret: { namespace: 'tenants-team-a', name: 'key' },
      }),
    } as unknown as HostedControlPlaneProvider);

  it('finds none for a provider that says where its etcd runs and keeps no restore URL', () => {
    expect(
      etcdContractViolations(
        etcdProvider({ pods: ['etcd-0'] }),
        spec,
        release,
        'tenants-team-a',
      ),
    ).toEqual([]);
    expect(
      etcdContractViolations(
        etcdProvider({ pods: [], claims: false }),
        spec,
        release,
        'tenants-team-a',
      ),
    ).toEqual([]);
  });

  it('names a wrong member count and a restore URL kept in the cache', () => {
    expect(
      etcdContractViolations(
        etcdProvider({ pods: ['etcd-0', 'etcd-1'], retainsUrls: true }),
        spec,
        release,
        'tenants-team-a',
      ),
    ).toEqual([
      'etcdAccess names 2 etcd pods for a SingleReplica cluster, not 1',
      'retain keeps a restore URL (https://restore.invalid/snapshot-url-marker) in the cache',
      'retain keeps a restore URL (https://restore.invalid/request-url-marker) in the cache',
    ]);
  });
});
