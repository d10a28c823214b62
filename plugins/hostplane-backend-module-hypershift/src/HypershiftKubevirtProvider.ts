import { KubernetesObject } from '@kubernetes/client-node';
import { ClusterSpec, ClusterStatus } from '@hostplane/plugin-hostplane-common';
import {
  AuditWebhookEndpoint,
  ClusterLocation,
  EtcdAccess,
  GeneratedSecret,
  HostedControlPlaneProvider,
  OfferedRelease,
  ProviderFeatures,
  RenderState,
  TenantCredentialRefs,
  WatchedKind,
} from '@hostplane/plugin-hostplane-node';
import {
  HYPERSHIFT_API_VERSION,
  renderHostedCluster,
} from './render/hostedCluster';
import { renderNamespace, tenantNamespace } from './render/namespace';
import { renderNodePool } from './render/nodePool';
import { secretNames, secretsFor } from './render/secrets';
import { renderAuditWebhookSecret } from './render/auditWebhook';
import { REQUIRED_HUB_APIS } from './requiredHubApis';
import { clusterStatus, retainForStatus } from './status';

/**
 * Tenant clusters as HyperShift HostedClusters whose nodes are KubeVirt virtual machines on the
 * hub.
 */
export class HypershiftKubevirtProvider implements HostedControlPlaneProvider {
  readonly id = 'hypershift-kubevirt';

  readonly requiredHubApis = REQUIRED_HUB_APIS;

  /**
   * HyperShift rotates a control plane's root CA on request, scales pools to zero and back, and
   * runs the control plane with one replica of each component or three. Its managed etcd runs as
   * pods in the control-plane namespace the backend reaches through the hub.
   */
  readonly capabilities: ProviderFeatures = {
    credentialRotation: true,
    hibernation: true,
    etcdOperations: true,
    availabilityPolicies: ['SingleReplica', 'HighlyAvailable'],
  };

  readonly watchedKinds: WatchedKind[] = [
    {
      apiVersion: HYPERSHIFT_API_VERSION,
      kind: 'HostedCluster',
      plural: 'hostedclusters',
    },
    {
      apiVersion: HYPERSHIFT_API_VERSION,
      kind: 'NodePool',
      plural: 'nodepools',
    },
  ];

  namespaceFor(spec: ClusterSpec): string {
    return tenantNamespace(spec);
  }

  secretsFor(spec: ClusterSpec): GeneratedSecret[] {
    return secretsFor(spec);
  }

  render(
    spec: ClusterSpec,
    releases: {
      controlPlane: OfferedRelease;
      nodePools: Record<string, OfferedRelease>;
    },
    state: RenderState = {},
  ): KubernetesObject[] {
    return [
      renderNamespace(spec),
      renderHostedCluster(spec, releases.controlPlane, state),
      ...spec.nodePools.map(pool =>
        renderNodePool(
          spec,
          pool,
          releases.nodePools[pool.name] ?? releases.controlPlane,
          state,
        ),
      ),
    ];
  }

  status(hub: string, objects: KubernetesObject[]): ClusterStatus | undefined {
    return clusterStatus(hub, objects);
  }

  retain(object: KubernetesObject): KubernetesObject {
    return retainForStatus(object);
  }

  /**
   * Where HyperShift puts a tenant's credentials: the admin kubeconfig beside the HostedCluster,
   * and the root CA in the control-plane namespace it creates (`<namespace>-<name>`).
   */
  credentialRefs(location: ClusterLocation): TenantCredentialRefs {
    return {
      adminKubeconfig: {
        namespace: location.namespace,
        name: `${location.name}-admin-kubeconfig`,
        key: 'kubeconfig',
      },
      rootCa: {
        namespace: `${location.namespace}-${location.name}`,
        name: 'root-ca',
        certKey: 'ca.crt',
        keyKey: 'ca.key',
      },
    };
  }

  /**
   * HyperShift's managed etcd: a StatefulSet `etcd` in the control-plane namespace, one member
   * for SingleReplica and three for HighlyAvailable, serving clients with the certificate in
   * `etcd-client-tls`. The API server encrypts its data with the cluster's generated key.
   */
  /** The Secret `spec.auditWebhook` names, with the kubeconfig key HyperShift reads. */
  auditWebhookSecret(
    spec: ClusterSpec,
    webhook: AuditWebhookEndpoint,
  ): KubernetesObject {
    return renderAuditWebhookSecret(spec, webhook);
  }

  etcdAccess(cluster: ClusterStatus): EtcdAccess {
    const members =
      (cluster.spec?.availability ?? cluster.availability) === 'HighlyAvailable'
        ? 3
        : 1;
    return {
      namespace: `${cluster.namespace}-${cluster.name}`,
      pods: Array.from({ length: members }, (_, i) => `etcd-${i}`),
      clientTlsSecret: 'etcd-client-tls',
      encryptionKeySecret: {
        namespace: cluster.namespace,
        name: secretNames(cluster.name).etcdEncryptionKey,
      },
    };
  }
}
