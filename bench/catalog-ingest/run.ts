/**
 * bench/catalog-ingest: how long the catalog takes to hold every tenant cluster from a cold start,
 * and how long a change on the hub takes to show through the catalog API.
 *
 *   yarn bench:catalog-ingest [--count 10000] [--changes 60] [--database postgres|sqlite]
 *                             [--postgres-via socket|tcp] [--hub scale] [--json FILE] [--check]
 *
 * Uses the local scale hub, `scale` (seeded by bench/cluster-list, e2e-tests or here), or the kept
 * hub `--hub` names, and the real backend (packages/backend, every plugin) in production mode, on
 * PostgreSQL by default (as deployed; SQLite serialises the catalog's processing through one
 * connection). Baselines, measured in the same run: for the cold start, a paged LIST of all
 * HostedClusters straight from the hub; for each change, the moment a watch on the hub's
 * kube-apiserver sees it (the least any cache in front of the hub can add). Last, on PostgreSQL, a
 * restart on the same databases with clusters changed on the hub while the backend was down.
 * Targets: the cold start under 60 s, a change visible within 2 s at p95.
 */
import { performance } from 'node:perf_hooks';
import {
  LOCAL_HUB_FIELD_MANAGER,
  RunningBackend,
  SCALE_HUB,
  backendPidsOf,
  clustersOnHub,
  databasesWithPrefix,
  dropDatabasesWithPrefix,
  planTenants,
  seedTenants,
  startBackend,
} from '@hostplane/local-hub';
import {
  CLUSTER_ANNOTATION,
  CLUSTER_LABEL,
  CLUSTER_NAMESPACE_ANNOTATION,
  PHASE_LABEL,
  clusterEntityName,
} from '@hostplane/plugin-hostplane-common';
import {
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { z } from 'zod';
import {
  cpuSeconds,
  cpuShareSince,
  log,
  percentile,
  runBenchmark,
  size,
  startBenchHub,
  waitForQuietHub,
} from '../src';

const options = {
  /** Clusters the hub holds at least (seeded if fewer). */
  count: size(10_000),
  /** Changes on the hub timed until the catalog shows them: phase changes, new and deleted clusters. */
  changes: size(60),
  database: z.enum(['postgres', 'sqlite']).default('postgres'),
  /**
   * How the backend reaches PostgreSQL on this machine: over TCP on loopback, or through its Unix
   * socket, as a backend deployed beside its database could. Over TCP the kernel runs the loopback
   * network stack inside each statement's send (a quarter of the backend's CPU in an ingest);
   * measured both ways, the two could not be told apart.
   */
  postgresVia: z.enum(['tcp', 'socket']).default('tcp'),
  /** The kept hub to measure against. */
  hub: z.string().default(SCALE_HUB),
};
/** Where Debian's PostgreSQL puts its Unix socket (`unix_socket_directories`). */
const POSTGRES_SOCKET_DIR = '/var/run/postgresql';
const GROUP = 'hypershift.openshift.io';
const COUNT_POLL_MS = 2_000;
const REFS_PER_REQUEST = 1_000;
const REST_SECONDS = 30;
/** Clusters degraded on the hub while the backend is down, before it restarts. */
const RESTART_CHANGES = 10;

/** The hub's name in the backend's configuration (`startBackend`'s). */
const HUB = 'local';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

runBenchmark({ name: 'catalog-ingest', options }, async (args, stopLater) => {
  const { count, changes, database, postgresVia } = args;
  const hub = await startBenchHub({ name: args.hub, count }, stopLater);
  log(`hub quiet after another ${(await waitForQuietHub(hub)).toFixed(0)} s`);
  let backend: RunningBackend | undefined;
  let stopWatch: (() => void) | undefined;
  /** The PostgreSQL databases of the backend and of its restart, dropped at the end. */
  let postgresPrefix: string | undefined;
  stopLater(async () => {
    if (postgresPrefix) await dropDatabasesWithPrefix(postgresPrefix);
  });
  stopLater(async () => backend?.stop());
  stopLater(async () => stopWatch?.());
  const listStarted = performance.now();
  const onHub = await clustersOnHub(hub);
  const hubListSeconds = (performance.now() - listStarted) / 1000;

  /** The backend as deployed; on an earlier one's databases for a restart. */
  const startCatalogBackend = (onDatabasesOf?: string) =>
    startBackend({
      database,
      hubKubeconfig: hub.kubeconfigPath,
      nodeEnv: 'production',
      postgresPrefix: onDatabasesOf,
      postgresHost: postgresVia === 'socket' ? POSTGRES_SOCKET_DIR : undefined,
    });
  const started = performance.now();
  backend = await startCatalogBackend();
  const readySeconds = (performance.now() - started) / 1000;
  postgresPrefix = backend.postgresPrefix;
  let token = await backend.guestToken();
  const catalog = async (path: string, body?: unknown) => {
    const response = await fetch(`${backend!.baseUrl}/api/catalog${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: response.status,
      body: response.ok ? await response.json() : undefined,
    };
  };
  const countClusterEntities = async (): Promise<number | undefined> =>
    (
      await catalog(
        '/entities/by-query?filter=kind=resource,spec.type=kubernetes-cluster&limit=1',
      )
    ).body?.totalItems;
  // Which clusters the catalog API does not return yet, asked by ref (an indexed lookup each)
  // for those still missing. Counting them through a filtered query instead takes the database
  // about half a second with 10,000 entities while it ingests: asked every 2 s, that was a
  // quarter of a core on a two-core machine, taken from the ingest it measures.
  let missing = onHub.map(
    c => `resource:default/${clusterEntityName(HUB, c.name)}`,
  );
  while (missing.length > 0) {
    const stillMissing: string[] = [];
    for (let i = 0; i < missing.length; i += REFS_PER_REQUEST) {
      const entityRefs = missing.slice(i, i + REFS_PER_REQUEST);
      const { status, body } = await catalog('/entities/by-refs', {
        entityRefs,
        fields: ['metadata.name'],
      });
      if (status !== 200) {
        throw new Error(`the catalog answered ${status} to a batch by ref`);
      }
      entityRefs.forEach((ref, j) => {
        if (!body?.items[j]) stillMissing.push(ref);
      });
    }
    missing = stillMissing;
    log(
      `catalog returns ${onHub.length - missing.length} of ${
        onHub.length
      } clusters after ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    if (missing.length > 0) await sleep(COUNT_POLL_MS);
  }
  const coldSeconds = (performance.now() - started) / 1000;
  const counted = await countClusterEntities();
  if ((counted ?? 0) < onHub.length) {
    throw new Error(
      `every cluster's entity was returned by ref, but the catalog counts ${counted} of ${onHub.length}`,
    );
  }
  log(
    `catalog holds ${onHub.length} clusters after ${coldSeconds.toFixed(1)} s`,
  );

  // The baseline: when the hub's own watch reports each change.
  const seenOnHub = new Map<string, number>();
  const abort = await new Watch(hub.kubeConfig()).watch(
    `/apis/${GROUP}/v1beta1/hostedclusters`,
    { labelSelector: CLUSTER_LABEL },
    (phase, object) =>
      seenOnHub.set(`${phase}/${object.metadata.name}`, performance.now()),
    () => {},
  );
  stopWatch = () => abort.abort();

  const custom = hub.kubeConfig().makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(hub.kubeConfig());
  const entityOf = (name: string) =>
    catalog(
      `/entities/by-name/resource/default/${clusterEntityName(HUB, name)}`,
    );
  const waitForEntity = async (
    name: string,
    done: (entity: any) => boolean,
  ) => {
    for (;;) {
      const { status, body } = await entityOf(name);
      if (done(status === 200 ? body : undefined)) return performance.now();
      await sleep(20);
    }
  };

  /** Sets a cluster's `Degraded` condition on the hub; returns when the patch was sent. */
  const degrade = async (namespace: string, name: string) => {
    const hc: any = await custom.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1beta1',
      namespace,
      plural: 'hostedclusters',
      name,
    });
    const conditions = hc.status.conditions.map((c: any) =>
      c.type === 'Degraded'
        ? {
            ...c,
            status: 'True',
            reason: 'BenchDegraded',
            message: 'Degraded by bench/catalog-ingest',
            lastTransitionTime: new Date().toISOString(),
          }
        : c,
    );
    const sent = performance.now();
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: 'v1beta1',
        namespace,
        plural: 'hostedclusters',
        name,
        body: { status: { conditions } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    return sent;
  };
  const isDegraded = (entity: any) =>
    entity?.metadata.labels[PHASE_LABEL] === 'degraded';

  // New clusters under names the hub does not hold: an earlier run's new clusters stay on the
  // hub, and "creating" one of those again would find its entity already there.
  const taken = new Set(onHub.map(c => c.name));
  const fresh = planTenants({ count: onHub.length + count + changes })
    .filter(plan => !taken.has(plan.name))
    .slice(0, changes);
  // Every third change deletes one of the last clusters the hub listed.
  const changeKinds = Array.from(
    { length: changes },
    (_, i) => (['phase', 'create', 'delete'] as const)[i % 3],
  );
  const deletedAt = (i: number) => onHub[onHub.length - 1 - i];
  const deleted = new Set(
    changeKinds.flatMap((kind, i) =>
      kind === 'delete' ? [deletedAt(i).name] : [],
    ),
  );
  // Ready clusters to degrade: each run picks ones an earlier run has not already degraded, and
  // none this run deletes (the restart below degrades some after the deletions).
  const { body: readyPage } = await catalog(
    `/entities/by-query?filter=kind=resource,metadata.labels.${PHASE_LABEL}=ready&limit=${
      changes + RESTART_CHANGES + deleted.size
    }`,
  );
  const toDegrade: Array<{ namespace: string; name: string }> = readyPage.items
    .map((e: any) => ({
      namespace: e.metadata.annotations[CLUSTER_NAMESPACE_ANNOTATION],
      name: e.metadata.annotations[CLUSTER_ANNOTATION],
    }))
    .filter((cluster: { name: string }) => !deleted.has(cluster.name))
    .slice(0, changes + RESTART_CHANGES);
  const delays: Record<'phase' | 'create' | 'delete', number[]> = {
    phase: [],
    create: [],
    delete: [],
  };
  const hubDelays: number[] = [];
  for (const [i, kind] of changeKinds.entries()) {
    if (kind === 'phase') {
      const { namespace, name } = toDegrade[i];
      const t0 = await degrade(namespace, name);
      const t1 = await waitForEntity(name, isDegraded);
      delays.phase.push(t1 - t0);
      hubDelays.push((seenOnHub.get(`MODIFIED/${name}`) ?? t1) - t0);
    } else if (kind === 'create') {
      const plan = fresh[i];
      const t0 = performance.now();
      await seedTenants(hub.kubeConfig(), [plan], {
        fieldManager: LOCAL_HUB_FIELD_MANAGER,
      });
      const t1 = await waitForEntity(plan.name, e => e !== undefined);
      delays.create.push(t1 - t0);
      hubDelays.push((seenOnHub.get(`ADDED/${plan.name}`) ?? t1) - t0);
    } else {
      const { namespace, name } = deletedAt(i);
      const t0 = performance.now();
      await objects.delete({
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'HostedCluster',
        metadata: { namespace, name },
      });
      const t1 = await waitForEntity(name, e => e === undefined);
      delays.delete.push(t1 - t0);
      hubDelays.push((seenOnHub.get(`DELETED/${name}`) ?? t1) - t0);
    }
  }

  // What holding the clusters costs once they are in, with no change on the hub: the catalog
  // processes every entity again on its own schedule (`catalog.processingInterval`), changed or
  // not. Measured after the changes, by when the first entities are due again by default.
  const postgresPids = backend.postgresPrefix
    ? await backendPidsOf(await databasesWithPrefix(backend.postgresPrefix))
    : [];
  const backendBefore = cpuSeconds([backend.pid]);
  const postgresBefore = cpuSeconds(postgresPids);
  await sleep(REST_SECONDS * 1000);
  const backendAtRest = cpuShareSince(backendBefore, REST_SECONDS) * 100;
  const postgresAtRest = cpuShareSince(postgresBefore, REST_SECONDS) * 100;
  const atRest = `backend ${backendAtRest.toFixed(0)} %, PostgreSQL ${
    postgresPids.length ? `${postgresAtRest.toFixed(0)} % or more` : 'n/a'
  }`;
  log(`CPU with no change on the hub: ${atRest}`);

  // A restart, as on every deploy: the catalog's database is kept, and what changed on the hub
  // while the backend was down must show once it is back. SQLite lives in the stopped backend's
  // folder, so only PostgreSQL keeps a database to restart on.
  let restart = 'n/a on SQLite';
  let restartSeconds: number | undefined;
  if (postgresPrefix) {
    await backend.stop();
    backend = undefined;
    const changedWhileDown = toDegrade.slice(changes);
    for (const { namespace, name } of changedWhileDown) {
      await degrade(namespace, name);
    }
    const restarted = performance.now();
    backend = await startCatalogBackend(postgresPrefix);
    const restartReady = (performance.now() - restarted) / 1000;
    token = await backend.guestToken();
    for (const { name } of changedWhileDown) {
      await waitForEntity(name, isDegraded);
    }
    restartSeconds = (performance.now() - restarted) / 1000;
    const expected = onHub.length + delays.create.length - delays.delete.length;
    const recounted = await countClusterEntities();
    if (recounted !== expected) {
      throw new Error(
        `after the restart the catalog counts ${recounted} clusters, the hub ${expected}`,
      );
    }
    restart = `${restartSeconds.toFixed(
      1,
    )} s (backend ready after ${restartReady.toFixed(1)} s)`;
    log(`restarted; ${changedWhileDown.length} changes shown after ${restart}`);
  }

  const all = [...delays.phase, ...delays.create, ...delays.delete];
  const ms = (samples: number[]) =>
    `${percentile(samples, 50).toFixed(0)} / ${percentile(samples, 95).toFixed(
      0,
    )}`;
  const lines = [
    `bench/catalog-ingest: ${
      onHub.length
    } clusters on the hub, ${changes} changes, ${database}${
      database === 'postgres'
        ? ` over its ${postgresVia === 'socket' ? 'Unix socket' : 'TCP'}`
        : ''
    }`,
    '',
    '| measure | Hostplane + catalog | baseline | target |',
    '|---|---|---|---|',
    `| cold start until the catalog holds every cluster | ${coldSeconds.toFixed(
      1,
    )} s (backend ready after ${readySeconds.toFixed(
      1,
    )} s) | paged LIST of all from the hub: ${hubListSeconds.toFixed(
      1,
    )} s | < 60 s |`,
    `| change visible through the catalog API, p50 / p95 (ms) | ${ms(
      all,
    )} | hub watch: ${ms(hubDelays)} | < 2,000 |`,
    `| - phase change | ${ms(delays.phase)} | | |`,
    `| - new cluster | ${ms(delays.create)} | | |`,
    `| - deleted cluster | ${ms(delays.delete)} | | |`,
    `| CPU with no change on the hub, over ${REST_SECONDS} s after the changes (of one core) | ${atRest} | | |`,
    `| restart with the catalog's database kept, until ${RESTART_CHANGES} clusters degraded while it was down show | ${restart} | | |`,
  ];

  const seconds = (value: number) => ({ value, unit: 's' });
  const milliseconds = (value: number) => ({ value, unit: 'ms' });
  const percentOfCore = (value: number) => ({ value, unit: '% of a core' });
  return {
    table: lines,
    parameters: { clusters: onHub.length, restartChanges: RESTART_CHANGES },
    measures: {
      coldStart: seconds(coldSeconds),
      backendReady: seconds(readySeconds),
      changeVisibleP50: milliseconds(percentile(all, 50)),
      changeVisibleP95: milliseconds(percentile(all, 95)),
      backendCpuAtRest: percentOfCore(backendAtRest),
      ...(postgresPids.length
        ? { postgresCpuAtRest: percentOfCore(postgresAtRest) }
        : {}),
      ...(restartSeconds === undefined
        ? {}
        : { restartUntilChangesShow: seconds(restartSeconds) }),
    },
    baselines: {
      pagedListOfAllFromHub: seconds(hubListSeconds),
      hubWatchP50: milliseconds(percentile(hubDelays, 50)),
      hubWatchP95: milliseconds(percentile(hubDelays, 95)),
    },
    ratios: {
      coldStartOverPagedList: coldSeconds / hubListSeconds,
      changeVisibleOverHubWatchP50:
        percentile(all, 50) / percentile(hubDelays, 50),
    },
    targets: [
      {
        name: 'cold start until the catalog holds every cluster',
        value: coldSeconds,
        comparison: '<',
        threshold: 60,
        unit: 's',
      },
      {
        name: 'change visible through the catalog API, p95',
        value: percentile(all, 95),
        comparison: '<',
        threshold: 2_000,
        unit: 'ms',
      },
    ],
  };
});
