/**
 * bench/monitoring: opening a cluster's Monitoring tab through Hostplane's API, against the same
 * panel queries sent straight to the store in the same run; and VictoriaMetrics against
 * Prometheus on the same scrape load.
 *
 *   yarn bench:monitoring [--count 1000] [--range 24h] [--interval-seconds 60] [--rounds 200]
 *                         [--real-tenants 2] [--live-seconds 120] [--json FILE] [--check]
 *
 * It starts a fresh hub (`bench-monitoring`, deleted at the end) with `--count` status-only
 * clusters and the real demo tenants, whose control planes vmagent scrapes every 15 s into both
 * VictoriaMetrics and Prometheus (the local hub's pipeline). After `--live-seconds` of that load
 * it compares the two stores: their RSS, and the tab's panel queries over the last hour of a real
 * tenant (p50 / p95, taking turns). Then it backfills VictoriaMetrics with `--range` of history
 * for every status-only cluster, a sample every `--interval-seconds`, through its JSON-lines
 * import API (`backfill.ts`: the series and labels the panels query), and starts the backend.
 *
 * Timed, `--rounds` times each, taking turns: `GET /clusters/local/:name/metrics?range=` (every
 * panel) for one cluster, against the same queries (`query_range` with the same window, step and
 * tenant filter, all at once as the backend sends them) straight to VictoriaMetrics for another
 * cluster: each request is for a cluster not asked for before, so neither side reads the store's
 * cache of the other's answer.
 *
 * Targets: the tab's p95 under 500 ms; Hostplane adds under 20 % to the store's own time (p50).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MonitoringPipeline } from '@hostplane/local-hub';
import {
  METRICS_RANGES,
  METRIC_LABELS,
  METRIC_PANELS,
} from '@hostplane/plugin-hostplane-common';
import {
  ClusterMetrics,
  rangeWindow,
} from '@hostplane/plugin-hostplane-backend/src/monitoring/ClusterMetrics';
import {
  PANELS,
  RANGE_WINDOWS,
  panelExpr,
  rateWindow,
} from '@hostplane/plugin-hostplane-backend/src/monitoring/panels';
import { z } from 'zod';
import { getJson, log, rssMiB, runBenchmark, size } from '../src';
import { BackfilledCluster, importClusters } from './backfill';
import {
  addedPercent,
  formatPercentiles,
  percentiles,
  startFleet,
  startFleetBackend,
  timeInTurns,
  waitUntil,
} from './fleet';

const SCRAPE_INTERVAL_SECONDS = 15;
const COMPONENTS = [
  'kube-apiserver',
  'etcd',
  'kube-controller-manager',
  'kube-scheduler',
];
/** The queries of every panel: what one opening of the tab sends to the store. */
const TAB_QUERIES = METRIC_PANELS.flatMap(id => PANELS[id].queries);

const options = {
  /** Status-only clusters, each given the range's history. */
  count: size(1000),
  /** The tab's range asked for, and the history backfilled. */
  range: z.enum(METRICS_RANGES).default('24h'),
  /** A backfilled sample every this many seconds (Prometheus' default scrape interval). */
  intervalSeconds: size(60),
  /** Timed requests of each side. */
  rounds: size(200),
  /** Real demo tenants scraped (each runs etcd and an API server on these cores). */
  realTenants: z.coerce.number().int().min(1).max(2).default(2),
  /** How long both stores take the same scrape load before they are compared. */
  liveSeconds: size(120),
  hub: z.string().default('bench-monitoring'),
};

/** An instant query straight to a store, with no tenant filter. */
async function storeQuery(baseUrl: string, query: string) {
  const { status, body } = await getJson(
    `${baseUrl}/api/v1/query?${new URLSearchParams({ query })}`,
    {},
  );
  if (status !== 200 || body.status !== 'success') {
    throw new Error(`${query}: ${status} ${JSON.stringify(body)}`);
  }
  return body.data.result as Array<{
    metric: Record<string, string>;
    value: [number, string];
  }>;
}

const pidOf = (workdir: string, name: string) =>
  Number(fs.readFileSync(path.join(workdir, 'pids', `${name}.pid`), 'utf8'));

function directorySizeMiB(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, {
    withFileTypes: true,
    recursive: true,
  })) {
    if (entry.isFile()) {
      bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
    }
  }
  return bytes / 2 ** 20;
}

runBenchmark({ name: 'monitoring', options }, async (args, stopLater) => {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-monitoring-'));
  stopLater(async () => fs.rmSync(workdir, { recursive: true, force: true }));
  const fleet = await startFleet(
    {
      name: args.hub,
      count: args.count,
      realTenants: args.realTenants,
      workdir,
    },
    stopLater,
  );
  const monitoringDir = path.join(workdir, 'monitoring');
  const pipeline = await MonitoringPipeline.start({
    hubKubeConfig: fleet.hub.kubeConfig(),
    workdir: monitoringDir,
    tenantsWorkdir: fleet.tenantsWorkdir,
    scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
    prometheus: true,
    log,
  });
  stopLater(() => pipeline.stop());
  const prometheusUrl = pipeline.prometheusUrl!;
  const stores = {
    victoriaMetrics: {
      url: pipeline.victoriaMetricsUrl,
      pid: pidOf(monitoringDir, 'victoria-metrics'),
      dataDir: path.join(monitoringDir, 'victoria-metrics-data'),
    },
    prometheus: {
      url: prometheusUrl,
      pid: pidOf(monitoringDir, 'prometheus'),
      dataDir: path.join(monitoringDir, 'prometheus-data'),
    },
  };

  // The same scrape load in both stores: the real tenants' every component, up.
  const realNames = fleet.realTenants.map(t => t.name);
  log(`waiting for ${realNames.join(', ')} to be scraped into both stores`);
  await waitUntil(
    'the real tenants scraped into both stores',
    async () => {
      for (const { url } of Object.values(stores)) {
        const up = await storeQuery(url, `up == 1`);
        for (const name of realNames) {
          const jobs = new Set(
            up
              .filter(s => s.metric[METRIC_LABELS.cluster] === name)
              .map(s => s.metric.job),
          );
          if (!COMPONENTS.every(c => jobs.has(c))) return false;
        }
      }
      return true;
    },
    fleet,
  );
  log(`both stores take the same scrape load for ${args.liveSeconds} s`);
  await new Promise(resolve => setTimeout(resolve, args.liveSeconds * 1000));
  const seriesIn = async (url: string) =>
    Number(
      (await storeQuery(url, `count({${METRIC_LABELS.hub}="local"})`))[0]
        ?.value[1] ?? 0,
    );
  const live = {
    victoriaMetrics: {
      rss: rssMiB(stores.victoriaMetrics.pid),
      series: await seriesIn(stores.victoriaMetrics.url),
    },
    prometheus: {
      rss: rssMiB(stores.prometheus.pid),
      series: await seriesIn(stores.prometheus.url),
    },
  };
  // The tab's queries over the last hour of a real tenant, each store through the backend's own
  // client (its tenant filter: VictoriaMetrics' extra_filters, Prometheus' rewritten selectors).
  const storeMetrics = {
    victoriaMetrics: new ClusterMetrics(
      new Map([
        ['local', { type: 'victoriametrics', url: stores.victoriaMetrics.url }],
      ]),
    ),
    prometheus: new ClusterMetrics(
      new Map([['local', { type: 'prometheus', url: prometheusUrl }]]),
    ),
  };
  const openTab = async (metrics: ClusterMetrics, round: number) => {
    const name = realNames[round % realNames.length];
    const answer = await metrics.panels(
      metrics.store('local')!,
      { hub: 'local', name },
      [...METRIC_PANELS],
      '1h',
    );
    const failed = answer.panels.find(p => p.error);
    if (failed) throw new Error(`panel ${failed.id}: ${failed.error}`);
    if (
      answer.panels.find(p => p.id === 'apiRequestRate')!.series.length === 0
    ) {
      throw new Error(`no API request series for ${name}`);
    }
  };
  log('timing the panel queries in VictoriaMetrics and Prometheus');
  const storeTimings = await timeInTurns(
    {
      victoriaMetrics: round => openTab(storeMetrics.victoriaMetrics, round),
      prometheus: round => openTab(storeMetrics.prometheus, round),
    },
    { rounds: args.rounds },
  );
  const storeQueries = {
    victoriaMetrics: percentiles(storeTimings.victoriaMetrics),
    prometheus: percentiles(storeTimings.prometheus),
  };

  // History for every status-only cluster, up to now.
  const { seconds: rangeSeconds, stepSeconds } = RANGE_WINDOWS[args.range];
  const endSeconds = Math.floor(Date.now() / 1000);
  const clusters: BackfilledCluster[] = fleet.clusters.map(plan => ({
    hub: 'local',
    name: plan.name,
    owner: `group:default/${plan.owner}`,
    etcdMembers: plan.highlyAvailable ? 3 : 1,
    pools: plan.pools,
  }));
  log(
    `backfilling ${clusters.length} clusters with ${args.range} of history, a sample every ${args.intervalSeconds} s`,
  );
  const backfillStarted = performance.now();
  const sent = await importClusters({
    victoriaMetricsUrl: stores.victoriaMetrics.url,
    clusters,
    times: {
      // The first point's rate window reaches back before the range.
      startSeconds:
        endSeconds - rangeSeconds - parseInt(rateWindow(stepSeconds), 10),
      endSeconds,
      intervalSeconds: args.intervalSeconds,
    },
    onProgress: done => {
      if (done % 100 === 0) log(`backfilled ${done} of ${clusters.length}`);
    },
  });
  const backfillSeconds = (performance.now() - backfillStarted) / 1000;
  await fetch(`${stores.victoriaMetrics.url}/internal/force_flush`);
  const backfilledClusters = await waitUntil(
    'the backfilled clusters searchable',
    async () =>
      Number(
        (
          await storeQuery(
            stores.victoriaMetrics.url,
            `count(count by (${METRIC_LABELS.cluster}) (etcd_server_quota_backend_bytes{${METRIC_LABELS.cluster}=~"cluster-.*"}))`,
          )
        )[0]?.value[1],
      ) === clusters.length,
    fleet,
    120_000,
  ).then(() => clusters.length);
  const vmRssAfterBackfill = rssMiB(stores.victoriaMetrics.pid);
  log(
    `backfilled ${sent.series} series, ${
      sent.samples
    } samples in ${backfillSeconds.toFixed(1)} s`,
  );

  const api = await startFleetBackend(
    fleet,
    {
      monitoring: { type: 'victoriametrics', url: stores.victoriaMetrics.url },
    },
    workdir,
    stopLater,
  );
  // Each request for a cluster not asked for before: Hostplane the even ones, the store the odd.
  const clusterFor = (round: number, side: 0 | 1) =>
    clusters[(2 * round + side) % clusters.length].name;
  const hostplane = async (round: number) => {
    const name = clusterFor(round, 0);
    const { status, body } = await api.get(
      `/clusters/local/${name}/metrics?range=${args.range}`,
    );
    if (status !== 200) throw new Error(`${name}: ${status} ${body}`);
    const failed = body.panels.find((p: { error?: string }) => p.error);
    if (failed) throw new Error(`${name}, panel ${failed.id}: ${failed.error}`);
    if (body.panels.some((p: { series: unknown[] }) => p.series.length === 0)) {
      throw new Error(`${name}: a panel without series`);
    }
  };
  const direct = async (round: number) => {
    const name = clusterFor(round, 1);
    const window = rangeWindow(args.range, Date.now());
    const filter = `{${METRIC_LABELS.hub}="local",${
      METRIC_LABELS.cluster
    }=${JSON.stringify(name)}}`;
    await Promise.all(
      TAB_QUERIES.map(async query => {
        const params = new URLSearchParams({
          query: panelExpr(query, window.stepSeconds),
          start: String(window.start),
          end: String(window.end),
          step: `${window.stepSeconds}s`,
        });
        params.append('extra_filters[]', filter);
        const { status, body } = await getJson(
          `${stores.victoriaMetrics.url}/api/v1/query_range?${params}`,
          {},
        );
        if (status !== 200 || body.data.result.length === 0) {
          throw new Error(
            `${name}: ${status} ${JSON.stringify(body).slice(0, 300)}`,
          );
        }
      }),
    );
  };
  log(
    `timing the Monitoring tab (${args.range}): Hostplane and the store, taking turns`,
  );
  const timings = await timeInTurns(
    { hostplane, victoriaMetrics: direct },
    { rounds: args.rounds },
  );
  const tab = {
    hostplane: percentiles(timings.hostplane),
    store: percentiles(timings.victoriaMetrics),
  };
  const added = {
    p50: addedPercent(tab.hostplane.p50, tab.store.p50),
    p95: addedPercent(tab.hostplane.p95, tab.store.p95),
  };
  const vmDataMiB = directorySizeMiB(stores.victoriaMetrics.dataDir);
  const pct = (value: number) =>
    `${value >= 0 ? '+' : ''}${value.toFixed(0)} %`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

  return {
    table: [
      `bench/monitoring: ${args.count} clusters with ${args.range} of history (a sample every ${args.intervalSeconds} s) and ${realNames.length} real tenant(s) scraped every ${SCRAPE_INTERVAL_SECONDS} s; ${args.rounds} rounds each, taking turns`,
      '',
      '| request | Hostplane API p50 / p95 / p99 (ms) | VictoriaMetrics directly p50 / p95 / p99 (ms) | Hostplane adds (p50 / p95) |',
      '|---|---|---|---|',
      `| Monitoring tab, ${METRIC_PANELS.length} panels (${
        TAB_QUERIES.length
      } range queries), ${args.range}, one cluster of ${
        args.count
      } | ${formatPercentiles(tab.hostplane)} | ${formatPercentiles(
        tab.store,
      )} | ${pct(added.p50)} / ${pct(added.p95)} |`,
      '',
      `| same scrape load: ${realNames.join(', ')}, after ${
        args.liveSeconds
      } s | VictoriaMetrics | Prometheus | VictoriaMetrics / Prometheus |`,
      '|---|---|---|---|',
      `| RSS (MiB) | ${live.victoriaMetrics.rss.toFixed(
        0,
      )} | ${live.prometheus.rss.toFixed(0)} | ${ratio(
        live.victoriaMetrics.rss,
        live.prometheus.rss,
      )} |`,
      `| series held | ${live.victoriaMetrics.series} | ${live.prometheus.series} | |`,
      `| the tab's queries over 1 h of a real tenant, p50 / p95 / p99 (ms) | ${formatPercentiles(
        storeQueries.victoriaMetrics,
      )} | ${formatPercentiles(storeQueries.prometheus)} | ${ratio(
        storeQueries.victoriaMetrics.p50,
        storeQueries.prometheus.p50,
      )} / ${ratio(
        storeQueries.victoriaMetrics.p95,
        storeQueries.prometheus.p95,
      )} |`,
      '',
      '| backfill into VictoriaMetrics (`/api/v1/import`, JSON lines) | |',
      '|---|---|',
      `| clusters searchable / sent | ${backfilledClusters} / ${clusters.length} |`,
      `| series / samples | ${sent.series} / ${sent.samples} |`,
      `| time, samples a second | ${backfillSeconds.toFixed(1)} s, ${Math.round(
        sent.samples / backfillSeconds,
      )} |`,
      `| VictoriaMetrics RSS after it / data on disk | ${vmRssAfterBackfill.toFixed(
        0,
      )} MiB / ${vmDataMiB.toFixed(0)} MiB |`,
    ],
    parameters: {
      series: sent.series,
      samples: sent.samples,
      realTenants: realNames.join(','),
    },
    measures: {
      tabP50: { value: tab.hostplane.p50, unit: 'ms' },
      tabP95: { value: tab.hostplane.p95, unit: 'ms' },
      victoriaMetricsRss: { value: live.victoriaMetrics.rss, unit: 'MiB' },
      victoriaMetricsQueryP95: {
        value: storeQueries.victoriaMetrics.p95,
        unit: 'ms',
      },
      victoriaMetricsRssAfterBackfill: {
        value: vmRssAfterBackfill,
        unit: 'MiB',
      },
      backfillSamplesPerSecond: {
        value: sent.samples / backfillSeconds,
        unit: 'samples/s',
      },
    },
    baselines: {
      storeTabP50: { value: tab.store.p50, unit: 'ms' },
      storeTabP95: { value: tab.store.p95, unit: 'ms' },
      prometheusRss: { value: live.prometheus.rss, unit: 'MiB' },
      prometheusQueryP95: { value: storeQueries.prometheus.p95, unit: 'ms' },
    },
    ratios: {
      hostplaneOverStoreP50: tab.hostplane.p50 / tab.store.p50,
      hostplaneOverStoreP95: tab.hostplane.p95 / tab.store.p95,
      victoriaMetricsOverPrometheusRss:
        live.victoriaMetrics.rss / live.prometheus.rss,
      victoriaMetricsOverPrometheusQueryP95:
        storeQueries.victoriaMetrics.p95 / storeQueries.prometheus.p95,
    },
    targets: [
      {
        name: `Monitoring tab (${args.range}) through Hostplane, p95`,
        value: tab.hostplane.p95,
        comparison: '<',
        threshold: 500,
        unit: 'ms',
      },
      {
        name: "what Hostplane adds to the store's own time, p50",
        value: added.p50,
        comparison: '<',
        threshold: 20,
        unit: '%',
      },
    ],
  };
});
