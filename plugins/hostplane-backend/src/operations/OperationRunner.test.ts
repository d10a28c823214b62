import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { clusterSpecSchema } from '@hostplane/plugin-hostplane-common';
import { HypershiftKubevirtProvider } from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import { migrationsDirectory } from '../database/migrations';
import { OperationStore, StoredOperation } from '../database/OperationStore';
import { OperationRunner } from './OperationRunner';
import { Step, StepContext, StepName } from './steps';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const LEASE_MS = 30_000;
const WAIT_TIMEOUT_MS = 60_000;

const spec = clusterSpecSchema.parse({
  name: 'payments',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
  ],
});

const STEP_NAMES: StepName[] = [
  'applyControlPlane',
  'waitControlPlane',
  'applyNodePools',
];

/** A hub the runner makes clients for; the fake steps never use them, so nothing connects. */
function hubKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'local', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'hostplane' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'hostplane' }],
    currentContext: 'local',
  });
  return kubeConfig;
}

/** Stands in for the watch-backed cache: listed at once; the fake steps read nothing from it. */
const cache = {
  hub: () => ({ whenListed: async () => {} }),
} as unknown as ClusterCache;

/** A step that records the contexts it ran with and does what `run` says (`call` counts from 1). */
function fakeStep(
  run: (context: StepContext, call: number) => Promise<void> = async () => {},
) {
  const contexts: StepContext[] = [];
  const step: Step = {
    title: 'fake',
    run: async context => {
      contexts.push(context);
      await run(context, contexts.length);
    },
  };
  return { step, contexts };
}

/** Resolves when the step's signal aborts, rejecting as a step cut off by an abort would. */
const untilAborted = (context: StepContext) =>
  new Promise<void>((_resolve, reject) => {
    context.signal.addEventListener('abort', () =>
      reject(new Error('aborted')),
    );
  });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('OperationRunner', () => {
  // One lease clock for both instances, moved by the tests instead of waiting for leases to lapse.
  let time = Date.parse('2026-11-23T10:00:00Z');
  const clock = () => ++time;
  let store: OperationStore;
  let other: OperationStore;
  let runners: OperationRunner[];
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
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
    runners = [];
    logger = mockServices.logger.mock();
  });

  afterEach(async () => {
    await Promise.all(runners.map(started => started.stop()));
  });

  function runner(steps: Partial<Record<StepName, Step>>): OperationRunner {
    const provider = new HypershiftKubevirtProvider();
    const created = new OperationRunner({
      store,
      cache,
      hubs: [
        {
          name: 'local',
          provider: provider.id,
          releases: LOCAL_HUB_RELEASES,
          kubeConfig: hubKubeConfig,
        },
      ],
      providers: new Map([[provider.id, provider]]),
      logger,
      waitTimeoutMs: WAIT_TIMEOUT_MS,
      leaseMs: LEASE_MS,
      transientRetryPolicy: { retries: 2, initialDelayMs: 1, maxDelayMs: 1 },
      steps: steps as Record<string, Step>,
    });
    runners.push(created);
    return created;
  }

  const newOperation = () => ({
    hub: 'local',
    cluster: spec.name,
    type: 'upgrade' as const,
    input: { action: 'upgrade', version: 'v1.37.2' },
    plan: { namespace: 'tenants-team-a', spec, hibernated: false },
    steps: STEP_NAMES,
    createdBy: 'user:default/alice',
  });

  async function submitAndSettle(
    operationRunner: OperationRunner,
  ): Promise<StoredOperation> {
    const { id } = await operationRunner.submit(newOperation());
    await operationRunner.settled(id);
    return store.get(id);
  }

  it('persists each step as running before it runs and as succeeded after', async () => {
    const seen: StoredOperation[] = [];
    let id = '';
    const first = fakeStep(async () => {
      seen.push(await store.get(id));
    });
    const second = fakeStep(async () => {
      seen.push(await store.get(id));
    });
    const operationRunner = runner({
      applyControlPlane: first.step,
      waitControlPlane: second.step,
      applyNodePools: fakeStep().step,
    });
    ({ id } = await operationRunner.submit(newOperation()));
    await operationRunner.settled(id);

    expect(seen[0].steps.map(s => [s.name, s.state, s.attempts])).toEqual([
      ['applyControlPlane', 'running', 1],
      ['waitControlPlane', 'pending', 0],
      ['applyNodePools', 'pending', 0],
    ]);
    expect(seen[0].steps[0].startedAt).toBeDefined();
    expect(seen[1].steps.map(s => s.state)).toEqual([
      'succeeded',
      'running',
      'pending',
    ]);
    expect(seen[1].progress).toBeCloseTo(1 / 3);

    const done = await store.get(id);
    expect(done).toMatchObject({ state: 'succeeded', progress: 1 });
    expect(done.error).toBeUndefined();
    for (const step of done.steps) {
      expect(step).toMatchObject({ state: 'succeeded', attempts: 1 });
      expect(step.finishedAt).toBeDefined();
      expect(step.message).toBeUndefined();
    }
    // The cluster's lock went with the operation's end.
    await expect(
      store.refuseIfBusy('local', spec.name),
    ).resolves.toBeUndefined();
  });

  it('resumes an operation at the step under way, skipping those that succeeded', async () => {
    const started = await store.start(newOperation());
    // Killed during its second step: the first succeeded, the second was under way.
    const [first, second, third] = started.steps;
    await store.updateSteps(started.id, [
      { ...first, state: 'succeeded', attempts: 1 },
      { ...second, state: 'running', attempts: 1 },
      third,
    ]);
    const [ran1, ran2, ran3] = [fakeStep(), fakeStep(), fakeStep()];
    const operationRunner = runner({
      applyControlPlane: ran1.step,
      waitControlPlane: ran2.step,
      applyNodePools: ran3.step,
    });

    await expect(operationRunner.resume()).resolves.toBe(1);
    await operationRunner.settled(started.id);

    expect(ran1.contexts).toHaveLength(0);
    expect(ran2.contexts).toHaveLength(1);
    expect(ran3.contexts).toHaveLength(1);
    const done = await store.get(started.id);
    expect(done.state).toBe('succeeded');
    expect(done.steps.map(s => s.attempts)).toEqual([1, 2, 1]);
  });

  it("records a failed step's message and the operation's error, and runs no further step", async () => {
    const conflict = new ApiException(
      409,
      'Conflict',
      JSON.stringify({
        kind: 'Status',
        message: 'Apply failed with 1 conflict: conflict with "kubectl"',
      }),
      {},
    );
    const last = fakeStep();
    const operation = await submitAndSettle(
      runner({
        applyControlPlane: fakeStep().step,
        waitControlPlane: fakeStep(async () => {
          throw conflict;
        }).step,
        applyNodePools: last.step,
      }),
    );

    expect(operation.state).toBe('failed');
    expect(operation.steps.map(s => s.state)).toEqual([
      'succeeded',
      'failed',
      'pending',
    ]);
    expect(operation.steps[1].message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl"',
    );
    expect(operation.steps[1].finishedAt).toBeDefined();
    expect(operation.error).toBe(
      'Wait for the control plane: Apply failed with 1 conflict: conflict with "kubectl"',
    );
    expect(last.contexts).toHaveLength(0);
    await expect(
      store.refuseIfBusy('local', spec.name),
    ).resolves.toBeUndefined();
  });

  it('runs a step again after a transient hub error, within the deadline of its attempt', async () => {
    const flaky = fakeStep(async (_context, call) => {
      if (call < 3) {
        throw new ApiException(503, 'Service Unavailable', '', {});
      }
    });
    const before = Date.now();
    const operation = await submitAndSettle(
      runner({
        applyControlPlane: fakeStep().step,
        waitControlPlane: flaky.step,
        applyNodePools: fakeStep().step,
      }),
    );
    const after = Date.now();

    expect(operation.state).toBe('succeeded');
    expect(operation.steps[1]).toMatchObject({
      state: 'succeeded',
      attempts: 1,
    });
    expect(flaky.contexts).toHaveLength(3);
    const [deadline, ...retried] = flaky.contexts.map(c => c.deadline);
    // The retries spend the attempt's budget: one deadline, set when the attempt started.
    expect(retried).toEqual([deadline, deadline]);
    expect(deadline).toBeGreaterThanOrEqual(before + WAIT_TIMEOUT_MS);
    expect(deadline).toBeLessThanOrEqual(after + WAIT_TIMEOUT_MS);
    expect(flaky.contexts.every(c => c.waitTimeoutMs === WAIT_TIMEOUT_MS)).toBe(
      true,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'step waitControlPlane: The hub answered 503; trying again in 1 s (retry 1 of 2)',
      ),
    );
  });

  it('gives each attempt of a step a deadline of its own', async () => {
    const failing = fakeStep(async () => {
      throw new Error('not yet');
    });
    const operationRunner = runner({
      applyControlPlane: fakeStep().step,
      waitControlPlane: failing.step,
      applyNodePools: fakeStep().step,
    });
    const { id } = await submitAndSettle(operationRunner);
    await new Promise(resolve => setTimeout(resolve, 5));
    await operationRunner.retry(id);
    await operationRunner.settled(id);

    expect(failing.contexts).toHaveLength(2);
    const [first, second] = failing.contexts.map(c => c.deadline);
    expect(second).toBeGreaterThan(first);
    expect((await store.get(id)).steps[1]).toMatchObject({
      state: 'failed',
      attempts: 2,
    });
  });

  it('fails the operation, naming the step, when it names a step this backend does not know', async () => {
    const operation = await submitAndSettle(
      runner({ applyControlPlane: fakeStep().step }),
    );
    expect(operation.state).toBe('failed');
    expect(operation.error).toBe(
      "Wait for the control plane: 'waitControlPlane' is not a step this Hostplane backend knows (it knows applyControlPlane)",
    );
  });

  it('stops on stop() with the step left running and the lease let go, for another instance', async () => {
    const started = deferred();
    const waiting = fakeStep(async context => {
      started.resolve();
      await untilAborted(context);
    });
    const last = fakeStep();
    const operationRunner = runner({
      applyControlPlane: fakeStep().step,
      waitControlPlane: waiting.step,
      applyNodePools: last.step,
    });
    const { id } = await operationRunner.submit(newOperation());
    await started.promise;

    await operationRunner.stop();

    const stopped = await store.get(id);
    expect(stopped.state).toBe('running');
    expect(stopped.error).toBeUndefined();
    expect(stopped.steps.map(s => s.state)).toEqual([
      'succeeded',
      'running',
      'pending',
    ]);
    expect(last.contexts).toHaveLength(0);
    expect(operationRunner.running()).toEqual([]);
    // Let go, not expired: another instance takes it at once.
    expect((await other.claim()).map(o => o.id)).toEqual([id]);
  });

  it('stops an operation whose lease another instance has taken, and leaves it to that one', async () => {
    const claimed: string[] = [];
    const last = fakeStep();
    const operationRunner = runner({
      applyControlPlane: fakeStep().step,
      waitControlPlane: fakeStep(async () => {
        // This instance stalls past its lease; the other finds it expired and takes it over.
        time += LEASE_MS + 1;
        claimed.push(...(await other.claim()).map(o => o.id));
      }).step,
      applyNodePools: last.step,
    });
    const { id } = await operationRunner.submit(newOperation());
    await operationRunner.settled(id);

    expect(claimed).toEqual([id]);
    expect(last.contexts).toHaveLength(0);
    const taken = await store.get(id);
    expect(taken.state).toBe('running');
    expect(taken.steps[1].state).toBe('running');
    expect(logger.warn).toHaveBeenCalledWith(
      `Operation ${id} is no longer run by instance-a: another instance continues it`,
    );
    // The lock is the other instance's: it writes progress, this one no longer can.
    await expect(other.updateSteps(id, taken.steps)).resolves.toBeUndefined();
  });
});
