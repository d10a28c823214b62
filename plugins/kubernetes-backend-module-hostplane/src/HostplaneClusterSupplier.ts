import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthMetadata,
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import {
  CLUSTER_AUTH_METADATA,
  CREDENTIALS_EPOCH_AUTH_METADATA,
  ClusterSummary,
  HUB_AUTH_METADATA,
  clusterEntityName,
} from '@hostplane/plugin-hostplane-common';
import {
  ClusterEvent,
  ClusterListing,
  ClusterMirror,
  HostplaneApiClient,
} from '@hostplane/plugin-hostplane-node';
import { HOSTPLANE_AUTH_PROVIDER } from './HostplaneAuthStrategy';

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
    [HUB_AUTH_METADATA]: cluster.hub,
    [CLUSTER_AUTH_METADATA]: cluster.name,
    [CREDENTIALS_EPOCH_AUTH_METADATA]: `${cluster.createdAt ?? ''}/${
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
  /** The Hostplane API, called with this plugin's own service credentials. */
  api: Pick<HostplaneApiClient, 'listClusters'>;
  caDataFor: (authMetadata: AuthMetadata) => string | undefined;
  logger: LoggerService;
  /** Clusters per `GET /clusters` page (the API allows up to 500). */
  pageSize?: number;
  /** How long a request waits for the first list after start, before answering with what there is. */
  initialWaitMs?: number;
}

/**
 * Every Hostplane tenant cluster that has an API endpoint, as cluster details for the Kubernetes
 * plugin. Held in memory, in a {@link ClusterMirror}: `getClusters` never calls the Hostplane API.
 * A full list (paged) on start and on each `refresh()`; in between, the cluster change events keep
 * it current.
 */
export class HostplaneClusterSupplier implements KubernetesClustersSupplier {
  private readonly mirror: ClusterMirror;
  /** The mirror's clusters as cluster details, until it changes. */
  private snapshot?: ClusterDetails[];
  private loaded = false;
  private started = false;
  private markLoaded!: () => void;
  private readonly firstLoad = new Promise<void>(resolve => {
    this.markLoaded = resolve;
  });

  constructor(private readonly options: HostplaneClusterSupplierOptions) {
    this.mirror = new ClusterMirror({
      api: options.api,
      logger: options.logger,
      keptFor: 'the Kubernetes plugin',
      pageSize: options.pageSize,
      onListed: listing => this.listed(listing),
      onChange: () => {
        this.snapshot = undefined;
      },
    });
  }

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
    return this.details();
  }

  /** Reads every cluster from the Hostplane API; one at a time, however often it is called. */
  async refresh(): Promise<ClusterListResult> {
    const { incompleteHubs } = await this.mirror.refresh();
    return { clusters: this.details().length, incompleteHubs };
  }

  /** Applies one cluster change (from the `hostplane.clusters` events topic). */
  apply(event: ClusterEvent): void {
    this.mirror.apply(event);
  }

  /** The first full list, retried with a growing delay until every hub is listed in full. */
  start(): void {
    this.started = true;
    this.mirror.start();
  }

  /** Lists at once, not at the first list's next attempt: a hub has just been listed in full. */
  hubListed(): void {
    this.mirror.hubListed();
  }

  stop(): void {
    this.mirror.stop();
  }

  private details(): ClusterDetails[] {
    this.snapshot ??= [...this.mirror.clusters()].flatMap(
      cluster => toClusterDetails(cluster, this.options.caDataFor) ?? [],
    );
    return this.snapshot;
  }

  private listed({ incompleteHubs }: ClusterListing): void {
    const { logger } = this.options;
    this.snapshot = undefined;
    const first = !this.loaded;
    this.loaded = true;
    this.markLoaded();
    (first ? logger.info : logger.debug).call(
      logger,
      `Hostplane: ${
        this.details().length
      } tenant cluster(s) with an API endpoint for the Kubernetes plugin${
        incompleteHubs.length
          ? ` (hubs not listed completely yet: ${incompleteHubs.join(', ')})`
          : ''
      }`,
    );
  }
}
