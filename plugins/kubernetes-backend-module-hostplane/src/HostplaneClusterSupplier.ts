import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthMetadata,
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import {
  ClusterSummary,
  clusterEntityName,
} from '@hostplane/plugin-hostplane-common';
import {
  ClusterEvent,
  ListingLoop,
  listUntilComplete,
} from '@hostplane/plugin-hostplane-node';
import {
  CLUSTER_METADATA,
  CREDENTIALS_EPOCH_METADATA,
  HOSTPLANE_AUTH_PROVIDER,
  HUB_METADATA,
} from './HostplaneAuthStrategy';
import { HostplaneApi } from './HostplaneApiClient';

/**
 * A tenant cluster as the Kubernetes plugin sees it, or nothing while it has no API endpoint.
 * `caData` is read when a request is made: the tenant's CA arrives with the first credential the
 * `hostplane` auth strategy gets for it, which the plugin asks for before it connects.
 */
export function toClusterDetails(
  cluster: Pick<
    ClusterSummary,
    'hub' | 'name' | 'endpoint' | 'createdAt' | 'credentialsRotatedAt'
  >,
  caDataFor: (authMetadata: AuthMetadata) => string | undefined,
): ClusterDetails | undefined {
  if (!cluster.endpoint) return undefined;
  const authMetadata: AuthMetadata = {
    'kubernetes.io/auth-provider': HOSTPLANE_AUTH_PROVIDER,
    [HUB_METADATA]: cluster.hub,
    [CLUSTER_METADATA]: cluster.name,
    [CREDENTIALS_EPOCH_METADATA]: `${cluster.createdAt ?? ''}/${
      cluster.credentialsRotatedAt ?? ''
    }`,
  };
  const details: ClusterDetails = {
    // The name of the cluster's catalog Resource, so that a Component that `dependsOn` it, or
    // names it in `backstage.io/kubernetes-cluster`, is looked up in that tenant.
    name: clusterEntityName(cluster.hub, cluster.name),
    title: `${cluster.name} (hub ${cluster.hub})`,
    url: cluster.endpoint,
    authMetadata,
    // Hostplane installs no metrics server in tenants: asking for pod metrics would only add an
    // error to every answer.
    skipMetricsLookup: true,
  };
  Object.defineProperty(details, 'caData', {
    enumerable: true,
    get: () => caDataFor(authMetadata),
  });
  return details;
}

/** What one full list found: the clusters with an endpoint, and the hubs not listed in full yet. */
export interface ClusterListResult {
  clusters: number;
  incompleteHubs: string[];
}

export interface HostplaneClusterSupplierOptions {
  api: HostplaneApi;
  caDataFor: (authMetadata: AuthMetadata) => string | undefined;
  logger: LoggerService;
  /** Clusters per `GET /clusters` page (the API allows up to 500). */
  pageSize?: number;
  /** How long a request waits for the first list after start, before answering with what there is. */
  initialWaitMs?: number;
}

/**
 * Every Hostplane tenant cluster that has an API endpoint, as cluster details for the Kubernetes
 * plugin. Held in memory: `getClusters` never calls the Hostplane API. A full list (paged) on
 * start and on each `refresh()`; in between, the cluster change events keep it current.
 */
export class HostplaneClusterSupplier implements KubernetesClustersSupplier {
  /** By `<hub>/<name>`. */
  private clusters = new Map<string, ClusterDetails>();
  private snapshot?: ClusterDetails[];
  private loaded = false;
  private started = false;
  private markLoaded!: () => void;
  private readonly firstLoad = new Promise<void>(resolve => {
    this.markLoaded = resolve;
  });
  private refreshing?: Promise<ClusterListResult>;
  /** Events that arrived while a full list was being read, applied again on top of it. */
  private arrivedDuringRefresh?: ClusterEvent[];
  private listing?: ListingLoop;

  constructor(private readonly options: HostplaneClusterSupplierOptions) {}

  async getClusters(): Promise<ClusterDetails[]> {
    if (!this.loaded && this.started) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.firstLoad,
        new Promise(resolve => {
          timer = setTimeout(resolve, this.options.initialWaitMs ?? 10_000);
        }),
      ]);
      clearTimeout(timer);
    }
    this.snapshot ??= [...this.clusters.values()];
    return this.snapshot;
  }

  /** Reads every cluster from the Hostplane API; one at a time, however often it is called. */
  refresh(): Promise<ClusterListResult> {
    this.refreshing ??= this.listAll().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Applies one cluster change (from the `hostplane.clusters` events topic). */
  apply(event: ClusterEvent): void {
    this.arrivedDuringRefresh?.push(event);
    this.applyTo(this.clusters, event);
    this.snapshot = undefined;
  }

  /** The first full list, retried with a growing delay until every hub is listed in full. */
  start(): void {
    this.started = true;
    this.listing = listUntilComplete({
      list: () => this.refresh(),
      onMiss: reason =>
        this.options.logger.warn(
          `Hostplane clusters not listed in full for the Kubernetes plugin yet: ${reason}`,
        ),
    });
  }

  /** Lists at once, not at the first list's next attempt: a hub has just been listed in full. */
  hubListed(): void {
    this.listing?.listNow();
  }

  stop(): void {
    this.listing?.stop();
  }

  private applyTo(
    clusters: Map<string, ClusterDetails>,
    event: ClusterEvent,
  ): void {
    const key = `${event.hub}/${event.name}`;
    const details = event.cluster
      ? toClusterDetails(event.cluster, this.options.caDataFor)
      : undefined;
    if (details) clusters.set(key, details);
    else clusters.delete(key);
  }

  private async listAll(): Promise<ClusterListResult> {
    const { api, logger } = this.options;
    const limit = this.options.pageSize ?? 500;
    this.arrivedDuringRefresh = [];
    try {
      const listed = new Map<string, ClusterDetails>();
      const incompleteHubs = new Set<string>();
      let seen = 0;
      for (;;) {
        const page = await api.listClusters(seen, limit);
        page.incompleteHubs.forEach(hub => incompleteHubs.add(hub));
        for (const cluster of page.items) {
          const details = toClusterDetails(cluster, this.options.caDataFor);
          if (details) listed.set(`${cluster.hub}/${cluster.name}`, details);
        }
        seen += page.items.length;
        if (page.items.length === 0 || seen >= page.totalCount) break;
      }
      // A hub not listed completely yet keeps the clusters known from it; events add the rest.
      for (const [key, details] of this.clusters) {
        if (
          incompleteHubs.has(details.authMetadata[HUB_METADATA]) &&
          !listed.has(key)
        ) {
          listed.set(key, details);
        }
      }
      for (const event of this.arrivedDuringRefresh) {
        this.applyTo(listed, event);
      }
      this.clusters = listed;
      this.snapshot = undefined;
      const first = !this.loaded;
      this.loaded = true;
      this.markLoaded();
      (first ? logger.info : logger.debug).call(
        logger,
        `Hostplane: ${
          listed.size
        } tenant cluster(s) with an API endpoint for the Kubernetes plugin${
          incompleteHubs.size
            ? ` (hubs not listed completely yet: ${[...incompleteHubs].join(
                ', ',
              )})`
            : ''
        }`,
      );
      return { clusters: listed.size, incompleteHubs: [...incompleteHubs] };
    } finally {
      this.arrivedDuringRefresh = undefined;
    }
  }
}
