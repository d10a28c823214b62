import { KubernetesObject } from '@kubernetes/client-node';
import {
  ClusterSpec,
  ETCD_RESTORE_REQUEST_ANNOTATION,
  ROTATE_CREDENTIALS_ANNOTATION,
  SPEC_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { OfferedRelease, RenderState } from '@hostplane/plugin-hostplane-node';
import { clusterLabels, ownerAnnotations } from './metadata';
import { tenantNamespace } from './namespace';
import { secretNames } from './secrets';
import { auditWebhookFields } from './auditWebhook';

export const HYPERSHIFT_API_VERSION = 'hypershift.openshift.io/v1beta1';

/**
 * Every endpoint of the control plane published as a Route: the KubeVirt platform serves the
 * tenant's API through the hub's ingress, so no load balancer or node port is needed.
 */
const PUBLISHED_SERVICES = [
  'APIServer',
  'OAuthServer',
  'Konnectivity',
  'Ignition',
] as const;

/**
 * A HostedCluster on HyperShift's KubeVirt platform, in its owner's namespace. A credential
 * rotation, once asked for, stays in every later rendering: leaving the annotation out would
 * remove it (the applier owns it) and read as a cluster never rotated. A cluster made from a
 * backup names its snapshot in `restoreSnapshotURL` (one URL, immutable upstream); an in-place
 * restore is asked for with an annotation the control plane answers.
 */
export function renderHostedCluster(
  spec: ClusterSpec,
  release: OfferedRelease,
  {
    credentialsRotation,
    etcdRestoreSnapshotURL,
    etcdRestoreRequest,
    auditWebhook,
  }: Pick<
    RenderState,
    | 'credentialsRotation'
    | 'etcdRestoreSnapshotURL'
    | 'etcdRestoreRequest'
    | 'auditWebhook'
  > = {},
): KubernetesObject {
  const secrets = secretNames(spec.name);
  // The SSH key belongs in its Secret only: the annotation is shown to everyone who may read the
  // cluster, and planning changes never needs the key (its Secret is written once, at creation).
  const { sshPublicKey: _sshPublicKey, ...recordedSpec } = spec;
  return {
    apiVersion: HYPERSHIFT_API_VERSION,
    kind: 'HostedCluster',
    metadata: {
      namespace: tenantNamespace(spec),
      name: spec.name,
      // Hostplane's own labels last, so a user label cannot take their place.
      labels: { ...spec.labels, ...clusterLabels(spec) },
      annotations: {
        ...ownerAnnotations(spec),
        // The engine reads the spec back from here to plan changes.
        [SPEC_ANNOTATION]: JSON.stringify(recordedSpec),
        ...(credentialsRotation
          ? { [ROTATE_CREDENTIALS_ANNOTATION]: credentialsRotation }
          : {}),
        ...(etcdRestoreRequest
          ? {
              [ETCD_RESTORE_REQUEST_ANNOTATION]:
                JSON.stringify(etcdRestoreRequest),
            }
          : {}),
      },
    },
    spec: {
      release: { image: release.image },
      pullSecret: { name: secrets.pullSecret },
      sshKey: { name: secrets.sshKey },
      controllerAvailabilityPolicy: spec.availability,
      networking: {
        networkType: 'OVNKubernetes',
        clusterNetwork: [{ cidr: spec.network.podCidr }],
        serviceNetwork: [{ cidr: spec.network.serviceCidr }],
      },
      platform: { type: 'KubeVirt', kubevirt: {} },
      services: PUBLISHED_SERVICES.map(service => ({
        service,
        servicePublishingStrategy: { type: 'Route' },
      })),
      etcd: {
        managementType: 'Managed',
        managed: {
          storage: {
            type: 'PersistentVolume',
            persistentVolume: { size: `${spec.etcd.storageGiB}Gi` },
            ...(etcdRestoreSnapshotURL
              ? { restoreSnapshotURL: [etcdRestoreSnapshotURL] }
              : {}),
          },
        },
      },
      secretEncryption: {
        type: 'aescbc',
        aescbc: { activeKey: { name: secrets.etcdEncryptionKey } },
      },
      ...(auditWebhook ? auditWebhookFields(spec.name) : {}),
    },
  } as KubernetesObject;
}
