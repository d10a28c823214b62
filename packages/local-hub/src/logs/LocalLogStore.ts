import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD_SCRIPT, cacheDir, versions } from '../paths';
import { MetricsProcess } from '../monitoring/MetricsProcess';
import { ephemeralPort } from '../ports';
import { StandinOperator } from '../standin/StandinOperator';
import {
  LogSource,
  TenantLogFiles,
  tenantLogSources,
  vlagentArgs,
} from './collectorArgs';

export interface VictoriaLogsBinaries {
  victoriaLogs: string;
  vlagent: string;
}

/** Where `build-binaries.sh` puts VictoriaLogs and vlagent, keyed by their version. */
export function victoriaLogsBinaries(cache = cacheDir()): VictoriaLogsBinaries {
  const dir = path.join(cache, 'bin', `victorialogs-${versions.victorialogs}`);
  return {
    victoriaLogs: path.join(dir, 'victoria-logs'),
    vlagent: path.join(dir, 'vlagent'),
  };
}

/** Finds VictoriaLogs and vlagent in the cache, building them (well under a minute) when missing. */
export async function ensureVictoriaLogsBinaries(
  cache = cacheDir(),
): Promise<VictoriaLogsBinaries> {
  const binaries = victoriaLogsBinaries(cache);
  if (!fs.existsSync(binaries.vlagent)) {
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
  /** Where VictoriaLogs keeps its data and vlagent its checkpoints and buffer. */
  workdir: string;
  /** VictoriaLogs' port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** The real tenants whose logs are collected, asked again on each sync. */
  tenants: () => TenantLogFiles[];
  /** How often the tenants are asked for (vlagent restarts when they change); 2 s by default. */
  syncIntervalMs?: number;
  log?: (message: string) => void;
}

/**
 * The local hub's log store: VictoriaLogs on loopback, and vlagent's file collector tailing each
 * real tenant's control-plane and audit logs into it, one VictoriaLogs tenant per cluster. vlagent
 * is started again with new arguments when the set of tenants changes; its checkpoints make it
 * resume where it was. Either can be stopped and started again (a store outage in tests).
 */
export class LocalLogStore {
  private store?: MetricsProcess;
  private collector?: MetricsProcess;
  private collectorSources = '';
  private timer?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: LocalLogStoreOptions,
    private readonly binaries: VictoriaLogsBinaries,
    readonly port: number,
  ) {}

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

  /** Stops VictoriaLogs, keeping its data; the collector keeps reading and buffers meanwhile. */
  async stopStore(): Promise<void> {
    await this.store?.stop();
    this.store = undefined;
  }

  /** Starts vlagent with the current tenants' sources unless it already runs with them. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncCollector());
    return this.syncing;
  }

  private async syncCollector(): Promise<void> {
    const sources: LogSource[] = this.options
      .tenants()
      .flatMap(tenant => tenantLogSources(this.options.hub, tenant))
      .sort((a, b) => a.file.localeCompare(b.file));
    const key = JSON.stringify(sources);
    if (key === this.collectorSources && this.collector) return;
    await this.collector?.stop();
    this.collector = undefined;
    this.collectorSources = key;
    if (sources.length === 0) return;
    const httpPort = await ephemeralPort();
    this.collector = await MetricsProcess.start({
      name: 'vlagent',
      workdir: this.options.workdir,
      binary: this.binaries.vlagent,
      args: vlagentArgs({
        sources,
        storeUrl: this.url,
        dataDir: path.join(this.options.workdir, 'vlagent-data'),
        httpPort,
      }),
      healthUrl: `http://127.0.0.1:${httpPort}/health`,
    });
    this.options.log?.(
      `collecting the logs of ${
        new Set(sources.map(s => s.fields.cluster)).size
      } tenant(s) into ${this.url}`,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing.catch(() => {});
    await this.collector?.stop();
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
