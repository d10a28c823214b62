import {
  CLUSTER_LABEL,
  CREDENTIALS_ROTATION_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { versions } from '../paths';

/**
 * The control-plane namespace HyperShift creates for a HostedCluster (`<namespace>-<name>`) and
 * what it runs there: etcd as a StatefulSet, kube-apiserver, kube-controller-manager and
 * kube-scheduler as Deployments, their Services, and the Secrets that hold the tenant's root CA
 * and admin kubeconfig. Pods are KWOK's; for a real tenant they stand for its local processes.
 */
export interface ControlPlaneInput {
  namespace: string;
  name: string;
  highlyAvailable: boolean;
  /** PEM of the tenant's root CA. */
  rootCa: string;
  /** PEM of the root CA's private key, which Hostplane signs users' client certificates with. */
  rootCaKey: string;
  /** The tenant's admin kubeconfig. */
  adminKubeconfig: string;
  /** The release image the HostedCluster asks for (`spec.release.image`). */
  releaseImage: string;
  /** The credential rotation request the root CA and admin kubeconfig answer, if any. */
  credentialsRotation?: string;
}

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
} & Record<string, unknown>;

export function controlPlaneNamespace(namespace: string, name: string): string {
  return `${namespace}-${name}`;
}

const IMAGE_REGISTRY = 'registry.hostplane.local';

/** HyperShift's annotation naming the release image a control-plane workload is tied to. */
export const RELEASE_IMAGE_ANNOTATION = 'hypershift.openshift.io/release-image';

function replicas(input: ControlPlaneInput, highlyAvailable: number): number {
  return input.highlyAvailable ? highlyAvailable : 1;
}

function workload(
  input: ControlPlaneInput,
  kind: 'Deployment' | 'StatefulSet',
  app: string,
  count: number,
  image: string,
  port: number,
): Manifest {
  const labels = { app, [CLUSTER_LABEL]: input.name };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: {
      namespace: controlPlaneNamespace(input.namespace, input.name),
      name: app,
      labels,
    },
    spec: {
      replicas: count,
      ...(kind === 'StatefulSet' ? { serviceName: `${app}-discovery` } : {}),
      selector: { matchLabels: { app } },
      template: {
        // On the pod template, so a new release rolls the pods as HyperShift's rollout does; the
        // images keep the one version that was built, which is what the processes run.
        metadata: {
          labels,
          annotations: { [RELEASE_IMAGE_ANNOTATION]: input.releaseImage },
        },
        spec: {
          containers: [{ name: app, image, ports: [{ containerPort: port }] }],
        },
      },
    },
  };
}

function service(
  input: ControlPlaneInput,
  name: string,
  app: string,
  port: number,
  headless = false,
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      namespace: controlPlaneNamespace(input.namespace, input.name),
      name,
      labels: { app },
    },
    spec: {
      ...(headless ? { clusterIP: 'None' } : {}),
      selector: { app },
      ports: [{ name: 'client', port, targetPort: port }],
    },
  };
}

function secret(
  input: ControlPlaneInput,
  name: string,
  data: Record<string, string>,
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      namespace: controlPlaneNamespace(input.namespace, input.name),
      name,
      ...(input.credentialsRotation
        ? {
            annotations: {
              [CREDENTIALS_ROTATION_ANNOTATION]: input.credentialsRotation,
            },
          }
        : {}),
    },
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
  };
}

export function renderControlPlane(input: ControlPlaneInput): Manifest[] {
  const kubernetesImage = (component: string) =>
    `${IMAGE_REGISTRY}/${component}:${versions.kubernetes}`;
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: controlPlaneNamespace(input.namespace, input.name),
        labels: {
          'hypershift.openshift.io/hosted-control-plane': 'true',
          [CLUSTER_LABEL]: input.name,
        },
      },
    },
    secret(input, 'root-ca', {
      'ca.crt': input.rootCa,
      'ca.key': input.rootCaKey,
    }),
    secret(input, 'admin-kubeconfig', { kubeconfig: input.adminKubeconfig }),
    workload(
      input,
      'StatefulSet',
      'etcd',
      replicas(input, 3),
      `${IMAGE_REGISTRY}/etcd:${versions.etcd}`,
      2379,
    ),
    service(input, 'etcd-client', 'etcd', 2379),
    service(input, 'etcd-discovery', 'etcd', 2380, true),
    workload(
      input,
      'Deployment',
      'kube-apiserver',
      replicas(input, 3),
      kubernetesImage('kube-apiserver'),
      6443,
    ),
    service(input, 'kube-apiserver', 'kube-apiserver', 6443),
    workload(
      input,
      'Deployment',
      'kube-controller-manager',
      replicas(input, 2),
      kubernetesImage('kube-controller-manager'),
      10257,
    ),
    workload(
      input,
      'Deployment',
      'kube-scheduler',
      replicas(input, 2),
      kubernetesImage('kube-scheduler'),
      10259,
    ),
  ];
}
