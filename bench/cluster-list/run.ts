/**
 * bench/cluster-list: how fast Hostplane's API lists and gets clusters with many on one hub,
 * side by side with what a portal would otherwise do (ask the hub's kube-apiserver directly).
 *
 *   yarn bench:cluster-list [--count 10000] [--rounds 300] [--hub scale] [--idle-seconds 90]
 *                           [--json FILE] [--check]
 *
 * The hub is the local scale hub, `scale` (kept in the cache between runs, so only the first run
 * seeds it; seeding 10,000 status-only clusters takes 3.5 to 11 minutes), or the kept hub `--hub`
 * names. The backend is Hostplane's plugins with Backstage's auth and permission plugins
 * (cluster-list/backend.ts) on SQLite, in production mode. Both sides are measured in the same
 * run, taking turns in blocks and then interleaved request by request, so the ratios hold on a
 * noisy machine even where the absolute numbers do not. Targets: p95 under 100 ms, 10x faster
 * than the hub at p50, no hub request per page view, RSS at rest under 600 MiB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  LocalHub,
  SCALE_HUB,
  clustersOnHub,
  ephemeralPort,
  startBackend,
} from '@hostplane/local-hub';
import { CLUSTER_LABEL, OWNER_LABEL } from '@hostplane/plugin-hostplane-common';
import { getRaw } from '@hostplane/plugin-hostplane-node';
import { z } from 'zod';
import {
  getJson,
  log,
  memoryViaInspector,
  percentile,
  rssMiB,
  runBenchmark,
  size,
  startBenchHub,
  waitForQuietHub,
} from '../src';

const options = {
  /** Clusters the hub holds at least (seeded if fewer). */
  count: size(10_000),
  /** Requests of each kind timed, taking turns and again interleaved. */
  rounds: size(300),
  /** The kept hub to measure against. */
  hub: z.string().default(SCALE_HUB),
  /**
   * Seconds the backend is left without requests before its memory is read. V8 gives back what
   * the cold fill and the timed rounds left behind only once the process is idle (its memory
   * reducer): in runs on this machine, RSS fell by a third between 30 and 60 s after the last
   * request.
   */
  idleSeconds: size(90),
};
const PAGE = 50;
/** How many turns each side takes in the alternated measurement. */
const BLOCKS = 10;

/**
 * This process's own garbage collections, as [start, end] in `performance.now()` time: a pause
 * inside a timed request is the client's, not the server's, and the table says how many fell on
 * each side.
 */
const clientPauses: Array<[number, number]> = [];
new PerformanceObserver(entries => {
  for (const gc of entries.getEntries()) {
    clientPauses.push([gc.startTime, gc.startTime + gc.duration]);
  }
}).observe({ entryTypes: ['gc'] });

/**
 * A full collection of this process's heap, run before each block so that what one side's
 * answers left behind (the hub's LISTs are 100 KB or more of JSON each) is not collected while
 * the other side's requests are timed.
 */
v8.setFlagsFromString('--expose-gc');
const collectClientGarbage: () => void = vm.runInNewContext('gc');

/** How long `run` took, and whether this process paused for a collection meanwhile. */
async function timed(
  run: () => Promise<void>,
): Promise<{ ms: number; clientPaused: boolean }> {
  const start = performance.now();
  await run();
  const end = performance.now();
  // The observer hears of a collection after it ends, in a later turn of the event loop.
  await new Promise(resolve => setImmediate(resolve));
  const clientPaused = clientPauses.some(
    ([from, to]) => from < end && to > start,
  );
  return { ms: end - start, clientPaused };
}

/** Requests the hub's API server has served for Hostplane's kinds, from its own metrics. */
async function hubRequestCount(hub: LocalHub): Promise<number> {
  const { body } = await getRaw(hub.kubeConfig(), '/metrics');
  let total = 0;
  for (const line of body.split('\n')) {
    if (
      line.startsWith('apiserver_request_total{') &&
      /resource="(hostedclusters|nodepools)"/.test(line)
    ) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/**
 * The backend measured: Hostplane with Backstage's auth and permission plugins (backend.ts) on
 * SQLite, in production mode. Its inspector, on loopback only, lets the benchmark ask what of its
 * memory is garbage not yet collected; nothing else talks to it.
 */
function startMeasuredBackend(hubKubeconfig: string, inspectorPort: number) {
  return startBackend({
    database: 'sqlite',
    hubKubeconfig,
    entry: path.join(__dirname, 'backend.ts'),
    nodeEnv: 'production',
    nodeOptions: `--inspect=127.0.0.1:${inspectorPort}`,
  });
}

/** RSS after `idleSeconds` without requests, then the memory after a full GC. */
async function idleMemory(
  pid: number,
  inspectorPort: number,
  idleSeconds: number,
) {
  await new Promise(resolve => setTimeout(resolve, idleSeconds * 1000));
  const rss = rssMiB(pid);
  const { afterFullGc } = await memoryViaInspector(inspectorPort);
  return { rss, afterFullGc };
}

/** A kubeconfig (JSON, which is YAML too) for a hub at an address where nothing listens. */
function writeUnreachableKubeconfig(): string {
  const file = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'bench-no-hub-')),
    'kubeconfig.json',
  );
  fs.writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'none', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'none', user: { token: 'none' } }],
      contexts: [{ name: 'none', context: { cluster: 'none', user: 'none' } }],
      'current-context': 'none',
    }),
  );
  return file;
}

runBenchmark({ name: 'cluster-list', options }, async (args, stopLater) => {
  const { count, rounds, idleSeconds } = args;
  const hub = await startBenchHub({ name: args.hub, count }, stopLater);
  // Restarted, the hub is busy for a minute or more taking up its objects again; measured then,
  // both sides share the cores with that.
  log(`hub quiet after another ${(await waitForQuietHub(hub)).toFixed(0)} s`);
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  stopLater(async () => backend?.stop());
  const total = (await clustersOnHub(hub)).length;
  log(`${total} clusters on the hub`);

  const inspectorPort = await ephemeralPort();
  backend = await startMeasuredBackend(hub.kubeconfigPath, inspectorPort);
  const token = await backend.guestToken();
  const api = async (path: string) => {
    const { status, body } = await getJson(
      `${backend!.baseUrl}/api/hostplane${path}`,
      { Authorization: `Bearer ${token}` },
    );
    if (status !== 200) throw new Error(`${path} answered ${status}: ${body}`);
    return body;
  };
  const hubGet = async (path: string) => {
    const response = await getRaw(hub.kubeConfig(), path);
    if (response.status !== 200)
      throw new Error(`${path} answered ${response.status}`);
    return JSON.parse(response.body);
  };

  const started = performance.now();
  for (;;) {
    const { totalCount } = await api('/clusters?limit=1');
    if (totalCount >= total) break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  const syncSeconds = (performance.now() - started) / 1000;

  // The first owner by name and its first cluster, as a page view would show them.
  const { items } = await api('/clusters?limit=1&sort=owner');
  const owner: string = items[0].owner.split('/').pop();
  const ownerPage = await api(
    `/clusters?owner=${owner}&sort=name&limit=${PAGE}`,
  );
  const target = ownerPage.items[0];
  const listPath = `/clusters?owner=${owner}&sort=name&limit=${PAGE}`;
  const getPath = `/clusters/local/${target.name}`;
  const baselineList = `/apis/hypershift.openshift.io/v1beta1/hostedclusters?labelSelector=${OWNER_LABEL}%3D${owner}&limit=${PAGE}`;
  const baselineGet = `/apis/hypershift.openshift.io/v1beta1/namespaces/${target.namespace}/hostedclusters/${target.name}`;
  // What the issue names as the baseline, for one cluster as the API answers it (with its pools):
  // paginated LISTs with the cluster's label selector, of HostedClusters and of NodePools.
  const byClusterLabel = `labelSelector=${CLUSTER_LABEL}%3D${target.name}&limit=${PAGE}`;
  const baselineGetByLabel = async () => {
    await hubGet(
      `/apis/hypershift.openshift.io/v1beta1/hostedclusters?${byClusterLabel}`,
    );
    await hubGet(
      `/apis/hypershift.openshift.io/v1beta1/nodepools?${byClusterLabel}`,
    );
  };

  // What a portal without a cache reads to show the page the API answers: the page's clusters
  // with their pools, how many match in all and how many per phase, so every one of the owner's
  // HostedClusters and NodePools, page after page, sorted by name here.
  const everyPage = async (path: string) => {
    const items: any[] = [];
    let next = '';
    do {
      const list = await hubGet(
        `${path}&limit=${PAGE}${
          next && `&continue=${encodeURIComponent(next)}`
        }`,
      );
      items.push(...list.items);
      next = list.metadata.continue ?? '';
    } while (next);
    return items;
  };
  const byOwner = `labelSelector=${OWNER_LABEL}%3D${owner}`;
  const baselineListWithPools = async () => {
    const hostedClusters = await everyPage(
      `/apis/hypershift.openshift.io/v1beta1/hostedclusters?${byOwner}`,
    );
    await everyPage(
      `/apis/hypershift.openshift.io/v1beta1/nodepools?${byOwner}`,
    );
    hostedClusters.sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
  };

  for (let i = 0; i < 30; i++) {
    await api(listPath);
    await api(getPath);
    await hubGet(baselineList);
    await hubGet(baselineGet);
    await baselineGetByLabel();
    await baselineListWithPools();
  }

  // Hub requests per page view, with nothing else talking to the hub's API for these kinds.
  const before = await hubRequestCount(hub);
  for (let i = 0; i < rounds; i++) await api(listPath);
  const hubRequestsPerView = ((await hubRequestCount(hub)) - before) / rounds;

  const measures = {
    floor: () => api('/hubs/local/versions'),
    list: () => api(listPath),
    get: () => api(getPath),
    baselineList: () => hubGet(baselineList),
    baselineGet: () => hubGet(baselineGet),
    baselineGetByLabel: baselineGetByLabel,
    baselineListWithPools: baselineListWithPools,
  };
  type Samples = Record<keyof typeof measures, number[]>;
  const noSamples = () =>
    Object.fromEntries(
      Object.keys(measures).map(key => [key, []]),
    ) as unknown as Samples;
  /** Timed requests during which this process paused for a collection, per side. */
  const clientPaused = { ours: 0, hubs: 0 };
  const measure = async (samples: Samples, key: keyof Samples) => {
    const { ms, clientPaused: paused } = await timed(measures[key]);
    samples[key].push(ms);
    if (paused) clientPaused[key.startsWith('baseline') ? 'hubs' : 'ours']++;
  };
  const ours = ['floor', 'list', 'get'] as const;
  const hubs = [
    'baselineList',
    'baselineGet',
    'baselineGetByLabel',
    'baselineListWithPools',
  ] as const;

  // Each side in blocks, the sides taking turns (and turns at going first), so that a drift in the
  // machine's speed reaches both alike. This is what the table holds: within a block, each request
  // meets the machine as its own side left it.
  const alternated = noSamples();
  const blockRounds = Math.max(1, Math.round(rounds / BLOCKS));
  for (let block = 0; block < BLOCKS; block++) {
    const sides = block % 2 === 0 ? [ours, hubs] : [hubs, ours];
    for (const side of sides) {
      collectClientGarbage();
      for (let i = 0; i < blockRounds; i++) {
        for (const key of side) await measure(alternated, key);
      }
    }
  }
  // Each of ours right after one of the hub's, and the other way round: the hub shares this
  // machine's cores, and a LIST that reads every HostedCluster from etcd leaves its API server
  // and etcd (and this process, parsing the answer) busy for a while after it returns.
  const interleaved = noSamples();
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < hubs.length; k++) {
      if (k < ours.length) await measure(interleaved, ours[k]);
      await measure(interleaved, hubs[k]);
    }
  }
  const rssUnderLoad = rssMiB(backend.pid);
  const idle = await idleMemory(backend.pid, inspectorPort, idleSeconds);
  await backend.stop();
  backend = undefined;

  // The same backend with a hub that has no clusters (nothing answers at its address): what
  // Backstage and Hostplane take before the first cluster, read the same way.
  const emptyInspectorPort = await ephemeralPort();
  backend = await startMeasuredBackend(
    writeUnreachableKubeconfig(),
    emptyInspectorPort,
  );
  const empty = await idleMemory(backend.pid, emptyInspectorPort, idleSeconds);

  const cell = (samples: number[]) =>
    [50, 95, 99].map(p => percentile(samples, p).toFixed(1)).join(' / ');
  /** How many times faster Hostplane's side is at percentile `p`. */
  const faster = (ours: number[], baseline: number[], p: number) =>
    percentile(baseline, p) / percentile(ours, p);
  const ratio = (ours: number[], baseline: number[], p: number) =>
    `${faster(ours, baseline, p).toFixed(1)}x`;
  const row = (name: string, ours: number[], baseline: number[]) =>
    `| ${name} | ${cell(ours)} | ${cell(baseline)} | ${ratio(
      ours,
      baseline,
      50,
    )} / ${ratio(ours, baseline, 95)} |`;
  const lines = [
    `bench/cluster-list: ${total} clusters on the hub, owner ${owner} (${ownerPage.totalCount} clusters), ${rounds} rounds, pages of ${PAGE}`,
    '',
    '| request | Hostplane API p50 / p95 / p99 (ms) | hub kube-apiserver p50 / p95 / p99 (ms) | faster (p50 / p95) |',
    '|---|---|---|---|',
    row(
      "list page (baseline: LIST one page of the owner's HostedClusters by label)",
      alternated.list,
      alternated.baselineList,
    ),
    row(
      "list page (baseline: LIST every page of the owner's HostedClusters and NodePools by label)",
      alternated.list,
      alternated.baselineListWithPools,
    ),
    row(
      'one cluster (baseline: GET its HostedCluster)',
      alternated.get,
      alternated.baselineGet,
    ),
    row(
      'one cluster (baseline: LIST its HostedCluster and NodePools by its label)',
      alternated.get,
      alternated.baselineGetByLabel,
    ),
    row(
      'interleaved: list page (baseline: one page of HostedClusters)',
      interleaved.list,
      interleaved.baselineList,
    ),
    row(
      'interleaved: list page (baseline: every page of HostedClusters and NodePools)',
      interleaved.list,
      interleaved.baselineListWithPools,
    ),
    row(
      'interleaved: one cluster (baseline: GET)',
      interleaved.get,
      interleaved.baselineGet,
    ),
    row(
      'interleaved: one cluster (baseline: LISTs by label)',
      interleaved.get,
      interleaved.baselineGetByLabel,
    ),
    '',
    `| signed-in request that reads nothing (the backend's floor) | ${cell(
      alternated.floor,
    )} ms | interleaved: ${cell(interleaved.floor)} ms |`,
    `| timed requests during which the benchmark itself paused for a GC (Hostplane / hub) | ${
      clientPaused.ours
    } / ${clientPaused.hubs} of ${rounds * 6} / ${rounds * 8} | |`,
    `| hub requests per page view | ${hubRequestsPerView.toFixed(
      3,
    )} | target 0 at steady state |`,
    `| backend cache filled from cold | ${syncSeconds.toFixed(1)} s | |`,
    '',
    `| backend memory (MiB) | ${total} clusters | no clusters | target |`,
    '|---|---|---|---|',
    `| RSS after ${idleSeconds} s without requests | ${idle.rss.toFixed(
      0,
    )} | ${empty.rss.toFixed(0)} | < 600 |`,
    `| RSS under load, right after the cold fill and the timed rounds | ${rssUnderLoad.toFixed(
      0,
    )} | | |`,
    `| after a full GC: RSS / heap used | ${idle.afterFullGc.rss} / ${idle.afterFullGc.heapUsed} | ${empty.afterFullGc.rss} / ${empty.afterFullGc.heapUsed} | |`,
  ];

  const ms = (value: number) => ({ value, unit: 'ms' });
  const mib = (value: number) => ({ value, unit: 'MiB' });
  /** p50 and p95 of each kind of request, by name. */
  const percentiles = (samples: Record<string, number[]>) =>
    Object.fromEntries(
      Object.entries(samples).flatMap(([name, values]) =>
        [50, 95].map(p => [`${name}P${p}`, ms(percentile(values, p))]),
      ),
    );
  /** Hostplane's side against each baseline, at p50 and p95, by name. */
  const ratios = (pairs: Record<string, [number[], number[]]>) =>
    Object.fromEntries(
      Object.entries(pairs).flatMap(([name, [ours, baseline]]) =>
        [50, 95].map(p => [`${name}P${p}`, faster(ours, baseline, p)]),
      ),
    );
  return {
    table: lines,
    parameters: {
      clusters: total,
      owner,
      ownerClusters: ownerPage.totalCount,
      page: PAGE,
    },
    measures: {
      ...percentiles({
        listPage: alternated.list,
        oneCluster: alternated.get,
        floor: alternated.floor,
        interleavedListPage: interleaved.list,
        interleavedOneCluster: interleaved.get,
      }),
      hubRequestsPerPageView: { value: hubRequestsPerView, unit: 'requests' },
      cacheFilledFromCold: { value: syncSeconds, unit: 's' },
      rssAtRest: mib(idle.rss),
      rssUnderLoad: mib(rssUnderLoad),
      heapUsedAfterFullGc: mib(idle.afterFullGc.heapUsed),
    },
    baselines: {
      ...percentiles({
        onePageOfHostedClusters: alternated.baselineList,
        everyPageWithNodePools: alternated.baselineListWithPools,
        getHostedCluster: alternated.baselineGet,
        listsByClusterLabel: alternated.baselineGetByLabel,
      }),
      rssAtRestWithNoClusters: mib(empty.rss),
      heapUsedAfterFullGcWithNoClusters: mib(empty.afterFullGc.heapUsed),
    },
    ratios: ratios({
      listPageFasterThanOnePageOfHostedClusters: [
        alternated.list,
        alternated.baselineList,
      ],
      listPageFasterThanEveryPageWithNodePools: [
        alternated.list,
        alternated.baselineListWithPools,
      ],
      oneClusterFasterThanGetHostedCluster: [
        alternated.get,
        alternated.baselineGet,
      ],
      oneClusterFasterThanListsByClusterLabel: [
        alternated.get,
        alternated.baselineGetByLabel,
      ],
    }),
    targets: [
      {
        name: 'list page p95',
        value: percentile(alternated.list, 95),
        comparison: '<',
        threshold: 100,
        unit: 'ms',
      },
      {
        name: 'one cluster p95',
        value: percentile(alternated.get, 95),
        comparison: '<',
        threshold: 100,
        unit: 'ms',
      },
      {
        name: 'list page faster than one page of HostedClusters by label, p50',
        value: faster(alternated.list, alternated.baselineList, 50),
        comparison: '>=',
        threshold: 10,
        unit: 'x',
      },
      {
        name: 'one cluster faster than LISTs of it by its label, p50',
        value: faster(alternated.get, alternated.baselineGetByLabel, 50),
        comparison: '>=',
        threshold: 10,
        unit: 'x',
      },
      {
        name: 'hub requests per page view',
        value: hubRequestsPerView,
        comparison: '<=',
        threshold: 0,
        unit: 'requests',
      },
      {
        name: 'backend RSS at rest',
        value: idle.rss,
        comparison: '<',
        threshold: 600,
        unit: 'MiB',
      },
    ],
  };
});
