import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { StandinLog, StandinOperator, useTestHub } from '@hostplane/local-hub';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';
import { migrationsDirectory } from '../database/migrations';
import { Engine } from '../engine';
import { SYSTEM_USER } from '../service/ClusterService';
import { BackupSlotRow } from './BackupScheduler';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import { listBackups } from './readBackup';
import { ScheduledBackup, latestDueBackup, nextBackupAt } from './schedule';
import { createEtcdEngine, recordingLogger } from './__testUtils__/etcdEngine';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

jest.setTimeout(900_000);

/**
 * The schedulers' clock runs this many times faster than time: a minutely schedule fires every
 * few seconds. Backups, operations and their records keep real time.
 */
const SCALE = 6;
const SCHEDULE = '* * * * *';
const RETENTION = 2;
const CLUSTER = 'scheduled';
/** How late, in real time, a slot's backup may be submitted and still count as on time. */
const ON_TIME_MS = 3_000;

describe('scheduled backups of a real tenant', () => {
  let operator: StandinOperator;
  const running: Engine[] = [];
  // Declared before the hub's own teardown, so these stop before the hub goes.
  afterAll(async () => {
    await Promise.all(running.map(engine => engine.stop()));
    await operator?.stop();
  });
  const context = useTestHub('backup-schedule');
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const standinLog = new StandinLog();
  const logger = recordingLogger();
  let db: Knex;
  let storeDir: string;
  let namespace: string;
  let origin: number;
  const clock = () => origin + (Date.now() - origin) * SCALE;
  const realTimeOf = (virtual: number) => origin + (virtual - origin) / SCALE;

  const engine = async (instanceId: string, scheduled: boolean) => {
    const { engine: created } = await createEtcdEngine({
      kubeconfigPath: context.hub.kubeconfigPath,
      db,
      instanceId,
      storeDir,
      logger,
      // As deployed: renewals on a busy machine must not lapse.
      leaseMs: 30_000,
      automation: scheduled
        ? {
            schedule: {
              busyRetryMs: 1_000 * SCALE,
              deletedClusterGraceMs: 24 * 60 * 60 * 1000,
            },
            defragmentation: {
              enabled: false,
              fragmentationThreshold: 0.45,
              minDbSizeBytes: 100 * 1024 * 1024,
              intervalMs: 600_000,
              maxConcurrent: 1,
            },
            clock,
            tickMs: 100,
            slotLeaseMs: 5_000 * SCALE,
          }
        : undefined,
    });
    await created.start();
    running.push(created);
    return created;
  };
  const stop = async (stopped: Engine) => {
    await stopped.stop();
    running.splice(running.indexOf(stopped), 1);
  };
  /**
   * Stops a backend the way a deploy does, in two parts: its schedule first, then, once what it
   * submitted has finished, the rest.
   */
  const stopScheduled = async (...engines: Engine[]) => {
    await Promise.all(engines.map(e => e.automation!.stop()));
    const stoppedAt = clock();
    await waitFor(
      'the backups under way to finish',
      async () =>
        (
          await db('hostplane_operations').where({
            cluster: CLUSTER,
            state: 'running',
          })
        ).length === 0 || undefined,
      { timeoutMs: 180_000 },
    );
    await Promise.all(engines.map(stop));
    return stoppedAt;
  };

  beforeAll(async () => {
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
      log: standinLog.log,
    });
    await operator.start();
    db = await databases.init('POSTGRES_15');
    await db.migrate.latest({ directory: migrationsDirectory });
    storeDir = path.join(context.workdir, 'backups');

    // Made by an engine without the schedule, which then stops: the schedule starts afterwards.
    const setup = await engine('setup', false);
    await setup.cache.whenSynced();
    const creation = await setup.clusters.create(
      {
        name: CLUSTER,
        owner: 'group:default/team-backup',
        hub: 'local',
        version: 'v1.37.2',
        nodePools: [
          { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
        ],
        etcd: { backup: { schedule: SCHEDULE, retention: RETENTION } },
      },
      'user:default/alice',
      async () => {},
    );
    await standinLog.explainFailure(
      (async () => {
        await setup.runner.settled(creation.id);
        const created = await setup.store.get(creation.id);
        if (created.state !== 'succeeded') {
          throw new Error(
            `creating the tenant ${created.state}: ${created.error}`,
          );
        }
      })(),
    );
    const status = setup.cache.get('local', CLUSTER)!;
    namespace = status.namespace;
    // The operation ends when the hub says Available; the stand-in may still be wiring the
    // tenant's etcd pods to its processes.
    const { etcd, hubs, provider } = await createEtcdEngine({
      kubeconfigPath: context.hub.kubeconfigPath,
      db,
      instanceId: 'probe',
      storeDir,
      logger,
      leaseMs: 30_000,
    });
    await standinLog.waitForTenant(
      "the tenant's etcd through the hub",
      async () =>
        (
          await etcd.etcd(hubs[0], provider.etcdAccess(status)).members()
        ).every(m => m.reachable)
          ? true
          : undefined,
    );
    await stop(setup);
    origin = Date.now();
  }, 600_000);

  const key = `local/${CLUSTER}`;
  const slotRows = async (): Promise<BackupSlotRow[]> =>
    db('hostplane_backup_slots').where({ cluster: CLUSTER }).orderBy('slot');
  /** The slots that fire in (from, to], in the schedulers' clock. */
  const firingsBetween = (from: number, to: number): ScheduledBackup[] => {
    const firings: ScheduledBackup[] = [];
    for (
      let next = nextBackupAt(SCHEDULE, key, new Date(from));
      next && next.at.getTime() <= to;
      next = nextBackupAt(SCHEDULE, key, next.at)
    ) {
      firings.push(next);
    }
    return firings;
  };
  const waitUntilVirtual = (time: number) =>
    new Promise(resolve =>
      setTimeout(resolve, Math.max(0, realTimeOf(time) - Date.now())),
    );
  /**
   * Waits, while the schedule runs, until the slots that fire by `until` are taken (submitted)
   * and the backups they submitted have finished.
   */
  const takenUntil = (until: number) =>
    waitFor(
      'the scheduled backups to be taken',
      async () => {
        // A round or two past `until`, so that a slot firing just before it has been claimed.
        if (clock() < until + 2_000 * SCALE) return undefined;
        const rows = await slotRows();
        const due = rows.filter(r => Date.parse(r.slot) <= until);
        if (due.some(r => r.state === 'pending')) return undefined;
        const operations = await db('hostplane_operations').whereIn(
          'id',
          due.map(r => r.operation_id!).filter(Boolean),
        );
        return operations.every(o => o.state !== 'running') ? rows : undefined;
      },
      { timeoutMs: 180_000 },
    );
  const backupOperations = () =>
    db('hostplane_operations')
      .where({ cluster: CLUSTER, type: 'backup' })
      .orderBy('created_at');
  const storedBackups = async () =>
    (
      await listBackups(new DirectoryBackupStore(storeDir), {
        hub: 'local',
        namespace,
        cluster: CLUSTER,
      })
    ).backups;
  /** The slot rows of these firings, each checked: taken on time, its backup made and kept. */
  const expectTakenOnTime = async (
    rows: BackupSlotRow[],
    firings: ScheduledBackup[],
  ) => {
    for (const firing of firings) {
      const row = rows.find(r => r.slot === firing.slot.toISOString());
      expect(row).toMatchObject({ state: 'submitted' });
      // Claimed in the round after its firing, give or take a busy machine.
      expect(
        realTimeOf(Date.parse(row!.claimed_at)) -
          realTimeOf(firing.at.getTime()),
      ).toBeLessThan(ON_TIME_MS);
      const operation = await db('hostplane_operations')
        .where({ id: row!.operation_id })
        .first();
      expect([operation.state, operation.created_by, operation.error]).toEqual([
        'succeeded',
        SYSTEM_USER,
        null,
      ]);
    }
  };
  /** Nothing doubled: one backup operation per taken slot, and no other. */
  const expectOneOperationPerSlot = async () => {
    const rows = await slotRows();
    const operations = await backupOperations();
    expect(operations.map(o => o.id).sort()).toEqual(
      rows
        .map(r => r.operation_id)
        .filter(Boolean)
        .sort(),
    );
  };

  let stoppedAt: number;

  it('backs up at every slot of a minutely schedule, on time, and keeps exactly the retention', async () => {
    const start = clock();
    const scheduled = await engine('backend-a', true);
    const end = start + 4 * 60_000;
    const rows = await takenUntil(end);
    stoppedAt = await stopScheduled(scheduled);

    const expected = firingsBetween(start, end);
    expect(expected).toHaveLength(4);
    await expectTakenOnTime(rows, expected);
    await expectOneOperationPerSlot();
    // Retention runs with each backup: the newest `retention` stay, taken on the schedule.
    const backups = await storedBackups();
    expect(backups).toHaveLength(RETENTION);
    expect(backups.map(b => [b.trigger, b.requestedBy])).toEqual(
      backups.map(() => ['schedule', SYSTEM_USER]),
    );
  });

  it('after a restart takes the slot missed while down, once, and misses nothing after', async () => {
    // At least two slots fire while no backend runs.
    const missedFirings = firingsBetween(stoppedAt, stoppedAt + 2 * 60_000);
    await waitUntilVirtual(
      missedFirings[missedFirings.length - 1].at.getTime(),
    );
    const before = (await slotRows()).map(r => r.slot);
    const restart = clock();
    const restarted = await engine('backend-a', true);
    const end = restart + 3 * 60_000;
    const rows = await takenUntil(end);
    stoppedAt = await stopScheduled(restarted);

    const latestMissed = latestDueBackup(SCHEDULE, key, new Date(restart))!;
    const after = firingsBetween(restart, end);
    const taken = rows.map(r => r.slot).filter(slot => !before.includes(slot));
    // The latest slot missed, then every one after; the ones missed before it are not taken.
    expect(taken.slice(0, after.length + 1)).toEqual([
      latestMissed.slot.toISOString(),
      ...after.map(f => f.slot.toISOString()),
    ]);
    const skipped = firingsBetween(stoppedAt, restart)
      .map(f => f.slot.toISOString())
      .filter(slot => slot !== latestMissed.slot.toISOString());
    expect(taken.filter(slot => skipped.includes(slot))).toEqual([]);
    await expectTakenOnTime(rows, after);
    await expectOneOperationPerSlot();
    expect(await storedBackups()).toHaveLength(RETENTION);
  });

  it('two backends on one database take each slot once', async () => {
    const before = (await slotRows()).map(r => r.slot);
    const start = clock();
    const replicas = await Promise.all([
      engine('backend-b', true),
      engine('backend-c', true),
    ]);
    const end = start + 4 * 60_000;
    const rows = await takenUntil(end);
    stoppedAt = await stopScheduled(...replicas);

    const expected = firingsBetween(start, end);
    await expectTakenOnTime(rows, expected);
    // Each slot has one row (its key), whichever replica's insert won it, and one operation.
    const taken = rows.filter(r => !before.includes(r.slot));
    expect(
      taken.every(r => ['backend-b', 'backend-c'].includes(r.holder)),
    ).toBe(true);
    await expectOneOperationPerSlot();
    expect(await storedBackups()).toHaveLength(RETENTION);
  });
});
