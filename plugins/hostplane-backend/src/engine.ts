import { LoggerService } from '@backstage/backend-plugin-api';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';
import { ClusterCache } from './cache/ClusterCache';
import { OperationStore } from './database/OperationStore';
import { EtcdServices } from './operations/etcdServices';
import { OperationRunner } from './operations/OperationRunner';
import type { StepContext } from './operations/steps';
import { OperationSettings } from './config';
import { ClusterService } from './service/ClusterService';
import {
  EtcdAutomationSettings,
  createEtcdAutomation,
} from './backups/etcdAutomation';

export interface EngineOptions {
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  db: Knex;
  logger: LoggerService;
  /** As `readHostplaneSettings` reads them from `hostplane.operations`. */
  operations: OperationSettings;
  /** Backups and etcd maintenance; without them, those operations fail saying so. */
  etcd?: EtcdServices;
  /** Scheduled backups, automatic defragmentation, deleted clusters' backups; none without. */
  etcdAutomation?: EtcdAutomationSettings;
  /** Where clusters' audit events go (threat detection); none are sent without. */
  auditWebhook?: StepContext['auditWebhook'];
}

/**
 * The lifecycle engine without Backstage around it: the hub caches, the operation store and the
 * runner. The plugin serves it over HTTP; the crash-safety test runs it in a process it kills.
 */
export function createEngine(options: EngineOptions) {
  const cache = new ClusterCache(
    options.hubs,
    options.providers,
    options.logger,
  );
  const { leaseMs, instanceId, waitTimeoutMs } = options.operations;
  const store = new OperationStore(options.db, {
    holder: instanceId,
    leaseMs,
  });
  const runner = new OperationRunner({
    leaseMs,
    waitTimeoutMs,
    store,
    cache,
    hubs: options.hubs,
    providers: options.providers,
    logger: options.logger,
    etcd: options.etcd,
    auditWebhook: options.auditWebhook,
  });
  const clusters = new ClusterService(
    options.hubs,
    options.providers,
    cache,
    store,
    runner,
    { etcd: options.etcd },
  );
  const automation =
    options.etcd && options.etcdAutomation
      ? createEtcdAutomation({
          hubs: options.hubs,
          providers: options.providers,
          cache,
          store,
          clusters,
          etcd: options.etcd,
          db: options.db,
          logger: options.logger,
          instanceId,
          leaseMs,
          settings: options.etcdAutomation,
        })
      : undefined;
  return {
    cache,
    store,
    runner,
    clusters,
    automation,
    /** Starts watching the hubs and resumes what was running; returns how many resumed. */
    async start(): Promise<number> {
      cache.start();
      const resumed = await runner.resume();
      await automation?.start();
      return resumed;
    },
    async stop(): Promise<void> {
      await automation?.stop();
      await runner.stop();
      cache.stop();
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
