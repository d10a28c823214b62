import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { ClusterIndex, ClusterListPage, ClusterQuery } from './clusterQuery';
import { ClusterChangeListener, HubClusterCache } from './HubClusterCache';

/** One watch-backed cache per configured hub, behind one query interface. */
export class ClusterCache {
  private readonly hubs = new Map<string, HubClusterCache>();
  private readonly listeners = new Set<ClusterChangeListener>();
  private readonly index = new ClusterIndex(() =>
    [...this.hubs.values()].flatMap(hub => [...hub.statuses()]),
  );

  constructor(
    hubs: HubDefinition[],
    providers: Map<string, HostedControlPlaneProvider>,
    logger: LoggerService,
  ) {
    for (const hub of hubs) {
      const provider = providers.get(hub.provider);
      if (!provider) {
        throw new Error(
          `hub '${hub.name}' uses provider '${
            hub.provider
          }', which no installed module provides (installed: ${
            [...providers.keys()].join(', ') || 'none'
          })`,
        );
      }
      this.hubs.set(
        hub.name,
        new HubClusterCache(
          hub,
          provider,
          logger.child({ hub: hub.name }),
          (key, status, initial) => {
            this.index.invalidate();
            if (!initial) {
              this.listeners.forEach(listener =>
                listener(hub.name, key, status),
              );
            }
          },
        ),
      );
    }
  }

  start(): void {
    this.hubs.forEach(hub => hub.start());
  }

  stop(): void {
    this.hubs.forEach(hub => hub.stop());
  }

  async whenSynced(): Promise<void> {
    await Promise.all([...this.hubs.values()].map(hub => hub.whenSynced()));
  }

  hub(name: string): HubClusterCache {
    const hub = this.hubs.get(name);
    if (!hub) {
      throw new NotFoundError(`There is no hub '${name}'`);
    }
    return hub;
  }

  hubNames(): string[] {
    return [...this.hubs.keys()];
  }

  /**
   * Calls the listener on every change of a cluster's status once its hub has been listed in full
   * (what the first listing finds is read with `list`, not announced); returns how to stop.
   */
  subscribe(listener: ClusterChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One page of the clusters that match the query and that `allowed` lets the caller see. */
  list(
    query: ClusterQuery,
    allowed: (cluster: ClusterStatus) => boolean = () => true,
  ): ClusterListPage {
    const incompleteHubs = [...this.hubs.values()]
      .filter(hub => !hub.state().synced)
      .map(hub => hub.hub.name);
    return { ...this.index.query(query, allowed), incompleteHubs };
  }

  get(hub: string, name: string): ClusterStatus | undefined {
    return this.hub(hub).findByName(name);
  }

  /** Requests made to all hubs since start. */
  hubRequests(): number {
    return [...this.hubs.values()].reduce((sum, h) => sum + h.hubRequests(), 0);
  }
}
