import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  StandinLog,
  StandinOperator,
  ephemeralPort,
  prng,
  useTestHub,
} from '@hostplane/local-hub';
import {
  backupObjectKeys,
  clusterBackupPrefix,
} from '@hostplane/plugin-hostplane-node';
import { CustomObjectsApi, V1Condition } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import { migrationsDirectory } from '../database/migrations';
import { HubEtcd } from '../etcd';
import { putKeys, readKeys } from '../etcd/__testUtils__/fragmentEtcd';
import { EtcdServices } from '../operations/etcdServices';
import { OPERATION_STEPS } from '../operations/plan';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import { listBackups } from './readBackup';
import { bundleWorker } from './__testUtils__/bundleWorker';
import { createEtcdEngine, recordingLogger } from './__testUtils__/etcdEngine';

// A restore in place restarts the tenant's control plane; on two busy cores the trials take minutes.
jest.setTimeout(1_800_000);

/**
 * Kill -9 trials of each kind (backup, restore in place): the issue asks for 20 each. Every trial
 * starts the engine's process at least twice, from a bundle made once, so each start loads plain
 * JavaScript.
 */
const CRASH_TRIALS = Number(process.env.HOSTPLANE_BACKUP_CRASH_TRIALS ?? 20);
const CRASH_SEED = Number(process.env.HOSTPLANE_CRASH_SEED ?? 20261208);
const CLUSTER = 'crashed';
/** Few backups to verify after each trial, enough that retention runs in every backup. */
const RETENTION = 3;
/** Data the backups hold, and data written after them that every restore must take away. */
const MARKERS = 'hostplane-test/crash/';
const BEFORE_BACKUPS = { [`${MARKERS}before`]: 'in every backup' };
/** A backup's id at the start of each of its objects' names. */
const BACKUP_ID = /^(\d{8}T\d{6}Z-[a-z0-9]{6})\./;

/** What the engine's process did: its output, with when each step started, in ms since spawn. */
interface WorkerRun {
  outcome: 'killed' | 'settled';
  steps: Array<{ step: string; at: number }>;
  settledAt?: number;
  /** The step under way when the process was killed. */
  killedIn?: string;
}

/**
 * Where an operation is killed: `afterMs` after the worker prints `event` (`STEP <step>`, or
 * `PUT`/`STORED <object>` for a write to the store), or after its first step starts when none is
 * named.
 */
interface KillPoint {
  event?: string;
  afterMs: number;
}

/**
 * Where backups are killed, in turn: in their first step before anything is stored, in each of
 * the store's writes (the snapshot's object, the saved etcd key, the metadata that marks the
 * backup complete), after the metadata, and in retention (before the operation is marked done).
 */
const BACKUP_KILL_EVENTS = [
  'STEP takeBackup',
  'PUT snapshot',
  'STORED snapshot',
  'PUT etcd-encryption-key',
  'PUT metadata',
  'STORED metadata',
  'STEP pruneBackups',
];

describe('etcd backups and restores killed with SIGKILL mid-operation', () => {
  let operator: StandinOperator;
  afterAll(async () => {
    await operator?.stop();
  });
  const context = useTestHub('backup-crash');
  const standinLog = new StandinLog();
  const logger = recordingLogger();
  const workers = new Set<ChildProcess>();
  const report: string[] = [];
  let db: Knex;
  let sqliteFile: string;
  let storeDir: string;
  let namespace: string;
  let port: number;
  let verifier: EtcdServices;
  let tenantEtcd: HubEtcd;
  let worker: { file: string; remove: () => void };

  beforeAll(async () => {
    const bundling = bundleWorker(
      path.join(__dirname, '__testUtils__', 'etcdEngineWorker.ts'),
    );
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
      log: standinLog.log,
    });
    await operator.start();
    sqliteFile = path.join(context.workdir, 'crash.sqlite');
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: sqliteFile },
      useNullAsDefault: true,
    });
    await db.migrate.latest({ directory: migrationsDirectory });
    storeDir = path.join(context.workdir, 'backups');
    port = await ephemeralPort();

    // The tenant is made by an engine in this process, which stops before the trials start theirs.
    const setup = await createEtcdEngine({
      kubeconfigPath: context.hub.kubeconfigPath,
      db,
      instanceId: 'setup',
      storeDir,
      logger,
      leaseMs: 30_000,
    });
    await setup.engine.start();
    try {
      await setup.engine.cache.whenSynced();
      const creation = await setup.engine.clusters.create(
        {
          name: CLUSTER,
          owner: 'group:default/team-backup',
          hub: 'local',
          version: 'v1.37.2',
          nodePools: [
            {
              name: 'workers',
              replicas: 1,
              vcpu: 2,
              memoryGiB: 4,
              diskGiB: 20,
            },
          ],
          etcd: { backup: { schedule: '0 0 1 1 *', retention: RETENTION } },
        },
        'user:default/alice',
        async () => {},
      );
      await standinLog.explainFailure(
        (async () => {
          await setup.engine.runner.settled(creation.id);
          const created = await setup.engine.store.get(creation.id);
          if (created.state !== 'succeeded') {
            throw new Error(
              `creating the tenant ${created.state}: ${created.error}`,
            );
          }
        })(),
      );
      const status = setup.engine.cache.get('local', CLUSTER)!;
      namespace = status.namespace;
      tenantEtcd = new HubEtcd(
        context.hub.kubeConfig(),
        setup.provider.etcdAccess(status),
      );
      // The operation ends when the hub says Available; the stand-in may still be wiring the
      // tenant's etcd pods to its processes.
      await standinLog.waitForTenant(
        "the tenant's etcd through the hub",
        async () =>
          (await putKeys(tenantEtcd, BEFORE_BACKUPS)) > 0 ? true : undefined,
      );
      verifier = setup.etcd;
    } finally {
      await setup.engine.stop();
    }
    worker = await bundling;
  }, 900_000);

  afterAll(async () => {
    workers.forEach(w => w.kill('SIGKILL'));
    worker?.remove();
    await db?.destroy();
    // eslint-disable-next-line no-console
    console.log(
      `backup crash trials (seed ${CRASH_SEED}):\n${report.join('\n')}`,
    );
  });

  const cluster = () => ({ hub: 'local', namespace, cluster: CLUSTER });

  /**
   * Runs the engine in a child process; with `killAt`, kills it (SIGKILL) at that point of the
   * operation, otherwise waits until nothing is running.
   */
  function runWorker(request?: object, killAt?: KillPoint): Promise<WorkerRun> {
    const args = [
      worker.file,
      context.hub.kubeconfigPath,
      sqliteFile,
      'engine-a',
      storeDir,
      String(port),
    ];
    if (request) args.push(JSON.stringify(request));
    const started = Date.now();
    const child = spawn(process.execPath, ['--enable-source-maps', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.add(child);
    const run: WorkerRun = { outcome: 'settled', steps: [] };
    let output = '';
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      run.killedIn = run.steps[run.steps.length - 1]?.step;
      child.kill('SIGKILL');
    };
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', chunk => (output += chunk));
      createInterface({ input: child.stdout! }).on('line', line => {
        const at = Date.now() - started;
        const step = /^STEP (\w+)$/.exec(line)?.[1];
        if (step) run.steps.push({ step, at });
        if (line === 'SETTLED') run.settledAt = at;
        if (
          killAt &&
          !killTimer &&
          (killAt.event ? line === killAt.event : step)
        ) {
          killTimer = setTimeout(kill, killAt.afterMs);
        }
      });
      child.stderr!.on('data', chunk => (output += chunk));
      // Once its output is read to the end, so that a last line is never missed.
      child.on('close', (code, signal) => {
        clearTimeout(killTimer);
        workers.delete(child);
        if (signal === 'SIGKILL') resolve({ ...run, outcome: 'killed' });
        else if (code === 0 && run.settledAt !== undefined) resolve(run);
        else {
          reject(
            new Error(
              `engine worker exited with ${code ?? signal}:\n${output.slice(
                -3000,
              )}`,
            ),
          );
        }
      });
    });
  }

  /** The store's objects of this cluster, by kind: what a killed backup left behind. */
  async function storedObjects() {
    const objects = await new DirectoryBackupStore(storeDir).list(
      clusterBackupPrefix(cluster()),
    );
    const keys = objects.map(o => o.key);
    const ids = new Set(
      keys.map(
        key =>
          BACKUP_ID.exec(key.slice(clusterBackupPrefix(cluster()).length))![1],
      ),
    );
    return [...ids].map(id => {
      const expected = backupObjectKeys({ ...cluster(), id });
      return {
        id,
        snapshot: keys.includes(expected.object),
        key: keys.includes(expected.encryptionKey),
        metadata: keys.includes(expected.metadata),
      };
    });
  }
  const describeObjects = (
    objects: Awaited<ReturnType<typeof storedObjects>>,
  ) =>
    objects
      .map(
        o =>
          [o.snapshot && 'snapshot', o.key && 'key', o.metadata && 'metadata']
            .filter(Boolean)
            .join('+') || 'nothing',
      )
      .join(', ');

  /**
   * Submits the operation and interrupts it once at `killAt`, then restarts the engine until it
   * has finished; checks it ended once, succeeded, and left the cluster unlocked.
   */
  async function trial(label: string, body: object, killAt: KillPoint) {
    const since = new Date().toISOString();
    const request = { cluster: CLUSTER, body, since };
    const before = new Set((await storedObjects()).map(o => o.id));
    const first = await runWorker(request, killAt);
    const leftByKill = (await storedObjects()).filter(o => !before.has(o.id));
    let restarts = 0;
    while ((await runWorker()).outcome !== 'settled') restarts++;
    const type = (body as { action: string }).action;
    const operations = await db('hostplane_operations')
      .where({ cluster: CLUSTER, type })
      .where('created_at', '>=', since);
    report.push(
      `${label}: kill ${killAt.afterMs} ms after ${
        killAt.event ?? 'the first step starts'
      }: ${first.outcome}${first.killedIn ? ` in ${first.killedIn}` : ''}${
        type === 'backup' ? `, left ${describeObjects(leftByKill) || '—'}` : ''
      }, restarts ${restarts}, ${operations.map(o => o.state).join(', ')}`,
    );
    expect(operations.map(o => [o.state, o.error])).toEqual([
      ['succeeded', null],
    ]);
    expect(
      await db('hostplane_cluster_locks').where({ cluster: CLUSTER }),
    ).toEqual([]);
    return first;
  }

  /**
   * Every backup the store lists as complete reads back whole (checksums and decryption) with its
   * saved etcd encryption key; no metadata is unreadable (a partial write listed).
   */
  async function expectEveryCompleteBackupVerifies() {
    const { backups, unreadable } = await listBackups(
      new DirectoryBackupStore(storeDir),
      cluster(),
    );
    expect(unreadable).toEqual([]);
    expect(backups.length).toBeGreaterThan(0);
    for (const backup of backups) {
      const ref = { ...cluster(), backupId: backup.id };
      await verifier.backups.verify(ref);
      expect(await verifier.backups.savedEncryptionKey(ref)).toEqual(
        expect.any(Object),
      );
    }
    return backups;
  }

  /** How long each step of an uninterrupted operation takes, and the whole of it. */
  async function timeOperation(body: object) {
    const since = new Date().toISOString();
    const run = await runWorker({ cluster: CLUSTER, body, since });
    const ends = [...run.steps.slice(1).map(s => s.at), run.settledAt!];
    return {
      total: run.settledAt! - run.steps[0].at,
      steps: new Map(run.steps.map((s, i) => [s.step, ends[i] - s.at])),
    };
  }

  it(`a backup converges and no partial backup is ever listed complete, in ${CRASH_TRIALS} seeded trials`, async () => {
    const random = prng(CRASH_SEED);
    const { total } = await timeOperation({ action: 'backup' });
    report.push(`backup uninterrupted: ${total} ms from its first step`);
    let killed = 0;
    for (let i = 0; i < CRASH_TRIALS; i++) {
      // Within a few milliseconds of each point: a small snapshot is written in about as long.
      const outcome = await trial(
        `backup #${i + 1}`,
        { action: 'backup' },
        {
          event: BACKUP_KILL_EVENTS[i % BACKUP_KILL_EVENTS.length],
          afterMs: Math.floor(random() * 10),
        },
      );
      if (outcome.outcome === 'killed') killed++;
      await expectEveryCompleteBackupVerifies();
    }
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(CRASH_TRIALS / 2));
  });

  it(`a restore in place converges to an Available cluster with the backup's data, in ${CRASH_TRIALS} seeded trials`, async () => {
    const random = prng(CRASH_SEED + 1);
    const steps = OPERATION_STEPS.restore;
    const restoreNewest = async () => {
      const [newest] = await expectEveryCompleteBackupVerifies();
      // Written after every backup: each restore must take it away.
      await putKeys(tenantEtcd, { [`${MARKERS}after`]: 'after the backup' });
      return {
        action: 'restore',
        backupId: newest.id,
        confirmName: CLUSTER,
      };
    };
    const expectBackupData = async () =>
      expect(
        await standinLog.waitForTenant("the restored tenant's etcd", () =>
          readKeys(tenantEtcd, MARKERS),
        ),
      ).toEqual(BEFORE_BACKUPS);
    const { steps: durations } = await timeOperation(await restoreNewest());
    await expectBackupData();
    report.push(
      `restore uninterrupted: ${steps
        .map(s => `${s} ${durations.get(s)} ms`)
        .join(', ')}`,
    );
    let killed = 0;
    for (let i = 0; i < CRASH_TRIALS; i++) {
      // Every step in turn, at a seeded point within it.
      const step = steps[i % steps.length];
      const outcome = await trial(`restore #${i + 1}`, await restoreNewest(), {
        event: `STEP ${step}`,
        afterMs: Math.floor(random() * (durations.get(step) ?? 1_000)),
      });
      if (outcome.outcome === 'killed') killed++;
      await expectBackupData();
    }
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(CRASH_TRIALS / 2));
    expect(
      await db('hostplane_operations')
        .where({ cluster: CLUSTER })
        .whereNot({ state: 'succeeded' }),
    ).toEqual([]);
    const hostedCluster = (await context.hub
      .kubeConfig()
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'hypershift.openshift.io',
        version: 'v1beta1',
        namespace,
        plural: 'hostedclusters',
        name: CLUSTER,
      })) as { status?: { conditions?: V1Condition[] } };
    expect(
      hostedCluster.status?.conditions?.find(c => c.type === 'Available'),
    ).toMatchObject({ status: 'True' });
  });
});
