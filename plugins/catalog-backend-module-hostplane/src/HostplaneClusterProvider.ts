import { createHash } from 'node:crypto';
import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ClusterSummary,
  ListClustersResponse,
  clusterEntityName,
} from '@hostplane/plugin-hostplane-common';
import {
  CLUSTER_EVENTS_TOPIC,
  ClusterEvent,
} from '@hostplane/plugin-hostplane-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { clusterEntity, clusterLocation } from './clusterEntity';

export interface HostplaneClusterProviderOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  events: EventsService;
  logger: LoggerService;
  /** Changes arriving within this window go to the catalog as one delta. */
  batchWindowMs?: number;
  pageSize?: number;
}

/**
 * One `Resource` per tenant cluster. A full mutation on start (from the Hostplane API, once its
 * hubs are listed in full) and on each `refresh()`; in between, every cluster change event becomes a delta
 * mutation, batched over a short window so that a hub relisting thousands of clusters does not
 * mean thousands of catalog writes.
 */
export class HostplaneClusterProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private pending = new Map<string, ClusterEvent>();
  private flushTimer?: NodeJS.Timeout;
  private listedOnce = false;
  /** A digest of the clusters last applied as additions while a hub was not listed in full. */
  private lastAdditions?: string;

  constructor(private readonly options: HostplaneClusterProviderOptions) {}

  getProviderName(): string {
    return 'hostplane-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.events.subscribe({
      id: 'catalog-hostplane-clusters',
      topics: [CLUSTER_EVENTS_TOPIC],
      onEvent: async ({ eventPayload }) =>
        this.enqueue(eventPayload as ClusterEvent),
    });
  }

  /**
   * Brings the cluster entities in line with what the Hostplane API lists now: a full mutation
   * once every hub is listed in full; until then, additions only, so that a hub not listed yet
   * keeps the entities it had. While a hub stays unreachable the list is asked for again and
   * again: the same additions are not sent twice.
   */
  async refresh(): Promise<{ clusters: number; incompleteHubs: string[] }> {
    if (!this.connection) throw new Error('Not connected to the catalog');
    const { clusters, incompleteHubs } = await this.listAll();
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
    return { clusters: clusters.length, incompleteHubs };
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

  /** Every cluster, page by page, and the hubs not listed in full yet. */
  private async listAll(): Promise<{
    clusters: ClusterSummary[];
    incompleteHubs: string[];
  }> {
    const baseUrl = await this.options.discovery.getBaseUrl('hostplane');
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'hostplane',
    });
    const page = async (offset: number): Promise<ListClustersResponse> => {
      const limit = this.options.pageSize ?? 500;
      const response = await fetch(
        `${baseUrl}/clusters?offset=${offset}&limit=${limit}&sort=name`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (!response.ok) {
        throw new Error(
          `Hostplane API answered ${response.status}: ${await response.text()}`,
        );
      }
      return response.json();
    };
    const clusters: ClusterSummary[] = [];
    const incompleteHubs = new Set<string>();
    for (;;) {
      const next = await page(clusters.length);
      next.incompleteHubs.forEach(hub => incompleteHubs.add(hub));
      clusters.push(...next.items);
      if (next.items.length === 0 || clusters.length >= next.totalCount) break;
    }
    return { clusters, incompleteHubs: [...incompleteHubs] };
  }
}
