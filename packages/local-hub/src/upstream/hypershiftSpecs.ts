/**
 * The spec of a HostedCluster and a NodePool on HyperShift's KubeVirt platform, with the fields the
 * v1beta1 schema requires. The pull secret and SSH key they name need not exist for the API server
 * to accept them.
 */
export function kubevirtHostedClusterSpec(
  name: string,
  releaseImage: string,
  highlyAvailable = false,
) {
  return {
    release: { image: releaseImage },
    pullSecret: { name: `${name}-pull-secret` },
    sshKey: { name: `${name}-ssh-key` },
    controllerAvailabilityPolicy: highlyAvailable
      ? 'HighlyAvailable'
      : 'SingleReplica',
    networking: {
      networkType: 'OVNKubernetes',
      clusterNetwork: [{ cidr: '10.132.0.0/14' }],
      serviceNetwork: [{ cidr: '172.31.0.0/16' }],
    },
    platform: { type: 'KubeVirt', kubevirt: {} },
    services: ['APIServer', 'OAuthServer', 'Konnectivity', 'Ignition'].map(
      service => ({
        service,
        servicePublishingStrategy: { type: 'Route' },
      }),
    ),
  };
}

export function kubevirtNodePoolSpec(
  clusterName: string,
  replicas: number,
  releaseImage: string,
) {
  return {
    clusterName,
    replicas,
    release: { image: releaseImage },
    management: { upgradeType: 'Replace' },
    platform: {
      type: 'KubeVirt',
      kubevirt: {
        compute: { cores: 4, memory: '16Gi' },
        rootVolume: { type: 'Persistent', persistent: { size: '64Gi' } },
      },
    },
  };
}
