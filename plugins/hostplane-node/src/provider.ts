import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  ClusterSpec,
  ClusterStatus,
  ProviderCapabilities,
} from '@hostplane/plugin-hostplane-common';
import { KubernetesObject } from '@kubernetes/client-node';

/** A kind of hub object the engine's cache watches for a provider. */
export interface WatchedKind {
  apiVersion: string;
  kind: string;
  /** The resource name in the API path, such as `hostedclusters`. */
  plural: string;
}

/** An API a hub must serve for a provider to run clusters on it. */
export interface RequiredHubApi {
  group: string;
  /** The resource name in the API path, such as `hostedclusters`. */
  resource: string;
  /** The project that installs it, named when the hub lacks it (HyperShift, KubeVirt). */
  project: string;
}

/**
 * What a provider supports beyond creating, scaling, upgrading and deleting clusters. The API
 * refuses the rest with the reason, and the portal does not offer it.
 */
export type ProviderFeatures = Omit<ProviderCapabilities, 'provider'>;

/**
 * The release a version maps to on a hub. A type, not an interface, so that a list of them is
 * also configuration data (`hostplane.hubs[].releases`).
 */
export type OfferedRelease = {
  version: string;
  /** The release image a hosted control plane runs for this version. */
  image: string;
};

/** Where a cluster's objects are on its hub. */
export interface ClusterLocation {
  hub: string;
  namespace: string;
  name: string;
}

/**
 * A Secret the provider needs whose content is generated once (keys, pull secrets) and kept: the
 * engine creates it only when it is missing, so repeating a step never replaces a key.
 */
export interface GeneratedSecret {
  namespace: string;
  name: string;
  /** Labels and annotations that tie the Secret to the cluster. */
  metadata: {
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  type?: string;
  /** Called only when the Secret does not exist yet. */
  generate(): Record<string, string>;
}

/** Where the tenant's credentials are on the hub (read by the backend only, never served). */
export interface TenantCredentialRefs {
  /** The admin kubeconfig Secret and the key in it. */
  adminKubeconfig: { namespace: string; name: string; key: string };
  /** The tenant's root CA Secret: certificate and key, which sign user certificates. */
  rootCa: { namespace: string; name: string; certKey: string; keyKey: string };
}

/** What a cluster's objects say beyond its spec. */
export interface RenderState {
  /**
   * Hibernated: every pool at zero machines, with its size kept on the pool for resuming (the
   * spec keeps the sizes too).
   */
  hibernated?: boolean;
  /**
   * The last credential rotation asked for (see `ROTATE_CREDENTIALS_ANNOTATION`): kept in every
   * rendering once there is one, so that the control plane is not asked again or told to forget.
   */
  credentialsRotation?: string;
  /**
   * A cluster made from a backup: the URL its etcd is restored from before its first start
   * (HyperShift's `restoreSnapshotURL`). Rendered while the cluster is created only: the URL is
   * short-lived, and HyperShift reads it only while etcd's volume is empty.
   */
  etcdRestoreSnapshotURL?: string;
  /**
   * An in-place restore asked of the control plane (see `ETCD_RESTORE_REQUEST_ANNOTATION`): its
   * id and the short-lived URL of the snapshot. Rendered only by the step that asks for it.
   */
  etcdRestoreRequest?: { id: string; url: string };
  /**
   * The tenant's API server sends its audit events to Hostplane's webhook: the provider points
   * the control plane at the Secret it renders with `auditWebhookSecret`, and logs request
   * bodies of writes (the threat rules read pods, RBAC objects and ConfigMaps).
   */
  auditWebhook?: boolean;
}

/** Where a cluster's etcd runs on its hub, so the backend can reach it through the hub's API. */
export interface EtcdAccess {
  /** The control-plane namespace that holds the etcd pods. */
  namespace: string;
  /** The etcd members' pods, `etcd-0` first. */
  pods: string[];
  /** A Secret in `namespace` with etcd's client certificate (`ca.crt`, `tls.crt`, `tls.key`) when etcd serves TLS. */
  clientTlsSecret?: string;
  /** The Secret with the key the API server encrypts etcd's data with: backed up beside each snapshot. */
  encryptionKeySecret: { namespace: string; name: string };
}

/**
 * A hosted-control-plane implementation (HyperShift on KubeVirt; Kamaji later). The engine
 * renders, applies, waits and derives status through it and knows no provider's kinds.
 *
 * Rendering is pure: the same spec and release give the same manifests.
 *
 * The label contract the engine relies on (`labelContractViolations` checks it):
 * - every namespaced object `render` returns, and so every watched object, carries
 *   `CLUSTER_LABEL` (the cluster's name), by which the cache groups a cluster's objects and
 *   watches the hub, and `OWNER_LABEL` (the owning group's name), by which a hub operator finds a
 *   team's objects;
 * - every per-pool object carries `NODE_POOL_LABEL` (the pool's name in the spec), and only
 *   those: the engine applies them after the control plane and deletes those of a removed pool.
 */
export interface HostedControlPlaneProvider {
  readonly id: string;
  /** The APIs a hub must serve for this provider; the hub list reports those missing. */
  readonly requiredHubApis: readonly RequiredHubApi[];
  /** What it supports beyond the basics; the API refuses the rest. */
  readonly capabilities: ProviderFeatures;
  /** Kinds whose objects (labelled with the cluster label) make up a cluster's state. */
  readonly watchedKinds: WatchedKind[];
  /** The hub namespace a cluster's objects go to. */
  namespaceFor(spec: ClusterSpec): string;
  /** Generated-once Secrets for the cluster. */
  secretsFor(spec: ClusterSpec): GeneratedSecret[];
  /**
   * The cluster's objects, apart from generated Secrets, as they should be. `releases` gives the
   * control plane's and each pool's release: during an upgrade the control plane moves first.
   */
  render(
    spec: ClusterSpec,
    releases: {
      controlPlane: OfferedRelease;
      nodePools: Record<string, OfferedRelease>;
    },
    state?: RenderState,
  ): KubernetesObject[];
  /**
   * The status of one cluster from its watched objects (all carry the same cluster label and
   * namespace). Undefined when the objects do not make a cluster (a pool without its cluster).
   */
  status(hub: string, objects: KubernetesObject[]): ClusterStatus | undefined;
  /**
   * What of a watched object the cache keeps: enough for `status` and for deleting it. A hub
   * with thousands of clusters would otherwise be held in memory whole. Without it, all of it.
   */
  retain?(object: KubernetesObject): KubernetesObject;
  credentialRefs(location: ClusterLocation): TenantCredentialRefs;
  /**
   * Where the cluster's etcd runs: required of a provider whose `capabilities.etcdOperations`
   * is true (backups, restores and etcd maintenance go through it).
   */
  etcdAccess?(cluster: ClusterStatus): EtcdAccess;
  /**
   * The Secret a control plane's audit webhook reads (rendered with `auditWebhook` in the
   * render state), pointing at Hostplane's receiver with the cluster's own token. A provider
   * without it sends no audit events.
   */
  auditWebhookSecret?(
    spec: ClusterSpec,
    webhook: AuditWebhookEndpoint,
  ): KubernetesObject;
}

/** Where a cluster's API server posts its audit events, and the credential that is its alone. */
export interface AuditWebhookEndpoint {
  url: string;
  token: string;
}

export interface HostplaneProvidersExtensionPoint {
  addProvider(provider: HostedControlPlaneProvider): void;
}

/** Lets a backend module plug a hosted-control-plane provider into the Hostplane backend. */
export const hostplaneProvidersExtensionPoint =
  createExtensionPoint<HostplaneProvidersExtensionPoint>({
    id: 'hostplane.providers',
  });

/** The events topic on which the Hostplane backend announces every change of a cluster. */
export const CLUSTER_EVENTS_TOPIC = 'hostplane.clusters';

/** A cluster appeared, changed or (with `cluster: null`) went away. */
export interface ClusterEvent {
  hub: string;
  namespace: string;
  name: string;
  cluster: ClusterStatus | null;
}

/**
 * The events topic on which the Hostplane backend announces that a hub has been listed in full.
 * The clusters of a hub's first listing are its starting state, never announced one by one: a
 * consumer that keeps its own list reads them with one full list once this arrives.
 */
export const HUB_EVENTS_TOPIC = 'hostplane.hubs';

/** A hub's clusters are all known: its first full listing since the backend started ended. */
export interface HubListedEvent {
  hub: string;
}
