import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  BackupStore,
  clusterBackupPrefix,
  isBackupMetadataKey,
} from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';

const DEPARTED = 'hostplane_departed_clusters';

/** A cluster whose backups a store holds, as its keys name it. */
interface StoredCluster {
  hub: string;
  namespace: string;
  cluster: string;
}

/** The hub's clusters as the cache knows them. */
export interface HubClusters {
  /** Whether the hub has been listed in full: before that, a missing cluster proves nothing. */
  listed(): boolean;
  has(namespace: string, name: string): boolean;
}

export interface DeletedClusterPruneResult {
  /** Clusters gone from the hub whose backups are still within the grace period. */
  kept: StoredCluster[];
  /** Clusters whose backups were removed, with how many objects each had. */
  pruned: Array<StoredCluster & { objects: number }>;
}

/**
 * Keeps a deleted cluster's backups for a grace period, then removes them. A cluster counts as
 * gone from when the backend first finds its backups in the store and the cluster missing from
 * its listed hub (recorded in the database, so restarts and other instances agree); a cluster
 * made again under the same name keeps its backups and its record goes.
 */
export async function pruneDeletedClusterBackups(options: {
  db: Knex;
  hub: string;
  store: BackupStore;
  clusters: HubClusters;
  now: Date;
  graceMs: number;
}): Promise<DeletedClusterPruneResult> {
  const { db, hub, store, clusters, now, graceMs } = options;
  const result: DeletedClusterPruneResult = { kept: [], pruned: [] };
  if (!clusters.listed()) return result;
  const stored = new Map<string, StoredCluster>();
  for (const object of await store.list(`${hub}/`)) {
    const [, namespace, cluster] = object.key.split('/');
    if (namespace && cluster) {
      stored.set(`${namespace}/${cluster}`, { hub, namespace, cluster });
    }
  }
  const records = new Map<string, string>(
    (await db(DEPARTED).where({ hub })).map(row => [
      `${row.namespace}/${row.cluster}`,
      row.missing_since as string,
    ]),
  );
  // Records of clusters that are back, or whose backups are gone, are dropped.
  for (const [key] of records) {
    const [namespace, cluster] = key.split('/');
    if (!stored.has(key) || clusters.has(namespace, cluster)) {
      await db(DEPARTED).where({ hub, namespace, cluster }).delete();
    }
  }
  for (const [key, ref] of stored) {
    if (clusters.has(ref.namespace, ref.cluster)) continue;
    const missingSince = records.get(key);
    if (!missingSince) {
      await db(DEPARTED)
        .insert({ ...ref, missing_since: now.toISOString() })
        .onConflict(['hub', 'namespace', 'cluster'])
        .ignore();
      result.kept.push(ref);
    } else if (now.getTime() - Date.parse(missingSince) < graceMs) {
      result.kept.push(ref);
    } else {
      const objects = await removeAll(store, ref);
      await db(DEPARTED)
        .where({ hub, namespace: ref.namespace, cluster: ref.cluster })
        .delete();
      result.pruned.push({ ...ref, objects });
    }
  }
  return result;
}

/** Removes every object of the cluster: metadata first, so no backup is listed half-removed. */
async function removeAll(
  store: BackupStore,
  cluster: StoredCluster,
): Promise<number> {
  const objects = await store.list(clusterBackupPrefix(cluster));
  const ordered = [
    ...objects.filter(o => isBackupMetadataKey(o.key)),
    ...objects.filter(o => !isBackupMetadataKey(o.key)),
  ];
  for (const object of ordered) await store.delete(object.key);
  return objects.length;
}

/** Runs {@link pruneDeletedClusterBackups} for every hub with a store, on a timer. */
export class DeletedClusterBackups {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly options: {
      db: Knex;
      /** The hubs with a store, and their clusters. */
      hubs: Array<{ hub: string; store: BackupStore; clusters: HubClusters }>;
      graceMs: number;
      intervalMs: number;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.pruneAll().finally(() => {
        this.running = undefined;
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async pruneAll(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    for (const { hub, store, clusters } of this.options.hubs) {
      try {
        const { pruned } = await pruneDeletedClusterBackups({
          db: this.options.db,
          hub,
          store,
          clusters,
          now,
          graceMs: this.options.graceMs,
        });
        for (const gone of pruned) {
          this.options.logger.info(
            `Removed the backups of deleted cluster ${gone.hub}/${gone.namespace}/${gone.cluster} (${gone.objects} objects) after the grace period`,
          );
        }
      } catch (error) {
        this.options.logger.warn(
          `Backups of deleted clusters on hub '${hub}': ${
            isError(error) ? error.message : String(error)
          }`,
        );
      }
    }
  }
}
