import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { clusterSpecSchema } from '@hostplane/plugin-hostplane-common';
import { migrationsDirectory } from './migrations';
import { LeaseLostError, OperationStore } from './OperationStore';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const spec = clusterSpecSchema.parse({
  name: 'payments',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
  ],
});

const newOperation = (cluster = 'payments') => ({
  hub: 'local',
  cluster,
  type: 'create' as const,
  input: { name: cluster },
  plan: { namespace: 'tenants-team-a', spec, hibernated: false },
  steps: ['ensureNamespace' as const, 'applyControlPlane' as const],
  createdBy: 'user:default/alice',
});

describe.each(databases.eachSupportedId())(
  'OperationStore on %p',
  databaseId => {
    let store: OperationStore;
    let other: OperationStore;
    // One clock for both instances, moved by the tests instead of waiting for leases to lapse; it
    // ticks a millisecond per reading so that operations started one after another sort in order.
    let time = Date.parse('2026-11-23T10:00:00Z');
    const clock = () => ++time;
    const LEASE_MS = 30_000;
    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory });
      store = new OperationStore(knex, {
        holder: 'instance-a',
        leaseMs: LEASE_MS,
        clock,
      });
      other = new OperationStore(knex, {
        holder: 'instance-b',
        leaseMs: LEASE_MS,
        clock,
      });
    });

    it('runs one operation per cluster; a second is refused naming the first', async () => {
      const first = await store.start(newOperation());
      expect(first).toMatchObject({
        state: 'running',
        progress: 0,
        createdBy: 'user:default/alice',
        steps: [
          {
            name: 'ensureNamespace',
            state: 'pending',
            attempts: 0,
            title: 'Create the namespace',
          },
          { name: 'applyControlPlane', state: 'pending' },
        ],
      });
      const second = store.start(newOperation());
      await expect(second).rejects.toThrow(ConflictError);
      await expect(second).rejects.toThrow(
        `create ${first.id}, started by user:default/alice`,
      );
      await expect(store.start(newOperation('other'))).resolves.toMatchObject({
        cluster: 'other',
      });

      await store.finish(
        first.id,
        'succeeded',
        first.steps.map(s => ({ ...s, state: 'succeeded' })),
      );
      expect(await store.get(first.id)).toMatchObject({
        state: 'succeeded',
        progress: 1,
        finishedAt: expect.any(String),
      });
      await expect(store.start(newOperation())).resolves.toMatchObject({
        state: 'running',
      });
    });

    it('keeps a failed step and its error; a retry takes the lock again', async () => {
      const operation = await store.start(newOperation('retried'));
      const steps = operation.steps.map((s, i) =>
        i === 0
          ? { ...s, state: 'succeeded' as const }
          : { ...s, state: 'failed' as const, message: 'conflict' },
      );
      await store.finish(
        operation.id,
        'failed',
        steps,
        'Apply the hosted control plane: conflict',
      );
      expect(await store.get(operation.id)).toMatchObject({
        state: 'failed',
        error: 'Apply the hosted control plane: conflict',
        progress: 0.5,
      });
      expect((await store.running()).map(o => o.id)).not.toContain(
        operation.id,
      );

      const retried = await store.retry(operation.id);
      expect(retried).toMatchObject({
        state: 'running',
        steps: [
          { state: 'succeeded' },
          { state: 'pending', message: 'conflict' },
        ],
      });
      expect(retried.error).toBeUndefined();
      await expect(store.retry(operation.id)).rejects.toThrow(
        'only a failed operation can be retried',
      );
      await expect(store.start(newOperation('retried'))).rejects.toThrow(
        ConflictError,
      );
      expect((await store.running()).map(o => o.id)).toContain(operation.id);
    });

    it('lists a cluster’s operations newest first, paged', async () => {
      const page = await store.list({
        hub: 'local',
        cluster: 'payments',
        offset: 0,
        limit: 1,
      });
      expect(page.totalCount).toBe(2);
      expect(page.items).toHaveLength(1);
      expect(page.items[0].state).toBe('running');
    });

    it('leaves a running operation to its holder while the lease lasts, then to another instance', async () => {
      const operation = await store.start(newOperation('leased'));
      expect((await other.claim()).map(o => o.id)).not.toContain(operation.id);

      // The holder renews; time passes, but never past the lease.
      time += LEASE_MS - 1_000;
      expect(await store.renew([operation.id])).toEqual([operation.id]);
      time += LEASE_MS - 1_000;
      expect((await other.claim()).map(o => o.id)).not.toContain(operation.id);

      // The holder stops renewing (it died): once the lease lapses the other instance takes it,
      // exactly once.
      time += LEASE_MS;
      expect((await other.claim()).map(o => o.id)).toContain(operation.id);
      expect((await other.claim()).map(o => o.id)).toContain(operation.id);
      expect((await store.claim()).map(o => o.id)).not.toContain(operation.id);

      // The old holder, if it was only slow, finds out and can no longer write or finish.
      expect(await store.renew([operation.id])).toEqual([]);
      await expect(
        store.updateSteps(operation.id, operation.steps),
      ).rejects.toThrow(LeaseLostError);
      await expect(
        store.finish(operation.id, 'succeeded', operation.steps),
      ).rejects.toThrow(LeaseLostError);
      expect(await store.get(operation.id)).toMatchObject({ state: 'running' });

      await other.updateSteps(
        operation.id,
        operation.steps.map(s => ({ ...s, state: 'succeeded' as const })),
      );
      await other.finish(
        operation.id,
        'succeeded',
        operation.steps.map(s => ({ ...s, state: 'succeeded' as const })),
      );
      expect(await store.get(operation.id)).toMatchObject({
        state: 'succeeded',
      });
      await expect(store.start(newOperation('leased'))).resolves.toMatchObject({
        state: 'running',
      });
    });

    it('gives an instance its own operations back at once after a restart, and a released one to anyone', async () => {
      const mine = await store.start(newOperation('restarted'));
      const released = await store.start(newOperation('released'));
      expect((await other.claim()).map(o => o.id)).not.toContain(mine.id);
      expect((await store.claim()).map(o => o.id)).toEqual(
        expect.arrayContaining([mine.id, released.id]),
      );

      await store.release([released.id]);
      const taken = (await other.claim()).map(o => o.id);
      expect(taken).toContain(released.id);
      expect(taken).not.toContain(mine.id);
    });
  },
);
