import { KubernetesObject } from '@kubernetes/client-node';
import { FAKE_NODE_ANNOTATION } from '../stages';

/**
 * A minimal HostedCluster on the KubeVirt platform that HyperShift's v1beta1 schema accepts: the
 * fields the CRD marks required, and nothing else. Its pull secret and SSH key need not exist for
 * the API server to accept it.
 */
export function minimalHostedCluster(
  namespace: string,
  name: string,
  releaseImage = 'quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64',
): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'hypershift.openshift.io/v1beta1',
    kind: 'HostedCluster',
    metadata: { namespace, name },
    spec: {
      release: { image: releaseImage },
      pullSecret: { name: `${name}-pull-secret` },
      sshKey: { name: `${name}-ssh-key` },
      networking: {
        networkType: 'OVNKubernetes',
        clusterNetwork: [{ cidr: '10.132.0.0/14' }],
        serviceNetwork: [{ cidr: '172.31.0.0/16' }],
      },
      platform: { type: 'KubeVirt', kubevirt: {} },
      services: ['APIServer', 'OAuthServer', 'Konnectivity', 'Ignition'].map(service => ({
        service,
        servicePublishingStrategy: { type: 'Route' },
      })),
    },
  };
}

/** A Node that the local hub's KWOK controller manages (it becomes Ready through a Stage). */
export function fakeNode(name: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { type: 'kwok', 'kubernetes.io/hostname': name },
    },
  };
}

/** A minimal KubeVirt NodePool of a HostedCluster, as HyperShift's v1beta1 schema accepts it. */
export function minimalNodePool(
  namespace: string,
  clusterName: string,
  name: string,
  replicas: number,
  releaseImage = 'quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64',
): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'hypershift.openshift.io/v1beta1',
    kind: 'NodePool',
    metadata: { namespace, name },
    spec: {
      clusterName,
      replicas,
      release: { image: releaseImage },
      management: { upgradeType: 'Replace' },
      platform: {
        type: 'KubeVirt',
        kubevirt: {
          compute: { cores: 2, memory: '4Gi' },
          rootVolume: { type: 'Persistent', persistent: { size: '32Gi' } },
        },
      },
    },
  };
}

/** A minimal KubeVirt VirtualMachine that is asked to run. */
export function minimalVirtualMachine(namespace: string, name: string): KubernetesObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { namespace, name },
    spec: {
      runStrategy: 'Always',
      template: {
        spec: {
          domain: { devices: {}, resources: { requests: { memory: '1Gi' } } },
        },
      },
    },
  } as KubernetesObject;
}
