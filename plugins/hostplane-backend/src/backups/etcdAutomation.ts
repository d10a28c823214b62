import { LoggerService } from '@backstage/backend-plugin-api';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';
import { ClusterCache } from '../cache/ClusterCache';
import { AutoDefragmentationConfig, BackupScheduleSettings } from '../config';
import { OperationStore } from '../database/OperationStore';
import { EtcdServices } from '../operations/etcdServices';
import { ClusterService } from '../service/ClusterService';
import { AutoDefragmenter } from './AutoDefragmenter';
import { BackupScheduler } from './BackupScheduler';
import { DeletedClusterBackups } from './deletedClusterBackups';

/** What the backend does to clusters' etcd on its own, and how. */
export interface EtcdAutomationSettings {
  schedule: BackupScheduleSettings;
  defragmentation: AutoDefragmentationConfig;
  /** The scheduler's clock and round; tests run time faster. */
  clock?: () => number;
  tickMs?: number;
  /** The scheduler's lease on a pending slot, in its clock; the operations' lease by default. */
  slotLeaseMs?: number;
}

/** How often deleted clusters' backups are looked at. */
const DELETED_CLUSTERS_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Scheduled backups, automatic defragmentation and the removal of deleted clusters' backups, for
 * the hubs whose provider operates etcd (and, for backups, that have a store).
 */
export function createEtcdAutomation(options: {
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  cache: ClusterCache;
  store: OperationStore;
  clusters: ClusterService;
  etcd: EtcdServices;
  db: Knex;
  logger: LoggerService;
  instanceId: string;
  leaseMs: number;
  settings: EtcdAutomationSettings;
}) {
  const { hubs, providers, cache, store, clusters, etcd, settings } = options;
  const providerOf = (hub: HubDefinition) => providers.get(hub.provider);
  const operated = hubs.filter(
    hub => providerOf(hub)?.capabilities.etcdOperations,
  );
  const backedUp = operated.filter(hub => etcd.backups.hasStore(hub.name));
  const submit = clusters.submitSystemChange.bind(clusters);
  const logger = options.logger.child({ task: 'etcd-automation' });

  const scheduler = new BackupScheduler({
    db: options.db,
    clusters: cache,
    hubs: backedUp.map(hub => hub.name),
    submit,
    operations: store,
    logger,
    instanceId: options.instanceId,
    leaseMs: settings.slotLeaseMs ?? options.leaseMs,
    busyRetryMs: settings.schedule.busyRetryMs,
    clock: settings.clock,
    tickMs: settings.tickMs,
  });
  const defragmenter = new AutoDefragmenter({
    clusters: cache,
    hubs: operated
      .filter(hub => providerOf(hub)?.etcdAccess)
      .map(hub => hub.name),
    members: cluster => {
      const hub = hubs.find(h => h.name === cluster.hub)!;
      const access = providerOf(hub)!.etcdAccess!(cluster);
      return etcd.etcd(hub, access).members();
    },
    submit,
    operations: store,
    settings: settings.defragmentation,
    logger,
  });
  const deletedClusters = new DeletedClusterBackups({
    db: options.db,
    hubs: backedUp.map(hub => ({
      hub: hub.name,
      store: etcd.backups.store(hub.name),
      clusters: {
        listed: () => cache.hub(hub.name).listed(),
        has: (namespace, name) => !!cache.hub(hub.name).get(namespace, name),
      },
    })),
    graceMs: settings.schedule.deletedClusterGraceMs,
    intervalMs: DELETED_CLUSTERS_INTERVAL_MS,
    logger,
  });

  return {
    scheduler,
    defragmenter,
    deletedClusters,
    async start(): Promise<void> {
      await scheduler.start();
      if (settings.defragmentation.enabled) defragmenter.start();
      deletedClusters.start();
    },
    async stop(): Promise<void> {
      await Promise.all([
        scheduler.stop(),
        defragmenter.stop(),
        deletedClusters.stop(),
      ]);
    },
  };
}

export type EtcdAutomation = ReturnType<typeof createEtcdAutomation>;
