import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { Operation, OperationStep } from '@hostplane/plugin-hostplane-common';
import { HostplaneRequestOptions } from '@hostplane/plugin-hostplane-node';
import { followOperation, progressLines } from './followOperation';

const STEPS: Array<Pick<OperationStep, 'name' | 'title'>> = [
  { name: 'ensureNamespace', title: 'Create the namespace' },
  { name: 'applyControlPlane', title: 'Apply the hosted control plane' },
  { name: 'waitControlPlane', title: 'Wait for the control plane' },
];

function operationState(steps: OperationStep[]): Operation['state'] {
  if (steps.some(s => s.state === 'failed')) return 'failed';
  return steps.every(s => s.state === 'succeeded') ? 'succeeded' : 'running';
}

/** The operation with its steps in the given states (and optional messages and attempts). */
function snapshot(
  states: Array<
    | OperationStep['state']
    | [OperationStep['state'], string | undefined, number?]
  >,
  extra: Partial<Operation> = {},
): Operation {
  const steps = states.map((entry, index) => {
    const [state, message, attempts] = Array.isArray(entry)
      ? entry
      : [entry, undefined, undefined];
    return {
      ...STEPS[index],
      state,
      message,
      attempts: attempts ?? (state === 'pending' ? 0 : 1),
    };
  });
  return {
    id: 'op-1',
    hub: 'local',
    cluster: 'shop',
    type: 'create',
    state: operationState(steps),
    steps,
    progress: 0,
    createdBy: 'user:default/mock',
    createdAt: '2026-08-01T00:00:00Z',
    updatedAt: '2026-08-01T00:00:00Z',
    ...extra,
  };
}

describe('progressLines', () => {
  it('reports starts, progress, finishes and failures once each, in step order', () => {
    const sequence = [
      snapshot(['running', 'pending', 'pending']),
      snapshot(['running', 'pending', 'pending']),
      snapshot(['succeeded', 'running', 'pending']),
      snapshot(['succeeded', 'succeeded', ['running', '0/1 replicas']]),
      snapshot(['succeeded', 'succeeded', ['running', '0/1 replicas']]),
      snapshot(['succeeded', 'succeeded', ['running', '1/1 replicas']]),
      snapshot(['succeeded', 'succeeded', ['failed', 'timed out']]),
      snapshot(['succeeded', 'succeeded', ['failed', 'timed out']]),
    ];
    const lines = sequence.flatMap((after, index) =>
      progressLines(sequence[index - 1], after),
    );
    expect(lines).toEqual([
      { level: 'info', message: '[1/3] Create the namespace: started' },
      { level: 'info', message: '[1/3] Create the namespace: done' },
      {
        level: 'info',
        message: '[2/3] Apply the hosted control plane: started',
      },
      { level: 'info', message: '[2/3] Apply the hosted control plane: done' },
      { level: 'info', message: '[3/3] Wait for the control plane: started' },
      {
        level: 'info',
        message: '[3/3] Wait for the control plane: 0/1 replicas',
      },
      {
        level: 'info',
        message: '[3/3] Wait for the control plane: 1/1 replicas',
      },
      {
        level: 'error',
        message: '[3/3] Wait for the control plane: failed: timed out',
      },
    ]);
  });

  it('reports a step that started and finished between two looks as started and done', () => {
    expect(
      progressLines(
        snapshot(['running', 'pending', 'pending']),
        snapshot(['succeeded', 'succeeded', ['failed', 'timed out']]),
      ),
    ).toEqual([
      { level: 'info', message: '[1/3] Create the namespace: done' },
      {
        level: 'info',
        message: '[2/3] Apply the hosted control plane: started',
      },
      { level: 'info', message: '[2/3] Apply the hosted control plane: done' },
      { level: 'info', message: '[3/3] Wait for the control plane: started' },
      {
        level: 'error',
        message: '[3/3] Wait for the control plane: failed: timed out',
      },
    ]);
  });

  it('reports a retried step as started again, with its attempt', () => {
    expect(
      progressLines(
        snapshot(['succeeded', ['failed', 'conflict'], 'pending']),
        snapshot(['succeeded', ['running', undefined, 2], 'pending']),
      ),
    ).toEqual([
      {
        level: 'info',
        message: '[2/3] Apply the hosted control plane: started (attempt 2)',
      },
    ]);
  });
});

describe('followOperation', () => {
  /** A fake API that answers each poll with the next of the given answers. */
  function fakeClient(answers: Array<Operation | Error>) {
    const calls: string[] = [];
    const asked: Array<HostplaneRequestOptions | undefined> = [];
    return {
      calls,
      asked,
      getOperation: async (id: string, options?: HostplaneRequestOptions) => {
        calls.push(id);
        asked.push(options);
        const answer = answers[Math.min(calls.length, answers.length) - 1];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
  }

  it("polls until the operation has finished, as the task's initiator, and logs every change once", async () => {
    const logger = mockServices.logger.mock();
    const client = fakeClient([
      snapshot(['running', 'pending', 'pending']),
      snapshot(['running', 'pending', 'pending']),
      snapshot(['succeeded', 'succeeded', 'succeeded']),
    ]);
    const initiator = mockCredentials.user('user:default/alice');
    const done = await followOperation({
      client,
      credentials: initiator,
      operationId: 'op-1',
      logger,
      pollIntervalMs: 1,
    });
    expect(done.state).toBe('succeeded');
    expect(client.calls).toEqual(['op-1', 'op-1', 'op-1']);
    expect(client.asked.map(options => options?.credentials)).toEqual([
      initiator,
      initiator,
      initiator,
    ]);
    expect(logger.info.mock.calls.map(([message]) => message)).toEqual([
      '[1/3] Create the namespace: started',
      '[1/3] Create the namespace: done',
      '[2/3] Apply the hosted control plane: started',
      '[2/3] Apply the hosted control plane: done',
      '[3/3] Wait for the control plane: started',
      '[3/3] Wait for the control plane: done',
      "Hostplane's create of cluster 'shop' on hub 'local' succeeded (operation op-1)",
    ]);
  });

  it("fails with the operation's error and says how to retry it", async () => {
    const client = fakeClient([
      snapshot(['succeeded', ['failed', 'field manager conflict'], 'pending'], {
        error: 'Apply the hosted control plane: field manager conflict',
      }),
    ]);
    await expect(
      followOperation({
        client,
        operationId: 'op-1',
        logger: mockServices.logger.mock(),
        pollIntervalMs: 1,
      }),
    ).rejects.toThrow(
      "Hostplane's create of cluster 'shop' on hub 'local' failed (operation op-1): Apply the hosted control plane: field manager conflict. Once the cause is fixed, POST /api/hostplane/operations/op-1/retry runs it again from the failed step.",
    );
  });

  it('rides out a few polls that cannot reach the API, but not a refusal', async () => {
    const unreachable = new ServiceUnavailableError(
      'Could not reach Hostplane to show operation op-1: connect ECONNREFUSED',
    );
    const logger = mockServices.logger.mock();
    const recovered = fakeClient([
      snapshot(['running', 'pending', 'pending']),
      unreachable,
      unreachable,
      snapshot(['succeeded', 'succeeded', 'succeeded']),
    ]);
    await expect(
      followOperation({
        client: recovered,
        operationId: 'op-1',
        logger,
        pollIntervalMs: 1,
      }),
    ).resolves.toMatchObject({ state: 'succeeded' });
    expect(logger.warn).toHaveBeenCalledTimes(2);

    const refused = fakeClient([
      snapshot(['running', 'pending', 'pending']),
      new NotAllowedError('may not read'),
    ]);
    await expect(
      followOperation({
        client: refused,
        operationId: 'op-1',
        logger,
        pollIntervalMs: 1,
      }),
    ).rejects.toThrow('may not read');

    const gone = fakeClient([
      snapshot(['running', 'pending', 'pending']),
      unreachable,
    ]);
    await expect(
      followOperation({
        client: gone,
        operationId: 'op-1',
        logger,
        pollIntervalMs: 1,
      }),
    ).rejects.toThrow(unreachable);
    // The first answer, then the tolerated failures and the one that ends it.
    expect(gone.calls).toHaveLength(1 + 5 + 1);
  });

  it('stops waiting when the task is cancelled', async () => {
    const controller = new AbortController();
    const client = fakeClient([snapshot(['running', 'pending', 'pending'])]);
    const following = followOperation({
      client,
      operationId: 'op-1',
      logger: mockServices.logger.mock(),
      pollIntervalMs: 60_000,
      signal: controller.signal,
    });
    await new Promise(resolve => setImmediate(resolve));
    controller.abort();
    await expect(following).rejects.toThrow(/abort/i);
    expect(client.calls).toHaveLength(1);
  });
});
