/**
 * bench/logs: searching a cluster's control-plane lines through Hostplane's API against the same
 * LogsQL sent straight to VictoriaLogs, and the live path's delay from a line written to a line
 * received, in one run.
 *
 *   yarn bench:logs [--count 1000] [--size-mib 1024] [--hours 24] [--rounds 100]
 *                   [--live-lines 50] [--json FILE] [--check]
 *
 * It starts a fresh hub (`bench-logs`, deleted at the end) with `--count` status-only clusters
 * and one real demo tenant, whose control-plane logs the local hub's collector sends to
 * VictoriaLogs (the local hub's log store). It writes `--size-mib` of control-plane lines spread over the last `--hours`
 * into the status-only clusters' streams and tenants (`generate.ts`: klog and etcd lines, through
 * VictoriaLogs' JSON-lines ingestion), then starts the backend.
 *
 * Timed, `--rounds` times each, taking turns, each request for a cluster not asked for before:
 * a search as the Logs tab sends it over the whole range (`/logs/search` and `/logs/hits` at
 * once), against the same two requests (the backend's own LogsQL, filters and tenant headers)
 * straight to VictoriaLogs; once with no words (the newest 5,000 lines and the histogram), once
 * for a phrase in about one line in 200.
 *
 * The live path: `--live-lines` lines appended one after another to the real tenant's first etcd
 * member's log, each timed from its write until Hostplane's live view (`/logs/live`, server-sent events)
 * delivers it; the baseline is the same line read from the hub's `pods/log` follow, which the
 * live view relays, opened at the same time.
 *
 * Targets: each search's p95 under 1 s and Hostplane adding under 20 % to VictoriaLogs' own time
 * (p50); the live path's p95 under 1 s.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalLogStore, standinTenantLogFiles } from '@hostplane/local-hub';
import { ClusterStatus, logTenantOf } from '@hostplane/plugin-hostplane-common';
import { DEFAULT_LOG_SEARCH_LIMITS } from '@hostplane/plugin-hostplane-backend/src/logs/logStores';
import {
  histogramStep,
  searchRequest,
} from '@hostplane/plugin-hostplane-backend/src/logs/logsQuery';
import { z } from 'zod';
import { log, runBenchmark, size } from '../src';
import {
  addedPercent,
  formatPercentiles,
  percentiles,
  startFleet,
  startFleetBackend,
  timeInTurns,
  waitUntil,
} from '../monitoring/fleet';
import { follow, splitLines, splitServerSentLines } from './follow';
import { LoggedCluster, RARE_PHRASE, ingestClusters } from './generate';

const MiB = 2 ** 20;

const options = {
  /** Status-only clusters whose lines are written. */
  count: size(1000),
  /** Log text written in all, split evenly between the clusters. */
  sizeMib: size(1024),
  /** The range the lines are spread over, and the one searched. */
  hours: size(24),
  rounds: size(100),
  liveLines: size(50),
  hub: z.string().default('bench-logs'),
};

const keepAlive = new http.Agent({ keepAlive: true });

/**
 * One request with Node's http client on a kept-alive connection, its body read whole: the same
 * client on both sides of a comparison, so that a ratio compares the two servers.
 */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        agent: keepAlive,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      response => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

runBenchmark({ name: 'logs', options }, async (args, stopLater) => {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-logs-'));
  stopLater(async () => fs.rmSync(workdir, { recursive: true, force: true }));
  const fleet = await startFleet(
    { name: args.hub, count: args.count, realTenants: 1, workdir },
    stopLater,
  );
  const store = await LocalLogStore.start({
    hub: 'local',
    workdir: path.join(workdir, 'logs'),
    tenants: standinTenantLogFiles(fleet.operator),
    syncIntervalMs: 1_000,
    log,
  });
  stopLater(() => store.stop());

  const endMs = Date.now();
  const startMs = endMs - args.hours * 3600_000;
  const clusters: LoggedCluster[] = fleet.clusters.map(plan => ({
    hub: 'local',
    namespace: plan.namespace,
    name: plan.name,
    etcdMembers: plan.highlyAvailable ? 3 : 1,
  }));
  log(
    `writing ${args.sizeMib} MiB of control-plane lines over ${args.hours} h into ${clusters.length} clusters`,
  );
  const ingestStarted = performance.now();
  const written = await ingestClusters({
    victoriaLogsUrl: store.url,
    clusters,
    bytesPerCluster: (args.sizeMib * MiB) / clusters.length,
    startMs,
    endMs,
    onProgress: done => {
      if (done % 100 === 0) log(`wrote ${done} of ${clusters.length}`);
    },
  });
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  await fetch(`${store.url}/internal/force_flush`);
  // Every line of the last cluster written is searchable before anything is timed.
  const last = clusters[clusters.length - 1];
  const lastTenant = logTenantOf(last);
  await waitUntil(
    `${last.name}'s lines searchable`,
    async () => {
      const { text } = await send(`${store.url}/select/logsql/query`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          AccountID: String(lastTenant.accountId),
          ProjectID: String(lastTenant.projectId),
        },
        body: new URLSearchParams({
          query: `cluster:=${JSON.stringify(last.name)} | stats count() lines`,
        }).toString(),
      });
      return text.length > 0 && Number(JSON.parse(text).lines) > 0;
    },
    fleet,
    120_000,
  );

  const api = await startFleetBackend(
    fleet,
    { logs: { url: store.url, searchesPerMinute: 1_000_000 } },
    workdir,
    stopLater,
  );
  const limits = {
    maxRangeMs: DEFAULT_LOG_SEARCH_LIMITS.maxRangeHours * 3600_000,
    maxLines: DEFAULT_LOG_SEARCH_LIMITS.maxLines,
    queryTimeoutMs: DEFAULT_LOG_SEARCH_LIMITS.queryTimeoutSeconds * 1000,
  };
  const range = {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
  };
  const step = histogramStep(endMs - startMs);
  const clusterFor = (round: number, side: 0 | 1) =>
    clusters[(2 * round + side) % clusters.length];

  /** Both sides of one kind of search: the same query, each side its own clusters. */
  const searchSides = (words?: string) => ({
    hostplane: async (round: number) => {
      const cluster = clusterFor(round, 0);
      const query = new URLSearchParams({
        ...range,
        ...(words ? { query: words } : {}),
      });
      const [lines, hits] = await Promise.all(
        ['search', 'hits'].map(route =>
          send(
            `${api.backend.baseUrl}/api/hostplane/clusters/local/${cluster.name}/logs/${route}?${query}`,
            { headers: api.headers },
          ),
        ),
      );
      if (lines.status !== 200 || hits.status !== 200) {
        throw new Error(
          `${cluster.name}: ${lines.status} ${lines.text} / ${hits.status} ${hits.text}`,
        );
      }
      if (JSON.parse(lines.text).items.length === 0) {
        throw new Error(`${cluster.name}: no lines found`);
      }
      JSON.parse(hits.text);
    },
    victoriaLogs: async (round: number) => {
      const cluster = clusterFor(round, 1);
      // Only the cluster's hub, namespace and name go into the request.
      const request = searchRequest(
        {
          hub: cluster.hub,
          namespace: cluster.namespace,
          name: cluster.name,
        } as ClusterStatus,
        { ...range, mode: 'text', ...(words ? { query: words } : {}) },
        limits,
      );
      const post = (route: string, extra: Array<[string, string]>) =>
        send(`${store.url}/select/logsql/${route}`, {
          method: 'POST',
          headers: {
            ...request.headers,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams([...request.params, ...extra]).toString(),
        });
      const [lines, hits] = await Promise.all([
        post('query', [['limit', String(request.limit + 1)]]),
        post('hits', [['step', step]]),
      ]);
      if (lines.status !== 200 || hits.status !== 200) {
        throw new Error(
          `${cluster.name}: ${lines.status} ${lines.text} / ${hits.status} ${hits.text}`,
        );
      }
      const rows = lines.text
        .split('\n')
        .filter(line => line.length > 0)
        .map(line => JSON.parse(line));
      if (rows.length === 0) throw new Error(`${cluster.name}: no lines found`);
      JSON.parse(hits.text);
    },
  });
  log(`timing a search of all lines over ${args.hours} h, taking turns`);
  const allLines = await timeInTurns(searchSides(), { rounds: args.rounds });
  log(
    `timing a search for "${RARE_PHRASE}" over ${args.hours} h, taking turns`,
  );
  const phrase = await timeInTurns(searchSides(RARE_PHRASE), {
    rounds: args.rounds,
  });

  // The live path, on the real tenant's first etcd member's log: a file only that process's pod
  // serves (lines appended to the API server's file are not what the hub serves for its pod).
  const real = fleet.realTenants[0];
  log(`waiting for ${real.name}'s control-plane pods`);
  let etcdPod = '';
  await waitUntil(
    `${real.name}'s etcd-0 pod running`,
    async () => {
      const { status, body } = await api.get(
        `/clusters/local/${real.name}/logs/pods`,
      );
      const pod =
        status === 200 &&
        body.items.find(
          (i: { pod: string; phase: string }) =>
            i.pod === 'etcd-0' && i.phase === 'Running',
        );
      if (pod) etcdPod = pod.pod;
      return Boolean(pod);
    },
    fleet,
  );
  const tenant = fleet.operator.tenant(real.namespace, real.name)!;
  const logFile = path.join(tenant.clusterDir, 'logs', 'etcd.log');
  const hostplaneLive = follow(
    new URL(
      `${api.backend.baseUrl}/api/hostplane/clusters/local/${
        real.name
      }/logs/live?${new URLSearchParams({
        pod: etcdPod,
        component: 'etcd',
        tailLines: '0',
      })}`,
    ),
    { headers: { ...api.headers, Accept: 'text/event-stream' } },
    splitServerSentLines,
  );
  stopLater(async () => hostplaneLive.close());
  const kubeConfig = fleet.hub.kubeConfig();
  const hubOptions: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(hubOptions);
  // HyperShift's control-plane namespace: the HostedCluster's namespace and name.
  const hubLive = follow(
    new URL(
      `/api/v1/namespaces/${real.namespace}-${
        real.name
      }/pods/${etcdPod}/log?${new URLSearchParams({
        container: 'etcd',
        follow: 'true',
        timestamps: 'true',
        tailLines: '0',
      })}`,
      kubeConfig.getCurrentCluster()!.server,
    ),
    hubOptions,
    splitLines,
  );
  stopLater(async () => hubLive.close());
  const liveDelays: number[] = [];
  const hubDelays: number[] = [];
  const runId = Date.now().toString(36);
  log(`timing ${args.liveLines} lines through the live path`);
  // The first line opens both streams (the hub answers a follow with its first line): untimed.
  for (let i = -1; i < args.liveLines; i++) {
    const marker = `bench-live-${runId}-${i}`;
    const now = new Date();
    const line = `I${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(
      now.getUTCDate(),
    ).padStart(2, '0')} ${now
      .toISOString()
      .slice(11, 23)}000       1 bench.go:1] "${marker}"\n`;
    const written = performance.now();
    fs.appendFileSync(logFile, line);
    const [viaHostplane, viaHub] = await Promise.all([
      hostplaneLive.waitFor(marker, i < 0 ? 30_000 : 10_000),
      hubLive.waitFor(marker, i < 0 ? 30_000 : 10_000),
    ]);
    if (i >= 0) {
      liveDelays.push(viaHostplane - written);
      hubDelays.push(viaHub - written);
    }
    // Lines a few hundred milliseconds apart, as a busy API server writes them.
    await new Promise(resolve =>
      setTimeout(resolve, 200 + Math.random() * 300),
    );
  }
  hostplaneLive.close();
  hubLive.close();

  const searches = {
    all: {
      hostplane: percentiles(allLines.hostplane),
      store: percentiles(allLines.victoriaLogs),
    },
    phrase: {
      hostplane: percentiles(phrase.hostplane),
      store: percentiles(phrase.victoriaLogs),
    },
  };
  const live = percentiles(liveDelays);
  const hub = percentiles(hubDelays);
  const pct = (value: number) =>
    `${value >= 0 ? '+' : ''}${value.toFixed(0)} %`;
  const row = (name: string, s: typeof searches.all) =>
    `| ${name} | ${formatPercentiles(s.hostplane)} | ${formatPercentiles(
      s.store,
    )} | ${pct(addedPercent(s.hostplane.p50, s.store.p50))} / ${pct(
      addedPercent(s.hostplane.p95, s.store.p95),
    )} |`;
  const writtenMiB = written.bytes / MiB;
  return {
    table: [
      `bench/logs: ${writtenMiB.toFixed(0)} MiB of control-plane lines (${
        written.lines
      } lines) over ${args.hours} h in ${
        clusters.length
      } clusters, one real tenant (${real.name}); ${
        args.rounds
      } searches of each kind per side, taking turns`,
      '',
      `| search of one cluster over ${args.hours} h (lines and histogram at once) | Hostplane API p50 / p95 / p99 (ms) | VictoriaLogs directly p50 / p95 / p99 (ms) | Hostplane adds (p50 / p95) |`,
      '|---|---|---|---|',
      row(
        `all lines (the newest ${limits.maxLines} and the histogram)`,
        searches.all,
      ),
      row(`the phrase "${RARE_PHRASE}"`, searches.phrase),
      '',
      '| live path, a line written to the log file until read (ms) | p50 / p95 / p99 |',
      '|---|---|',
      `| Hostplane's live view (server-sent events) | ${formatPercentiles(
        live,
      )} |`,
      `| the hub's pods/log follow it relays (baseline) | ${formatPercentiles(
        hub,
      )} |`,
      '',
      `written through /insert/jsonline in ${ingestSeconds.toFixed(1)} s (${(
        writtenMiB / ingestSeconds
      ).toFixed(1)} MiB/s of log text)`,
    ],
    parameters: {
      lines: written.lines,
      bytes: written.bytes,
      realTenant: real.name,
    },
    measures: {
      searchAllP50: { value: searches.all.hostplane.p50, unit: 'ms' },
      searchAllP95: { value: searches.all.hostplane.p95, unit: 'ms' },
      searchPhraseP50: { value: searches.phrase.hostplane.p50, unit: 'ms' },
      searchPhraseP95: { value: searches.phrase.hostplane.p95, unit: 'ms' },
      liveDelayP50: { value: live.p50, unit: 'ms' },
      liveDelayP95: { value: live.p95, unit: 'ms' },
    },
    baselines: {
      victoriaLogsAllP50: { value: searches.all.store.p50, unit: 'ms' },
      victoriaLogsAllP95: { value: searches.all.store.p95, unit: 'ms' },
      victoriaLogsPhraseP50: { value: searches.phrase.store.p50, unit: 'ms' },
      victoriaLogsPhraseP95: { value: searches.phrase.store.p95, unit: 'ms' },
      hubFollowDelayP50: { value: hub.p50, unit: 'ms' },
      hubFollowDelayP95: { value: hub.p95, unit: 'ms' },
    },
    ratios: {
      searchAllOverVictoriaLogsP50:
        searches.all.hostplane.p50 / searches.all.store.p50,
      searchPhraseOverVictoriaLogsP50:
        searches.phrase.hostplane.p50 / searches.phrase.store.p50,
      liveOverHubFollowP50: live.p50 / hub.p50,
    },
    targets: [
      {
        name: 'search of all lines through Hostplane, p95',
        value: searches.all.hostplane.p95,
        comparison: '<',
        threshold: 1000,
        unit: 'ms',
      },
      {
        name: 'what Hostplane adds to a search of all lines, p50',
        value: addedPercent(searches.all.hostplane.p50, searches.all.store.p50),
        comparison: '<',
        threshold: 20,
        unit: '%',
      },
      {
        name: 'phrase search through Hostplane, p95',
        value: searches.phrase.hostplane.p95,
        comparison: '<',
        threshold: 1000,
        unit: 'ms',
      },
      {
        name: 'what Hostplane adds to a phrase search, p50',
        value: addedPercent(
          searches.phrase.hostplane.p50,
          searches.phrase.store.p50,
        ),
        comparison: '<',
        threshold: 20,
        unit: '%',
      },
      {
        name: 'live path, a line written to a line received, p95',
        value: live.p95,
        comparison: '<',
        threshold: 1000,
        unit: 'ms',
      },
    ],
  };
});
