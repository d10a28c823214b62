import { KubernetesObject } from '@kubernetes/client-node';
import { FAKE_NODE_ANNOTATION } from '../stages';
import {
  kubevirtHostedClusterSpec,
  kubevirtNodePoolSpec,
} from '../upstream/hypershiftSpecs';

/** A HostedCluster on the KubeVirt platform, left to the local hub's KWOK Stages. */
export function minimalHostedCluster(
  namespace: string,
  name: string,
  releaseImage = 'quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64',
): KubernetesObject & Record<string, unknown> {
  return {
    apiVersion: 'hypershift.openshift.io/v1beta1',
    kind: 'HostedCluster',
    metadata: { namespace, name },
    spec: kubevirtHostedClusterSpec(name, releaseImage),
  };
}

/** A Node that the local hub's KWOK controller manages (it becomes Ready through a Stage). */
export function fakeNode(name: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [FAKE_NODE_ANNOTATION]: 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: { type: 'kwok', 'kubernetes.io/hostname': name },
    },
  };
}

/** A KubeVirt NodePool of a HostedCluster, left to the local hub's KWOK Stages. */
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
    spec: kubevirtNodePoolSpec(clusterName, replicas, releaseImage),
  };
}

/** A minimal KubeVirt VirtualMachine that is asked to run. */
export function minimalVirtualMachine(
  namespace: string,
  name: string,
): KubernetesObject {
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
