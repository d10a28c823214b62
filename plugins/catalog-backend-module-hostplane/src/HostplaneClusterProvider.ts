import { createHash } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ClusterSummary,
  clusterEntityName,
} from '@hostplane/plugin-hostplane-common';
import {
  CLUSTER_EVENTS_TOPIC,
  ClusterEvent,
  ClusterListing,
  ClusterMirror,
  HostplaneApiClient,
} from '@hostplane/plugin-hostplane-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { clusterEntity, clusterLocation } from './clusterEntity';

export interface HostplaneClusterProviderOptions {
  /** The Hostplane API, called with this plugin's own service credentials. */
  api: Pick<HostplaneApiClient, 'listClusters'>;
  events: EventsService;
  logger: LoggerService;
  /** Changes arriving within this window go to the catalog as one delta. */
  batchWindowMs?: number;
  /** Clusters per `GET /clusters` page (the API allows up to 500). */
  pageSize?: number;
}

/**
 * One `Resource` per tenant cluster, from a {@link ClusterMirror}. A full mutation on start (from
 * the Hostplane API, once its hubs are listed in full) and on each `refresh()`; in between, every
 * cluster change event becomes a delta mutation, batched over a short window so that a hub
 * relisting thousands of clusters does not mean thousands of catalog writes.
 */
export class HostplaneClusterProvider implements EntityProvider {
  private readonly mirror: ClusterMirror;
  private connection?: EntityProviderConnection;
  private pending = new Map<string, ClusterEvent>();
  private flushTimer?: NodeJS.Timeout;
  private listedOnce = false;
  /** A digest of the clusters last applied as additions while a hub was not listed in full. */
  private lastAdditions?: string;

  constructor(private readonly options: HostplaneClusterProviderOptions) {
    this.mirror = new ClusterMirror({
      api: options.api,
      logger: options.logger,
      keptFor: 'the catalog',
      pageSize: options.pageSize,
      onListed: listing => this.applyListing(listing),
      onChange: event => this.enqueue(event),
    });
  }

  getProviderName(): string {
    return 'hostplane-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.events.subscribe({
      id: 'catalog-hostplane-clusters',
      topics: [CLUSTER_EVENTS_TOPIC],
      onEvent: async ({ eventPayload }) =>
        this.mirror.apply(eventPayload as ClusterEvent),
    });
  }

  /** Reads every cluster from the Hostplane API and brings the cluster entities in line with it. */
  async refresh(): Promise<{ clusters: number; incompleteHubs: string[] }> {
    const { clusters, incompleteHubs } = await this.mirror.refresh();
    return { clusters: clusters.length, incompleteHubs };
  }

  /** The first full mutation, listed again with a growing delay until every hub is listed in full. */
  start(): void {
    this.mirror.start();
  }

  /** Lists at once, not at the first list's next attempt: a hub has just been listed in full. */
  hubListed(): void {
    this.mirror.hubListed();
  }

  stop(): void {
    this.mirror.stop();
  }

  /**
   * A full mutation once every hub is listed in full; until then, additions only, so that a hub
   * not listed yet keeps the entities it had. While a hub stays unreachable the list is asked for
   * again and again: the same additions are not sent twice.
   */
  private async applyListing({
    clusters,
    incompleteHubs,
  }: ClusterListing): Promise<void> {
    if (!this.connection) throw new Error('Not connected to the catalog');
    const entities = clusters.map(cluster => this.deferred(cluster));
    if (incompleteHubs.length === 0) {
      await this.connection.applyMutation({ type: 'full', entities });
      this.lastAdditions = undefined;
    } else {
      const additions = createHash('sha256')
        .update(JSON.stringify(clusters))
        .digest('hex');
      if (additions !== this.lastAdditions) {
        await this.connection.applyMutation({
          type: 'delta',
          added: entities,
          removed: [],
        });
        this.lastAdditions = additions;
      }
    }
    this.listedOnce = true;
    this.options.logger.info(
      `Hostplane: ${clusters.length} cluster entities${
        incompleteHubs.length
          ? ` (hubs not listed in full yet: ${incompleteHubs.join(', ')})`
          : ''
      }`,
    );
    await this.flush();
  }

  private deferred(cluster: ClusterSummary): DeferredEntity {
    return {
      entity: clusterEntity(cluster),
      locationKey: clusterLocation(cluster.hub, cluster.name),
    };
  }

  private enqueue(event: ClusterEvent): void {
    this.pending.set(`${event.hub}/${event.name}`, event);
    this.flushTimer ??= setTimeout(
      () => void this.flush(),
      this.options.batchWindowMs ?? 250,
    );
  }

  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Kept until the first list is applied, then applied after it: a change may have come in while
    // the list was being read.
    if (!this.connection || !this.listedOnce || this.pending.size === 0) {
      return;
    }
    const events = [...this.pending.values()];
    this.pending.clear();
    const added = events.flatMap(e =>
      e.cluster ? [this.deferred(e.cluster)] : [],
    );
    const removed = events
      .filter(e => !e.cluster)
      .map(e => ({
        entityRef: stringifyEntityRef({
          kind: 'Resource',
          namespace: 'default',
          name: clusterEntityName(e.hub, e.name),
        }),
        locationKey: clusterLocation(e.hub, e.name),
      }));
    try {
      await this.connection.applyMutation({ type: 'delta', added, removed });
    } catch (error) {
      this.options.logger.warn(
        `Hostplane: could not apply ${
          events.length
        } cluster change(s) to the catalog: ${(error as Error).message}`,
      );
    }
  }
}
