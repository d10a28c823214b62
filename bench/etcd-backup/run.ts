/**
 * bench/etcd-backup: a real tenant's etcd backed up and restored through Hostplane, against the
 * etcd tools run directly against the same member in the same run.
 *
 *   yarn bench:etcd-backup [--size-mib 1024] [--rounds 2] [--json FILE] [--check]
 *
 * It starts a fresh hub (`bench-etcd`, deleted at the end), the stand-in running one real tenant,
 * and the backend (`backend.ts`, production mode, SQLite, backups in a directory), creates the
 * tenant through the API and fills its etcd to `--size-mib` with random values written straight
 * to its member. Then, `--rounds` times, the two backups take turns:
 *
 * - Hostplane: a `backup` operation (`PATCH /clusters/local/bench`), from its start to its end:
 *   the snapshot streamed through the hub's port-forward, encrypted, written to the store, read
 *   back and verified, then retention. The backend's RSS is sampled while it runs.
 * - baseline: `etcdctl snapshot save` against the same member, to a local file.
 *
 * And the restores, once each: Hostplane's in-place `restore` of its newest backup (from its start
 * until the cluster is Available again: API servers stopped, the snapshot fetched through the
 * restore URL, decrypted and checked, every member restored, started and healthy again) against
 * `etcdutl snapshot restore` of the baseline's file into an empty directory.
 *
 * Throughput is the snapshot's size over the time taken. Targets: Hostplane at least 0.9x the
 * throughput of each tool; the backend's RSS grows by less than 100 MiB during a backup.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  LOCAL_HUB_RELEASES,
  LocalHub,
  StandinOperator,
  hubBinaries,
  startBackend,
} from '@hostplane/local-hub';
import { z } from 'zod';
import { log, rssMiB, runBenchmark, size } from '../src';

const CLUSTER = 'bench';
const MiB = 1024 * 1024;
/** Values per write transaction: under etcd's 1.5 MiB request limit once in base64. */
const FILL_VALUE_BYTES = 256 * 1024;
const FILL_VALUES_PER_TXN = 4;
const FILL_CONCURRENCY = 4;

const options = {
  /** How much data the tenant's etcd holds. */
  sizeMib: size(1024),
  /** Backups of each kind, taking turns. */
  rounds: size(2),
  hub: z.string().default('bench-etcd'),
};

/** Writes `sizeBytes` of random values to the member through etcd's own JSON gateway. */
async function fillEtcd(clientUrl: string, sizeBytes: number): Promise<void> {
  const transactions = Math.ceil(
    sizeBytes / (FILL_VALUE_BYTES * FILL_VALUES_PER_TXN),
  );
  let next = 0;
  const worker = async () => {
    while (next < transactions) {
      const index = next++;
      const body = {
        success: Array.from({ length: FILL_VALUES_PER_TXN }, (_, i) => ({
          request_put: {
            key: Buffer.from(
              `bench/fill/${String(index * FILL_VALUES_PER_TXN + i).padStart(
                8,
                '0',
              )}`,
            ).toString('base64'),
            value: randomBytes(FILL_VALUE_BYTES).toString('base64'),
          },
        })),
      };
      const response = await fetch(`${clientUrl}/v3/kv/txn`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        throw new Error(
          `filling etcd: ${response.status} ${await response.text()}`,
        );
      }
      if (index % 64 === 0) {
        log(
          `filled ${Math.round(
            (index * FILL_VALUE_BYTES * FILL_VALUES_PER_TXN) / MiB,
          )} of ${Math.round(sizeBytes / MiB)} MiB`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
}

interface Timed {
  seconds: number;
  bytes: number;
}

const throughput = (t: Timed) => t.bytes / MiB / t.seconds;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

runBenchmark({ name: 'etcd-backup', options }, async (args, stopLater) => {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-etcd-backup-'));
  stopLater(async () => fs.rmSync(workdir, { recursive: true, force: true }));
  const opened = await LocalHub.open({ name: args.hub, log });
  stopLater(() => opened.delete());
  const hub = await LocalHub.start({ name: args.hub, fresh: true, log });
  const standinLog: string[] = [];
  const operator = new StandinOperator({
    hubKubeConfig: hub.kubeConfig(),
    maxRealTenants: 1,
    tenantsWorkdir: path.join(workdir, 'tenants'),
    probeIntervalMs: 1_000,
    log: line => standinLog.push(line),
  });
  await operator.start();
  stopLater(() => operator.stop());

  const storeDir = path.join(workdir, 'backups');
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
            kubeconfig: hub.kubeconfigPath,
            releases: LOCAL_HUB_RELEASES,
            backups: { directory: { path: storeDir } },
          },
        ],
        operations: { waitTimeoutSeconds: 1800 },
        etcd: { defragmentation: { enabled: false } },
      },
    }),
  );
  log('starting the backend');
  const backend = await startBackend({
    database: 'sqlite',
    hubKubeconfig: hub.kubeconfigPath,
    entry: path.join(__dirname, 'backend.ts'),
    nodeEnv: 'production',
    extraConfigs: [configFile],
  });
  stopLater(() => backend.stop());
  const token = await backend.guestToken();
  const api = async (method: string, route: string, body?: object) => {
    const response = await fetch(`${backend.baseUrl}/api/hostplane${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${route}: ${response.status} ${text}`);
    }
    return JSON.parse(text);
  };
  /** Runs the operation to its end; its time from the engine's own record of it. */
  const operation = async (
    started: Promise<{ id: string }>,
    whileRunning?: () => void,
  ) => {
    const { id } = await started;
    for (;;) {
      whileRunning?.();
      const state = await api('GET', `/operations/${id}`);
      if (state.state !== 'running') {
        if (state.state !== 'succeeded') {
          throw new Error(`operation ${id} ${state.state}: ${state.error}`);
        }
        return (
          (Date.parse(state.finishedAt) - Date.parse(state.createdAt)) / 1000
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };

  log('creating the tenant');
  await operation(
    api('POST', '/clusters', {
      name: CLUSTER,
      owner: 'group:default/bench',
      hub: 'local',
      version: 'v1.37.2',
      nodePools: [
        { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
      ],
      // Once a year: no scheduled backup runs during the benchmark.
      etcd: { backup: { schedule: '0 0 1 1 *', retention: 2 } },
    }),
  );
  const cluster = await api('GET', `/clusters/local/${CLUSTER}`);
  // The stand-in may still be starting the tenant's processes when the operation ends.
  const deadline = Date.now() + 600_000;
  let clientUrl: string | undefined;
  while (!clientUrl) {
    const tenant = operator.realTenants().find(t => t.name === CLUSTER)?.tenant;
    const url =
      tenant && `http://127.0.0.1:${tenant.etcdMembers()[0].clientPort}`;
    const healthy =
      url &&
      (await fetch(`${url}/health`)
        .then(r => r.ok)
        .catch(() => false));
    const ready =
      (await api('GET', `/clusters/local/${CLUSTER}`)).phase === 'Ready';
    if (healthy && ready) {
      clientUrl = url;
    } else if (Date.now() > deadline) {
      throw new Error(
        `the stand-in did not run ${
          cluster.namespace
        }/${CLUSTER}; its last lines:\n${standinLog.slice(-20).join('\n')}`,
      );
    } else {
      await new Promise(resolve => setTimeout(resolve, 2_000));
    }
  }
  log(`filling the tenant's etcd with ${args.sizeMib} MiB`);
  await fillEtcd(clientUrl, args.sizeMib * MiB);

  const { etcdctl, etcdutl } = hubBinaries();
  const baselineFile = path.join(workdir, 'etcdctl.db');
  const hostplaneBackups: Timed[] = [];
  const etcdctlBackups: Timed[] = [];
  const rssGrowth: number[] = [];
  for (let round = 0; round < args.rounds; round++) {
    // Taking turns at going first.
    const order =
      round % 2 === 0 ? ['etcdctl', 'hostplane'] : ['hostplane', 'etcdctl'];
    for (const side of order) {
      if (side === 'etcdctl') {
        fs.rmSync(baselineFile, { force: true });
        const started = performance.now();
        execFileSync(
          etcdctl,
          ['--endpoints', clientUrl, 'snapshot', 'save', baselineFile],
          { stdio: 'ignore' },
        );
        etcdctlBackups.push({
          seconds: (performance.now() - started) / 1000,
          bytes: fs.statSync(baselineFile).size,
        });
      } else {
        const before = rssMiB(backend.pid);
        let peak = before;
        const seconds = await operation(
          api('PATCH', `/clusters/local/${CLUSTER}`, { action: 'backup' }),
          () => {
            peak = Math.max(peak, rssMiB(backend.pid));
          },
        );
        const { items } = await api(
          'GET',
          `/clusters/local/${CLUSTER}/backups`,
        );
        hostplaneBackups.push({ seconds, bytes: items[0].sizeBytes });
        rssGrowth.push(peak - before);
      }
      log(
        `round ${round + 1} ${side}: ${throughput(
          (side === 'etcdctl' ? etcdctlBackups : hostplaneBackups).at(-1)!,
        ).toFixed(0)} MiB/s`,
      );
    }
  }

  const restoreDir = path.join(workdir, 'etcdutl-restore');
  const restoreStarted = performance.now();
  execFileSync(
    etcdutl,
    ['snapshot', 'restore', baselineFile, '--data-dir', restoreDir],
    { stdio: 'ignore' },
  );
  const etcdutlRestore: Timed = {
    seconds: (performance.now() - restoreStarted) / 1000,
    bytes: fs.statSync(baselineFile).size,
  };
  const { items } = await api('GET', `/clusters/local/${CLUSTER}/backups`);
  const hostplaneRestore: Timed = {
    seconds: await operation(
      api('PATCH', `/clusters/local/${CLUSTER}`, {
        action: 'restore',
        backupId: items[0].id,
        confirmName: CLUSTER,
      }),
    ),
    bytes: items[0].sizeBytes,
  };

  const backupRatio =
    median(hostplaneBackups.map(throughput)) /
    median(etcdctlBackups.map(throughput));
  const restoreRatio =
    throughput(hostplaneRestore) / throughput(etcdutlRestore);
  const worstRss = Math.max(...rssGrowth);
  const row = (name: string, timings: Timed[]) =>
    `| ${name} | ${(timings[0].bytes / MiB).toFixed(0)} | ${timings
      .map(t => t.seconds.toFixed(1))
      .join(' / ')} | ${median(timings.map(throughput)).toFixed(0)} |`;
  return {
    table: [
      `bench/etcd-backup: one real tenant, its etcd filled with ${args.sizeMib} MiB; ${args.rounds} backups each, taking turns`,
      '',
      '| what | snapshot MiB | seconds (each) | MiB/s (median) |',
      '|---|---|---|---|',
      row(
        'backup through Hostplane (hub port-forward, encrypted, directory store, verified)',
        hostplaneBackups,
      ),
      row('`etcdctl snapshot save` against the same member', etcdctlBackups),
      row('restore in place through Hostplane (until Available again)', [
        hostplaneRestore,
      ]),
      row('`etcdutl snapshot restore` of the same snapshot', [etcdutlRestore]),
      '',
      `backend RSS growth during a backup: ${rssGrowth
        .map(g => g.toFixed(0))
        .join(' / ')} MiB`,
    ],
    parameters: { snapshotBytes: etcdctlBackups[0].bytes },
    measures: {
      hostplaneBackupMiBps: {
        value: median(hostplaneBackups.map(throughput)),
        unit: 'MiB/s',
      },
      hostplaneRestoreMiBps: {
        value: throughput(hostplaneRestore),
        unit: 'MiB/s',
      },
      backendRssGrowth: { value: worstRss, unit: 'MiB' },
    },
    baselines: {
      etcdctlSnapshotSaveMiBps: {
        value: median(etcdctlBackups.map(throughput)),
        unit: 'MiB/s',
      },
      etcdutlSnapshotRestoreMiBps: {
        value: throughput(etcdutlRestore),
        unit: 'MiB/s',
      },
    },
    ratios: {
      backupOverEtcdctl: backupRatio,
      restoreOverEtcdutl: restoreRatio,
    },
    targets: [
      {
        name: 'backup throughput vs etcdctl snapshot save',
        value: backupRatio,
        comparison: '>=',
        threshold: 0.9,
        unit: 'x',
      },
      {
        name: 'restore throughput vs etcdutl snapshot restore',
        value: restoreRatio,
        comparison: '>=',
        threshold: 0.9,
        unit: 'x',
      },
      {
        name: 'backend RSS growth during a backup',
        value: worstRss,
        comparison: '<',
        threshold: 100,
        unit: 'MiB',
      },
    ],
  };
});
