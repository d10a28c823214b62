/**
 * What bench/monitoring and bench/logs measure against: a fresh hub of their own with a fleet of
 * status-only clusters (which the API lists and answers for, and whose history the benchmark
 * writes into the store) and the real demo tenants, whose control planes run as processes that
 * are scraped and whose logs are collected. Also the backend both start, and how they time it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  FAST_TIMINGS,
  LOCAL_HUB_FIELD_MANAGER,
  LOCAL_HUB_RELEASES,
  LocalHub,
  REAL_DEMO_TENANTS,
  RunningBackend,
  StandinOperator,
  TenantPlan,
  applyRealTenants,
  demoTenants,
  planTenants,
  seedTenants,
  startBackend,
} from '@hostplane/local-hub';
import { getJson, log, percentile, StopLater } from '../src';

export interface Fleet {
  hub: LocalHub;
  operator: StandinOperator;
  /** The status-only clusters, in the plan's order. */
  clusters: TenantPlan[];
  /** The real demo tenants, lightest first. */
  realTenants: TenantPlan[];
  /** Where the real tenants' processes keep their state. */
  tenantsWorkdir: string;
  /** What the stand-in logged: its last lines explain a tenant that did not come up. */
  standinLog: string[];
}

/**
 * Starts a fresh hub `name` (deleted when the benchmark ends), seeds `count` status-only
 * clusters and applies `realTenants` of the real demo tenants, which a stand-in runs.
 */
export async function startFleet(
  options: {
    name: string;
    count: number;
    realTenants: number;
    workdir: string;
  },
  stopLater: StopLater,
): Promise<Fleet> {
  const opened = await LocalHub.open({ name: options.name, log });
  stopLater(() => opened.delete());
  const hub = await LocalHub.start({
    name: options.name,
    fresh: true,
    timings: FAST_TIMINGS,
    log,
  });
  const clusters = planTenants({ count: options.count });
  log(`seeding ${clusters.length} status-only clusters`);
  await seedTenants(hub.kubeConfig(), clusters, {
    fieldManager: LOCAL_HUB_FIELD_MANAGER,
    log,
  });
  const tenantsWorkdir = path.join(options.workdir, 'tenants');
  const standinLog: string[] = [];
  const operator = new StandinOperator({
    hubKubeConfig: hub.kubeConfig(),
    maxRealTenants: options.realTenants,
    tenantsWorkdir,
    probeIntervalMs: 1_000,
    log: line => standinLog.push(line),
  });
  await operator.start();
  stopLater(() => operator.stop());
  // The single-member tenant first: a run with one real tenant takes the lighter one.
  const realTenants = demoTenants()
    .filter(t => REAL_DEMO_TENANTS.includes(t.name))
    .sort((a, b) => Number(a.highlyAvailable) - Number(b.highlyAvailable))
    .slice(0, options.realTenants);
  await applyRealTenants(
    hub.kubeConfig(),
    realTenants,
    LOCAL_HUB_FIELD_MANAGER,
  );
  return {
    hub,
    operator,
    clusters,
    realTenants,
    tenantsWorkdir,
    standinLog,
  };
}

/** Waits until `ready` answers true, checking every 2 s; fails with the stand-in's last lines. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  fleet: Fleet,
  timeoutMs = 600_000,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await ready().catch(() => false)) {
      return (performance.now() - started) / 1000;
    }
    if (performance.now() - started > timeoutMs) {
      throw new Error(
        `${what} did not happen within ${
          timeoutMs / 1000
        } s; the stand-in's last lines:\n${fleet.standinLog
          .slice(-20)
          .join('\n')}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 2_000));
  }
}

/** The Hostplane API of the backend started with {@link startFleetBackend}. */
export interface HostplaneApi {
  backend: RunningBackend;
  headers: Record<string, string>;
  /** `GET /api/hostplane<route>` as JSON, with the guest's token. */
  get(route: string): Promise<{ status: number; body: any }>;
}

/**
 * Starts the backend (`backend.ts`, production mode, SQLite, permissions off) with the hub as
 * `local` and the hub settings given (its store), and waits until its cache holds every cluster
 * of the fleet.
 */
export async function startFleetBackend(
  fleet: Fleet,
  hubSettings: Record<string, unknown>,
  workdir: string,
  stopLater: StopLater,
): Promise<HostplaneApi> {
  const configFile = path.join(workdir, 'app-config.bench.yaml');
  // JSON is YAML: the config loader reads it as it is.
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      permission: { enabled: false },
      hostplane: {
        hubs: [
          {
            name: 'local',
            kubeconfig: fleet.hub.kubeconfigPath,
            releases: LOCAL_HUB_RELEASES,
            ...hubSettings,
          },
        ],
      },
    }),
  );
  log('starting the backend');
  const backend = await startBackend({
    database: 'sqlite',
    hubKubeconfig: fleet.hub.kubeconfigPath,
    entry: path.join(__dirname, 'backend.ts'),
    nodeEnv: 'production',
    extraConfigs: [configFile],
  });
  stopLater(() => backend.stop());
  const headers = { Authorization: `Bearer ${await backend.guestToken()}` };
  const api: HostplaneApi = {
    backend,
    headers,
    get: route => getJson(`${backend.baseUrl}/api/hostplane${route}`, headers),
  };
  const last = fleet.clusters[fleet.clusters.length - 1];
  await waitUntil(
    `the backend to hold cluster ${last.name}`,
    async () => (await api.get(`/clusters/local/${last.name}`)).status === 200,
    fleet,
    180_000,
  );
  return api;
}

/** Milliseconds, p50 / p95 / p99. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(samples: number[]): Percentiles {
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
  };
}

export const formatPercentiles = (p: Percentiles) =>
  `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)} / ${p.p99.toFixed(1)}`;

/** How much longer `a` takes than `b`, in percent (negative: shorter). */
export const addedPercent = (a: number, b: number) => (a / b - 1) * 100;

/**
 * Times each side `rounds` times, the sides taking turns at going first, after `warmup` untimed
 * rounds. A side is called with the round's number and resolves when its answer is read (and
 * checked: it throws on a wrong one). Returns each side's milliseconds.
 */
export async function timeInTurns(
  sides: Record<string, (round: number) => Promise<void>>,
  { rounds, warmup = 3 }: { rounds: number; warmup?: number },
): Promise<Record<string, number[]>> {
  const names = Object.keys(sides);
  const timings: Record<string, number[]> = Object.fromEntries(
    names.map(name => [name, []]),
  );
  for (let round = -warmup; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await sides[name](round + warmup);
      if (round >= 0) timings[name].push(performance.now() - started);
    }
    if (round >= 0 && (round + 1) % 50 === 0) {
      log(`${round + 1} of ${rounds} rounds`);
    }
  }
  return timings;
}
