import { LoggerService } from '@backstage/backend-plugin-api';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';
import { ClusterCache } from './cache/ClusterCache';
import { OperationStore } from './database/OperationStore';
import { OperationRunner } from './operations/OperationRunner';
import { OperationSettings } from './config';
import { ClusterService } from './service/ClusterService';

export interface EngineOptions {
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  db: Knex;
  logger: LoggerService;
  /** As `readHostplaneSettings` reads them from `hostplane.operations`. */
  operations: OperationSettings;
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
  });
  const clusters = new ClusterService(
    options.hubs,
    options.providers,
    cache,
    store,
    runner,
  );
  return {
    cache,
    store,
    runner,
    clusters,
    /** Starts watching the hubs and resumes what was running; returns how many resumed. */
    async start(): Promise<number> {
      cache.start();
      return runner.resume();
    },
    async stop(): Promise<void> {
      await runner.stop();
      cache.stop();
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
