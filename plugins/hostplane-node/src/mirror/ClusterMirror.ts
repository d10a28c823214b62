import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterSummary,
  summarizeCluster,
} from '@hostplane/plugin-hostplane-common';
import type { HostplaneApiClient } from '../client';
import type { ClusterEvent } from '../provider';
import { ListingLoop, listUntilComplete } from './listUntilComplete';

/** What the mirror holds after one list of every cluster. */
export interface ClusterListing {
  /**
   * Every cluster the mirror holds: what the list found, the clusters of hubs not listed in full
   * that it did not find, and the changes that arrived while the list was read.
   */
  clusters: ClusterSummary[];
  /**
   * Hubs whose clusters are not all known yet (still being listed, or unreachable). Empty:
   * `clusters` is every cluster there is, and may replace all a consumer has. Otherwise it may
   * lack clusters of these hubs the mirror never saw: it is safe to add, not to replace.
   */
  incompleteHubs: string[];
}

export interface ClusterMirrorOptions {
  /** The Hostplane API, called with the plugin's own service credentials. */
  api: Pick<HostplaneApiClient, 'listClusters'>;
  logger: LoggerService;
  /** Whom the mirror is kept for, as its log lines name it: `the catalog`. */
  keptFor: string;
  /** After each list: `refresh()` ends once this has. */
  onListed?(listing: ClusterListing): Promise<void> | void;
  /** Each cluster change applied between lists or during one. */
  onChange?(event: ClusterEvent): void;
  /** Clusters per `GET /clusters` page (the API allows up to 500). */
  pageSize?: number;
}

/**
 * Every cluster the Hostplane API lists, held in memory by `<hub>/<name>`, for a backend plugin
 * that keeps its own view of them (the catalog's entities, the Kubernetes plugin's clusters).
 *
 * It reads every page on `refresh()`, and after `start()` lists again with a growing delay (at once
 * when a hub has just been listed in full) until no hub is incomplete. In between, the cluster
 * change events (topic `hostplane.clusters`) given to `apply()` keep it current; those that arrive
 * while a list is read are applied again on top of it, as the list may predate them. A hub the list
 * reports as incomplete keeps the clusters known of it.
 */
export class ClusterMirror {
  private state = new Map<string, ClusterSummary>();
  /** Events that arrived while a list was being read, applied again on top of it. */
  private arrivedDuringList?: ClusterEvent[];
  private listing?: Promise<ClusterListing>;
  private loop?: ListingLoop;

  constructor(private readonly options: ClusterMirrorOptions) {}

  /** Every cluster as the mirror knows it now. */
  clusters(): IterableIterator<ClusterSummary> {
    return this.state.values();
  }

  /** Reads every cluster from the Hostplane API; one list at a time, however often it is called. */
  refresh(): Promise<ClusterListing> {
    this.listing ??= this.list().finally(() => {
      this.listing = undefined;
    });
    return this.listing;
  }

  /** Applies one cluster change (from the `hostplane.clusters` events topic). */
  apply(event: ClusterEvent): void {
    this.arrivedDuringList?.push(event);
    applyTo(this.state, event);
    this.options.onChange?.(event);
  }

  /** The first full list, retried with a growing delay until every hub is listed in full. */
  start(): void {
    this.loop ??= listUntilComplete({
      list: () => this.refresh(),
      onMiss: reason =>
        this.options.logger.warn(
          `Hostplane clusters not listed in full for ${this.options.keptFor} yet: ${reason}`,
        ),
    });
  }

  /** Lists at once, not at the first list's next attempt: a hub has just been listed in full. */
  hubListed(): void {
    this.loop?.listNow();
  }

  stop(): void {
    this.loop?.stop();
  }

  private async list(): Promise<ClusterListing> {
    const { api, pageSize = 500 } = this.options;
    const listed = new Map<string, ClusterSummary>();
    const incompleteHubs = new Set<string>();
    this.arrivedDuringList = [];
    try {
      let seen = 0;
      for (;;) {
        const page = await api.listClusters({
          offset: seen,
          limit: pageSize,
          sort: 'name',
        });
        page.incompleteHubs.forEach(hub => incompleteHubs.add(hub));
        for (const cluster of page.items) listed.set(keyOf(cluster), cluster);
        seen += page.items.length;
        if (page.items.length === 0 || seen >= page.totalCount) break;
      }
      // A hub not listed completely yet keeps the clusters known from it; events add the rest.
      for (const [key, cluster] of this.state) {
        if (incompleteHubs.has(cluster.hub) && !listed.has(key)) {
          listed.set(key, cluster);
        }
      }
      for (const event of this.arrivedDuringList) applyTo(listed, event);
      this.state = listed;
    } finally {
      this.arrivedDuringList = undefined;
    }
    const listing = {
      clusters: [...listed.values()],
      incompleteHubs: [...incompleteHubs],
    };
    await this.options.onListed?.(listing);
    return listing;
  }
}

function keyOf(cluster: { hub: string; name: string }): string {
  return `${cluster.hub}/${cluster.name}`;
}

function applyTo(
  clusters: Map<string, ClusterSummary>,
  event: ClusterEvent,
): void {
  if (event.cluster) {
    clusters.set(keyOf(event), summarizeCluster(event.cluster));
  } else {
    clusters.delete(keyOf(event));
  }
}
