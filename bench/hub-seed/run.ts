/**
 * bench/hub-seed: how long the local hub takes to take N status-only tenants (`yarn hub seed`'s),
 * how many objects a second that is as it fills, and what its kube-apiserver and etcd hold in
 * memory with them. The baselines are measured in the same run, on the same hub: its plainest
 * write (the same objects as ConfigMaps, written the same way, once on the empty hub and once on
 * the full one) and its memory before the first tenant.
 *
 *   yarn bench:hub-seed [--count 10000] [--chunk 1000] [--baseline 1000] [--json FILE] [--check]
 *
 * The hub is a fresh one, `bench-seed`, deleted at the end: the scale hub the other benchmarks use
 * is seeded once per machine and kept, so seeding it again would measure nothing. Its targets say
 * that the full hub still answers: it lists every HostedCluster and reports ready.
 */
import { performance } from 'node:perf_hooks';
import {
  LOCAL_HUB_FIELD_MANAGER,
  LocalHub,
  RenderedObject,
  clustersOnHub,
  inParallel,
  planTenants,
  renderTenant,
  seedTenants,
} from '@hostplane/local-hub';
import { ServerSideApplier, getRaw } from '@hostplane/plugin-hostplane-node';
import { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { log, rssMiB, runBenchmark, size, waitForQuietHub } from '../src';

/** As `yarn hub seed` writes. */
const CONCURRENCY = 16;
const HUB = 'bench-seed';

interface Rate {
  objects: number;
  seconds: number;
}

/**
 * The baseline: each object as a ConfigMap holding the same JSON, applied with the same applier and
 * then given its status by a JSON patch, as `seedTenants` does for the real kinds: the same bytes
 * and the same two writes, without a CRD's schema, its status subresource or its watchers.
 */
async function writeAsConfigMaps(
  hub: LocalHub,
  objects: RenderedObject[],
  namespace: string,
): Promise<Rate> {
  const applier = new ServerSideApplier(
    hub.kubeConfig(),
    LOCAL_HUB_FIELD_MANAGER,
  );
  const core = hub.kubeConfig().makeApiClient(CoreV1Api);
  await applier.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  ]);
  const started = performance.now();
  await inParallel(objects, CONCURRENCY, async ({ manifest, status }) => {
    const name = `${manifest.kind.toLowerCase()}-${manifest.metadata.name}`;
    const configMap: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace, name },
      data: { manifest: JSON.stringify(manifest) },
    };
    await applier.apply([configMap]);
    await core.patchNamespacedConfigMap({
      namespace,
      name,
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      body: [
        { op: 'add', path: '/data/status', value: JSON.stringify(status) },
      ],
    });
  });
  return {
    objects: objects.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** etcd's database size in MiB, from its own metrics. */
async function etcdDatabaseMiB(hub: LocalHub): Promise<number> {
  const metrics = await (
    await fetch(`http://127.0.0.1:${hub.etcdPort()}/metrics`)
  ).text();
  const line = metrics
    .split('\n')
    .find(l => l.startsWith('etcd_mvcc_db_total_size_in_bytes '));
  return Number(line!.split(' ')[1]) / 2 ** 20;
}

interface Memory {
  apiServer: number;
  etcd: number;
  etcdDatabase: number;
}

async function memory(hub: LocalHub): Promise<Memory> {
  return {
    apiServer: rssMiB(hub.componentProcessId('kube-apiserver')),
    etcd: rssMiB(hub.componentProcessId('etcd')),
    etcdDatabase: await etcdDatabaseMiB(hub),
  };
}

const options = {
  /** Tenants seeded. */
  count: size(10_000),
  /** Tenants seeded between two readings of the rate and the memory. */
  chunk: size(1_000),
  /** Tenants whose objects are written as ConfigMaps, on the empty and on the full hub. */
  baseline: size(1_000),
};

runBenchmark({ name: 'hub-seed', options }, async (args, stopLater) => {
  const { count, chunk: chunkSize } = args;
  const baselineTenants = Math.min(args.baseline, count);
  const opened = await LocalHub.open({ name: HUB, log });
  stopLater(() => opened.delete());
  const hub = await LocalHub.start({ name: HUB, fresh: true, log });
  log(`hub ${HUB} up; waiting for it to be quiet`);
  await waitForQuietHub(hub);
  const empty = await memory(hub);

  const now = new Date();
  const plans = planTenants({ count });
  const baselineObjects = plans
    .slice(0, baselineTenants)
    .flatMap(plan => renderTenant(plan, now));
  log(`baseline on the empty hub: ${baselineObjects.length} ConfigMaps`);
  const baselineEmpty = await writeAsConfigMaps(
    hub,
    baselineObjects,
    'bench-baseline-empty',
  );

  const chunks: Array<Rate & { tenants: number; memory: Memory }> = [];
  for (let start = 0; start < plans.length; start += chunkSize) {
    const chunk = plans.slice(start, start + chunkSize);
    const objects = chunk.reduce(
      (sum, plan) => sum + renderTenant(plan, now).length,
      0,
    );
    const started = performance.now();
    await seedTenants(hub.kubeConfig(), chunk, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      concurrency: CONCURRENCY,
      now,
    });
    const seconds = (performance.now() - started) / 1000;
    chunks.push({
      tenants: start + chunk.length,
      objects,
      seconds,
      memory: await memory(hub),
    });
    log(
      `${start + chunk.length}/${count} tenants: ${(objects / seconds).toFixed(
        0,
      )} objects/s`,
    );
  }
  const full = chunks[chunks.length - 1].memory;

  log(`baseline on the full hub: ${baselineObjects.length} ConfigMaps`);
  const baselineFull = await writeAsConfigMaps(
    hub,
    baselineObjects,
    'bench-baseline-full',
  );

  // The hub still answers: every HostedCluster, listed page by page, and its health.
  const listStarted = performance.now();
  const listed = (await clustersOnHub(hub)).length;
  const listSeconds = (performance.now() - listStarted) / 1000;
  const readyz = await getRaw(hub.kubeConfig(), '/readyz');

  const seeded: Rate = {
    objects: chunks.reduce((sum, c) => sum + c.objects, 0),
    seconds: chunks.reduce((sum, c) => sum + c.seconds, 0),
  };
  const perSecond = (rate: Rate) => rate.objects / rate.seconds;
  const row = (name: string, rate: Rate) =>
    `| ${name} | ${rate.objects} | ${rate.seconds.toFixed(1)} | ${perSecond(
      rate,
    ).toFixed(0)} | ${(perSecond(rate) / perSecond(baselineEmpty)).toFixed(
      2,
    )}x |`;
  const memoryRow = (name: string, pick: (m: Memory) => number) =>
    `| ${name} | ${pick(empty).toFixed(0)} | ${pick(full).toFixed(0)} | ${(
      pick(full) / pick(empty)
    ).toFixed(1)}x |`;
  const lines = [
    `bench/hub-seed: ${count} status-only tenants on a fresh hub, ${CONCURRENCY} requests at once; each object is applied, then given its status (two writes)`,
    '',
    '| writes | objects | seconds | objects / s | vs ConfigMaps on the empty hub |',
    '|---|---|---|---|---|',
    row(`all ${count} tenants (HostedClusters and NodePools)`, seeded),
    ...chunks.map((chunk, i) =>
      row(
        `- tenants ${i * chunkSize + 1} to ${
          chunk.tenants
        }, RSS after: kube-apiserver ${chunk.memory.apiServer.toFixed(
          0,
        )} MiB, etcd ${chunk.memory.etcd.toFixed(0)} MiB`,
        chunk,
      ),
    ),
    row(
      `baseline: ${baselineTenants} tenants' objects as ConfigMaps, empty hub`,
      baselineEmpty,
    ),
    row('baseline: the same ConfigMaps, full hub', baselineFull),
    '',
    `| memory (MiB) | empty hub | ${count} tenants | ratio |`,
    '|---|---|---|---|',
    memoryRow('kube-apiserver RSS', m => m.apiServer),
    memoryRow('etcd RSS', m => m.etcd),
    memoryRow('etcd database size', m => m.etcdDatabase),
    '',
    `| the full hub still answers | |`,
    '|---|---|',
    `| every HostedCluster, listed 500 a page | ${listed} in ${listSeconds.toFixed(
      1,
    )} s |`,
    `| GET /readyz | ${readyz.status} |`,
  ];
  const mib = (value: number) => ({ value, unit: 'MiB' });
  const rate = (value: Rate) => ({
    value: perSecond(value),
    unit: 'objects/s',
  });
  return {
    table: lines,
    parameters: { concurrency: CONCURRENCY },
    measures: {
      seedRate: rate(seeded),
      seedSeconds: { value: seeded.seconds, unit: 's' },
      configMapRateOnFullHub: rate(baselineFull),
      apiServerRss: mib(full.apiServer),
      etcdRss: mib(full.etcd),
      etcdDatabase: mib(full.etcdDatabase),
      listSeconds: { value: listSeconds, unit: 's' },
    },
    baselines: {
      configMapRateOnEmptyHub: rate(baselineEmpty),
      apiServerRss: mib(empty.apiServer),
      etcdRss: mib(empty.etcd),
      etcdDatabase: mib(empty.etcdDatabase),
    },
    ratios: {
      seedRateOverConfigMapRateOnEmptyHub:
        perSecond(seeded) / perSecond(baselineEmpty),
      configMapRateFullOverEmptyHub:
        perSecond(baselineFull) / perSecond(baselineEmpty),
      apiServerRssFullOverEmpty: full.apiServer / empty.apiServer,
      etcdRssFullOverEmpty: full.etcd / empty.etcd,
      etcdDatabaseFullOverEmpty: full.etcdDatabase / empty.etcdDatabase,
    },
    targets: [
      {
        name: 'HostedClusters the full hub lists',
        value: listed,
        comparison: '>=',
        threshold: count,
        unit: 'clusters',
      },
      {
        name: 'GET /readyz on the full hub',
        value: readyz.status,
        comparison: '==',
        threshold: 200,
        unit: 'status',
      },
    ],
  };
});
