import {
  ClusterSpec,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { OfferedRelease } from '@hostplane/plugin-hostplane-node';

/** Clusters and releases the tests render, with the schema's defaults filled in. */

export const releases: Record<string, OfferedRelease> = Object.fromEntries(
  ['v1.36.4', 'v1.37.2'].map(version => [
    version,
    {
      version,
      image: `registry.hostplane.local/kubernetes-release:${version}`,
    },
  ]),
);

/** The smallest useful cluster: one control-plane replica of each component, one fixed pool. */
export const singleReplica: ClusterSpec = clusterSpecSchema.parse({
  name: 'payments-dev',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 4, memoryGiB: 16, diskGiB: 64 },
  ],
});

/**
 * A production cluster: highly available control plane, its own networks and etcd size, user
 * labels, a fixed pool and an autoscaled pool with node labels and taints.
 */
export const highlyAvailable: ClusterSpec = clusterSpecSchema.parse({
  name: 'payments-prod',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  availability: 'HighlyAvailable',
  network: { podCidr: '10.128.0.0/14', serviceCidr: '172.30.0.0/16' },
  etcd: { storageGiB: 16 },
  deletionProtection: true,
  labels: { env: 'prod', 'example.com/cost-center': 'cc-42' },
  nodePools: [
    { name: 'workers', replicas: 3, vcpu: 4, memoryGiB: 16, diskGiB: 64 },
    {
      name: 'gpu',
      autoscaling: { min: 1, max: 5 },
      vcpu: 16,
      memoryGiB: 64,
      diskGiB: 200,
      labels: { 'example.com/accelerator': 'gpu', workload: 'training' },
      taints: [
        { key: 'example.com/gpu', value: 'present', effect: 'NoSchedule' },
        { key: 'dedicated', effect: 'NoExecute' },
      ],
    },
  ],
});

/** A public key made with ssh-keygen for the tests, as a template passes it from its secrets. */
export const userSshPublicKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKlVgEvB4dH6v2OdomeHrNSbbX+KG7Nu5ClbsOmKKlUH alice@laptop';

/** The single-replica cluster with its owner's SSH public key for the nodes. */
export const withSshKey: ClusterSpec = clusterSpecSchema.parse({
  ...singleReplica,
  name: 'payments-ssh',
  sshPublicKey: userSshPublicKey,
});
