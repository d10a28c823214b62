import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD_SCRIPT, cacheDir, versions } from '../paths';
import { MetricsProcess } from '../monitoring/MetricsProcess';
import { ephemeralPort } from '../ports';
import { StandinOperator } from '../standin/StandinOperator';
import { FileLogCollector } from './FileLogCollector';
import { LogSource, TenantLogFiles, tenantLogSources } from './logSources';

export interface VictoriaLogsBinaries {
  victoriaLogs: string;
}

/** Where `build-binaries.sh` puts VictoriaLogs, keyed by its version. */
export function victoriaLogsBinaries(cache = cacheDir()): VictoriaLogsBinaries {
  const dir = path.join(cache, 'bin', `victorialogs-${versions.victorialogs}`);
  return { victoriaLogs: path.join(dir, 'victoria-logs') };
}

/** Finds VictoriaLogs in the cache, building it (well under a minute) when missing. */
export async function ensureVictoriaLogsBinaries(
  cache = cacheDir(),
): Promise<VictoriaLogsBinaries> {
  const binaries = victoriaLogsBinaries(cache);
  if (!fs.existsSync(binaries.victoriaLogs)) {
    await new Promise<void>((resolve, reject) =>
      execFile(
        'bash',
        [BUILD_SCRIPT, 'victorialogs'],
        { env: { ...process.env, HOSTPLANE_CACHE: cache } },
        error => (error ? reject(error) : resolve()),
      ),
    );
  }
  return binaries;
}

export interface LocalLogStoreOptions {
  /** The hub's name as the portal knows it (`local`): the `hub` field of every line. */
  hub: string;
  /** Where VictoriaLogs keeps its data and the collector its read positions. */
  workdir: string;
  /** VictoriaLogs' port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** The real tenants whose logs are collected, asked again on each sync. */
  tenants: () => TenantLogFiles[];
  /** How often the tenants are asked for; 2 s by default. */
  syncIntervalMs?: number;
  log?: (message: string) => void;
}

/**
 * The local hub's log store: VictoriaLogs on loopback, and a collector tailing each real tenant's
 * control-plane and audit logs into it, one VictoriaLogs tenant per cluster. The collector's
 * files follow the set of tenants; its checkpoints make a restarted hub resume where it was.
 * VictoriaLogs can be stopped and started again (a store outage in tests): the collector sends
 * what was written meanwhile once it is back.
 */
export class LocalLogStore {
  private store?: MetricsProcess;
  private readonly collector: FileLogCollector;
  private collectedClusters = 0;
  private timer?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: LocalLogStoreOptions,
    private readonly binaries: VictoriaLogsBinaries,
    readonly port: number,
  ) {
    this.collector = new FileLogCollector({
      storeUrl: this.url,
      checkpointsPath: path.join(
        options.workdir,
        'collector',
        'checkpoints.json',
      ),
      log: options.log,
    });
  }

  static async start(options: LocalLogStoreOptions): Promise<LocalLogStore> {
    const binaries = await ensureVictoriaLogsBinaries();
    fs.mkdirSync(options.workdir, { recursive: true });
    const store = new LocalLogStore(
      options,
      binaries,
      options.port ?? (await ephemeralPort()),
    );
    await store.startStore();
    await store.sync();
    store.collector.start();
    store.timer = setInterval(() => {
      store
        .sync()
        .catch(error =>
          store.options.log?.(`log collector sync failed: ${error}`),
        );
    }, options.syncIntervalMs ?? 2_000);
    return store;
  }

  /** VictoriaLogs' base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts VictoriaLogs (again) on its port and waits until it is healthy. */
  async startStore(): Promise<void> {
    this.store = await MetricsProcess.start({
      name: 'victoria-logs',
      workdir: this.options.workdir,
      binary: this.binaries.victoriaLogs,
      args: [
        `-httpListenAddr=127.0.0.1:${this.port}`,
        `-storageDataPath=${path.join(
          this.options.workdir,
          'victoria-logs-data',
        )}`,
        '-retentionPeriod=7d',
        '-loggerLevel=WARN',
      ],
      healthUrl: `${this.url}/health`,
    });
  }

  /** Stops VictoriaLogs, keeping its data; the collector retries until it is back. */
  async stopStore(): Promise<void> {
    await this.store?.stop();
    this.store = undefined;
  }

  /** Points the collector at the current tenants' files. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncSources());
    return this.syncing;
  }

  private async syncSources(): Promise<void> {
    const sources: LogSource[] = this.options
      .tenants()
      .flatMap(tenant => tenantLogSources(this.options.hub, tenant));
    this.collector.setSources(sources);
    const clusters = new Set(sources.map(s => s.fields.cluster)).size;
    if (clusters !== this.collectedClusters) {
      this.collectedClusters = clusters;
      this.options.log?.(
        `collecting the logs of ${clusters} tenant(s) into ${this.url}`,
      );
    }
  }

  /**
   * Resolves once every line written to the tenants' files before the call is in the store and
   * searchable: what a test waits for before it compares searches with the files.
   */
  async caughtUp(): Promise<void> {
    for (let pass = 0; !(await this.collector.collect()); pass++) {
      if (pass >= 100) {
        throw new Error('the log collector does not catch up with the files');
      }
    }
    const response = await fetch(`${this.url}/internal/force_flush`);
    if (!response.ok) {
      throw new Error(`VictoriaLogs answered ${response.status} to a flush`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing.catch(() => {});
    await this.collector.stop();
    await this.store?.stop();
  }
}

/** The log files of the real tenants a stand-in runs. */
export function standinTenantLogFiles(operator: StandinOperator) {
  return (): TenantLogFiles[] =>
    operator.realTenants().map(({ namespace, name, tenant }) => ({
      namespace,
      name,
      clusterDir: tenant.clusterDir,
      etcdMembers: tenant.etcdMembers().length,
    }));
}
