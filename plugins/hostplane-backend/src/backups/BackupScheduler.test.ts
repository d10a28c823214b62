import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  ClusterStatus,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { Knex } from 'knex';
import { migrationsDirectory } from '../database/migrations';
import { OperationStore } from '../database/OperationStore';
import { SYSTEM_USER } from '../service/ClusterService';
import {
  BackupScheduler,
  BackupSlotRow,
  SubmitSystemChange,
} from './BackupScheduler';
import { firingOf, nextBackupAt } from './schedule';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

// Hours of fake time, a round per fake second, take seconds of queries on PostgreSQL.
jest.setTimeout(60_000);

const MINUTE = 60_000;
const LEASE_MS = 30_000;
const BUSY_RETRY_MS = 10_000;

function clusterStatus(
  name: string,
  schedule: string,
  extra: Partial<ClusterStatus> = {},
): ClusterStatus {
  const spec = clusterSpecSchema.parse({
    name,
    owner: 'group:default/team-a',
    hub: 'local',
    version: 'v1.37.2',
    nodePools: [
      { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
    etcd: { backup: { schedule, retention: 3 } },
  });
  return {
    hub: 'local',
    name,
    namespace: 'tenants-team-a',
    owner: spec.owner,
    phase: 'Ready',
    nodePools: [],
    conditions: [],
    deletionProtection: false,
    labels: {},
    // Made after the latest slot of the tests' schedules before they start (10:00).
    createdAt: '2026-03-02T09:58:30Z',
    spec,
    ...extra,
  };
}

/** The cluster cache as the scheduler reads it: one listed hub whose clusters a test sets. */
class FakeClusters {
  readonly byName = new Map<string, ClusterStatus>();
  set(...statuses: ClusterStatus[]) {
    this.byName.clear();
    statuses.forEach(s => this.byName.set(s.name, s));
  }
  hub() {
    return {
      listed: () => true,
      statuses: () => this.byName.values(),
      findByName: (name: string) => this.byName.get(name),
    };
  }
}

describe.each(databases.eachSupportedId())(
  'BackupScheduler on %p',
  databaseId => {
    let knex: Knex;
    let time: number;
    const clock = () => time;
    let clusters: FakeClusters;
    let submitted: Array<{ cluster: string; id: string; at: number }>;
    let refuseWith: Error | undefined;
    let store: OperationStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory });
      time = Date.parse('2026-03-02T10:00:00Z');
      clusters = new FakeClusters();
      submitted = [];
      refuseWith = undefined;
      store = new OperationStore(knex, {
        holder: 'engine',
        leaseMs: LEASE_MS,
        clock,
      });
    });

    /**
     * Submitting as the engine does: a backup operation stored under the cluster's lock (refused
     * with a conflict while another operation holds it). Tests finish it by hand.
     */
    const submit: SubmitSystemChange = async (hub, cluster, change) => {
      if (refuseWith) throw refuseWith;
      const status = clusters.byName.get(cluster)!;
      const operation = await store.start({
        hub,
        cluster,
        type: change.action,
        input: change,
        plan: {
          namespace: status.namespace,
          spec: status.spec!,
          hibernated: false,
        },
        steps: [],
        createdBy: SYSTEM_USER,
      });
      submitted.push({ cluster, id: operation.id, at: time });
      return operation;
    };

    const scheduler = (
      instanceId = 'backend-a',
      overrides: { submit?: SubmitSystemChange } = {},
    ) =>
      new BackupScheduler({
        db: knex,
        clusters,
        hubs: ['local'],
        submit: overrides.submit ?? submit,
        operations: store,
        logger: mockServices.logger.mock(),
        instanceId,
        leaseMs: LEASE_MS,
        busyRetryMs: BUSY_RETRY_MS,
        clock,
      });

    const finishAll = async () => {
      for (const operation of await store.running()) {
        await store.finish(operation.id, 'succeeded', []);
      }
    };

    const rows = async (): Promise<BackupSlotRow[]> =>
      knex('hostplane_backup_slots').orderBy(['cluster', 'slot']);

    /** Runs the schedulers' rounds every `stepMs` of fake time until `until`. */
    const runUntil = async (
      schedulers: BackupScheduler[],
      until: number,
      stepMs = 1_000,
    ) => {
      while (time < until) {
        time = Math.min(until, time + stepMs);
        await Promise.all(schedulers.map(s => s.tick()));
        await finishAll();
      }
    };

    it('submits one backup per slot, when its jittered firing comes and not before', async () => {
      clusters.set(clusterStatus('payments', '*/2 * * * *'));
      const a = scheduler();
      await a.init();
      const start = time;
      await runUntil([a], start + 8 * MINUTE);

      const key = 'local/payments';
      const expected: number[] = [];
      for (
        let next = nextBackupAt('*/2 * * * *', key, new Date(start));
        next && next.at.getTime() <= time;
        next = nextBackupAt('*/2 * * * *', key, next.at)
      ) {
        expected.push(next.at.getTime());
      }
      expect(expected).toHaveLength(4);
      // Each within the round after its firing (rounds are a second apart here).
      expect(submitted.map(s => s.at)).toEqual(
        expected.map(at => Math.ceil(at / 1000) * 1000),
      );
      expect((await rows()).map(r => [r.slot, r.state])).toEqual([
        ['2026-03-02T10:00:00.000Z', 'submitted'],
        ['2026-03-02T10:02:00.000Z', 'submitted'],
        ['2026-03-02T10:04:00.000Z', 'submitted'],
        ['2026-03-02T10:06:00.000Z', 'submitted'],
      ]);
      expect((await rows()).map(r => r.operation_id)).toEqual(
        submitted.map(s => s.id),
      );
    });

    it('retries a busy cluster shortly instead of skipping its slot', async () => {
      clusters.set(clusterStatus('payments', '0 * * * *'));
      const upgrade = await store.start({
        hub: 'local',
        cluster: 'payments',
        type: 'upgrade',
        input: {},
        plan: {
          namespace: 'tenants-team-a',
          spec: clusterStatus('payments', '0 * * * *').spec!,
          hibernated: false,
        },
        steps: [],
        createdBy: 'user:default/alice',
      });
      const a = scheduler();
      await a.init();
      await a.tick();
      const firing = firingOf(
        '0 * * * *',
        'local/payments',
        new Date('2026-03-02T11:00:00Z'),
      );
      time = firing.at.getTime();
      await a.tick();
      expect(submitted).toEqual([]);
      expect(await rows()).toEqual([
        expect.objectContaining({
          state: 'pending',
          attempts: 0,
          error: 'the cluster has another operation running',
          next_attempt_at: new Date(time + BUSY_RETRY_MS).toISOString(),
        }),
      ]);
      time += BUSY_RETRY_MS - 1;
      await a.tick();
      expect(submitted).toEqual([]);
      await store.finish(upgrade.id, 'succeeded', []);
      time += 1;
      await a.tick();
      expect(submitted.map(s => s.at)).toEqual([time]);
      expect(await rows()).toEqual([
        expect.objectContaining({
          slot: '2026-03-02T11:00:00.000Z',
          state: 'submitted',
          operation_id: submitted[0].id,
          error: null,
        }),
      ]);
    });

    it('lets the next slot take over a slot that stayed busy until then', async () => {
      clusters.set(clusterStatus('payments', '*/2 * * * *'));
      await store.start({
        hub: 'local',
        cluster: 'payments',
        type: 'upgrade',
        input: {},
        plan: {
          namespace: 'tenants-team-a',
          spec: clusterStatus('payments', '*/2 * * * *').spec!,
          hibernated: false,
        },
        steps: [],
        createdBy: 'user:default/alice',
      });
      const a = scheduler();
      await a.init();
      await a.tick();
      time = Date.parse('2026-03-02T10:03:00Z');
      await a.tick();
      time = Date.parse('2026-03-02T10:05:00Z');
      await a.tick();
      await finishAll();
      time += BUSY_RETRY_MS;
      await a.tick();
      expect(
        (await rows()).map(r => [r.slot, r.state, r.operation_id]),
      ).toEqual([
        ['2026-03-02T10:02:00.000Z', 'superseded', null],
        ['2026-03-02T10:04:00.000Z', 'submitted', submitted[0].id],
      ]);
      expect(submitted).toHaveLength(1);
    });

    it('after a restart takes the latest missed slot once, and nothing twice', async () => {
      clusters.set(clusterStatus('payments', '*/10 * * * *'));
      const before = scheduler();
      await before.init();
      await runUntil([before], Date.parse('2026-03-02T10:15:00Z'), 5_000);
      expect(submitted).toHaveLength(2);

      // Down from 10:15 to 10:47: the 10:20, 10:30 and 10:40 slots fire while nobody runs.
      time = Date.parse('2026-03-02T10:47:00Z');
      const after = scheduler();
      await after.init();
      await after.tick();
      await runUntil([after], time + 5 * MINUTE);
      expect((await rows()).map(r => r.slot)).toEqual([
        '2026-03-02T10:00:00.000Z',
        '2026-03-02T10:10:00.000Z',
        '2026-03-02T10:40:00.000Z',
      ]);
      expect(submitted).toHaveLength(3);
      // Taken within the slot's own jitter from the start, not at once with every other cluster.
      const jitter = firingOf(
        '*/10 * * * *',
        'local/payments',
        new Date(0),
      ).at.getTime();
      expect(submitted[2].at).toBe(
        Math.ceil((Date.parse('2026-03-02T10:47:00Z') + jitter) / 1000) * 1000,
      );

      // Restarted again at once: nothing is taken again, and the next slot (10:50) comes on time.
      const again = scheduler();
      await again.init();
      await runUntil([again], Date.parse('2026-03-02T10:56:00Z'));
      expect((await rows()).map(r => r.slot)).toEqual([
        '2026-03-02T10:00:00.000Z',
        '2026-03-02T10:10:00.000Z',
        '2026-03-02T10:40:00.000Z',
        '2026-03-02T10:50:00.000Z',
      ]);
      expect(submitted).toHaveLength(4);
      expect(submitted[3].at).toBe(
        Math.ceil((Date.parse('2026-03-02T10:50:00Z') + jitter) / 1000) * 1000,
      );
    });

    it('takes a missed slot only if the cluster existed then', async () => {
      clusters.set(
        clusterStatus('payments', '0 */2 * * *', {
          createdAt: '2026-03-02T08:30:00Z',
        }),
        clusterStatus('billing', '0 */2 * * *', {
          createdAt: '2026-03-02T07:30:00Z',
        }),
      );
      time = Date.parse('2026-03-02T09:00:00Z');
      const a = scheduler();
      await a.init();
      await runUntil([a], time + 6 * MINUTE);
      expect(submitted.map(s => s.cluster)).toEqual(['billing']);
      expect((await rows()).map(r => [r.cluster, r.slot])).toEqual([
        ['billing', '2026-03-02T08:00:00.000Z'],
      ]);
    });

    it('two instances on one database take each slot once', async () => {
      clusters.set(
        ...Array.from({ length: 20 }, (_, i) =>
          clusterStatus(`cluster-${i}`, '*/3 * * * *'),
        ),
      );
      const a = scheduler('backend-a');
      const b = scheduler('backend-b');
      await Promise.all([a.init(), b.init()]);
      await runUntil([a, b], time + 9 * MINUTE, 2_000);
      const all = await rows();
      expect(all).toHaveLength(20 * 3);
      expect(all.every(r => r.state === 'submitted')).toBe(true);
      expect(new Set(all.map(r => r.operation_id)).size).toBe(60);
      expect(submitted).toHaveLength(60);
      // Both did some of the work.
      expect(new Set(all.map(r => r.holder))).toEqual(
        new Set(['backend-a', 'backend-b']),
      );
    });

    it('finds the operation an instance submitted before it died, instead of submitting again', async () => {
      clusters.set(clusterStatus('payments', '0 * * * *'));
      // Instance A submits, then dies before it records the operation.
      const a = scheduler('backend-a', {
        submit: async (...args) => {
          await submit(...args);
          throw new Error('the process died here');
        },
      });
      await a.init();
      await a.tick();
      time = Date.parse('2026-03-02T11:05:00Z');
      await a.tick();
      expect(submitted).toHaveLength(1);
      expect((await rows())[0]).toMatchObject({
        state: 'pending',
        holder: 'backend-a',
        attempts: 1,
      });

      // B takes the slot over once A's lease has run out, and records A's operation as its own.
      const b = scheduler('backend-b');
      await b.init();
      time += BUSY_RETRY_MS + LEASE_MS + 1;
      await b.tick();
      expect(submitted).toHaveLength(1);
      expect(await rows()).toEqual([
        expect.objectContaining({
          state: 'submitted',
          holder: 'backend-b',
          operation_id: submitted[0].id,
        }),
      ]);
    });

    it('records a refusal and does not try that slot again', async () => {
      clusters.set(clusterStatus('payments', '0 * * * *'));
      refuseWith = new InputError('etcd backups are not supported here');
      const a = scheduler();
      await a.init();
      await a.tick();
      time = Date.parse('2026-03-02T11:05:00Z');
      await a.tick();
      time += BUSY_RETRY_MS * 3;
      await a.tick();
      expect(await rows()).toEqual([
        expect.objectContaining({
          state: 'refused',
          attempts: 1,
          error: 'etcd backups are not supported here',
        }),
      ]);
    });

    it('leaves clusters being deleted and clusters made outside Hostplane alone', async () => {
      clusters.set(
        clusterStatus('leaving', '* * * * *', { phase: 'Deleting' }),
        { ...clusterStatus('foreign', '* * * * *'), spec: undefined },
      );
      const a = scheduler();
      await a.init();
      await runUntil([a], time + 5 * MINUTE);
      expect(submitted).toEqual([]);
    });
  },
);
