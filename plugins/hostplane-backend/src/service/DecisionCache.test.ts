import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { clusterReadPermission } from '@hostplane/plugin-hostplane-common';
import { DecisionCache } from './DecisionCache';

const TTL = 5_000;
const alice = mockCredentials.user('user:default/alice');

/**
 * The permission backend as the cache sees it: each question is counted and answered when the
 * test says, with the decision the test chose.
 */
function permissionBackend() {
  const pending: Array<{
    answer: (decision: PolicyDecision) => void;
    fail: (error: Error) => void;
  }> = [];
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async () =>
      new Promise((resolve, reject) =>
        pending.push({
          answer: decision => resolve([decision]),
          fail: reject,
        }),
      ),
  });
  return {
    permissions,
    asked: () => permissions.authorizeConditional.mock.calls.length,
    answer: (result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) =>
      pending.shift()!.answer({ result }),
    fail: () => pending.shift()!.fail(new Error('permission backend down')),
  };
}

/** A cache whose first decision for alice, ALLOW, has been answered. */
async function cacheHoldingAnAllow() {
  const backend = permissionBackend();
  const cache = new DecisionCache(backend.permissions, TTL);
  const first = cache.decide(alice, clusterReadPermission);
  backend.answer(AuthorizeResult.ALLOW);
  await first;
  return { backend, decide: () => cache.decide(alice, clusterReadPermission) };
}

const allow = { result: AuthorizeResult.ALLOW };
const deny = { result: AuthorizeResult.DENY };

/** Lets answered questions reach the cache (only the clock is faked). */
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('DecisionCache', () => {
  beforeEach(() =>
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate'] }),
  );
  afterEach(() => jest.useRealTimers());

  it('asks once for callers within the first half of a decision’s life', async () => {
    const backend = permissionBackend();
    const cache = new DecisionCache(backend.permissions, TTL);
    const first = cache.decide(alice, clusterReadPermission);
    const second = cache.decide(alice, clusterReadPermission);
    backend.answer(AuthorizeResult.ALLOW);
    await expect(first).resolves.toEqual(allow);
    await expect(second).resolves.toEqual(allow);
    jest.advanceTimersByTime(TTL / 2 - 1);
    await cache.decide(alice, clusterReadPermission);
    expect(backend.asked()).toBe(1);
  });

  it('answers from the decision in hand past half its life and takes the newer one once it comes', async () => {
    const { backend, decide } = await cacheHoldingAnAllow();
    jest.advanceTimersByTime(TTL / 2 + 1);
    // Answered at once, without waiting for the question now asked beside it.
    await expect(decide()).resolves.toEqual(allow);
    await decide();
    expect(backend.asked()).toBe(2);

    backend.answer(AuthorizeResult.DENY);
    await settle();
    await expect(decide()).resolves.toEqual(deny);
    // The newer decision lives its own full life from when it was asked for.
    jest.advanceTimersByTime(TTL / 2 - 2);
    await decide();
    expect(backend.asked()).toBe(2);
  });

  it('never answers with a decision older than its life', async () => {
    const { backend, decide } = await cacheHoldingAnAllow();
    jest.advanceTimersByTime(TTL);
    const next = decide();
    expect(backend.asked()).toBe(2);
    backend.answer(AuthorizeResult.DENY);
    await expect(next).resolves.toEqual(deny);
  });

  it('keeps the decision in hand until it expires when asking for a newer one fails', async () => {
    const { backend, decide } = await cacheHoldingAnAllow();
    jest.advanceTimersByTime(TTL / 2 + 1);
    await decide();
    backend.fail();
    await settle();
    await expect(decide()).resolves.toEqual(allow);
    expect(backend.asked()).toBe(2);

    jest.advanceTimersByTime(TTL / 2);
    const next = decide();
    expect(backend.asked()).toBe(3);
    backend.answer(AuthorizeResult.DENY);
    await expect(next).resolves.toEqual(deny);
  });

  it('does not remember a failed check', async () => {
    const backend = permissionBackend();
    const cache = new DecisionCache(backend.permissions, TTL);
    const first = cache.decide(alice, clusterReadPermission);
    backend.fail();
    await expect(first).rejects.toThrow('permission backend down');
    const second = cache.decide(alice, clusterReadPermission);
    expect(backend.asked()).toBe(2);
    backend.answer(AuthorizeResult.ALLOW);
    await expect(second).resolves.toEqual(allow);
  });

  it('keeps callers apart', async () => {
    const backend = permissionBackend();
    const cache = new DecisionCache(backend.permissions, TTL);
    const forAlice = cache.decide(alice, clusterReadPermission);
    const forBob = cache.decide(
      mockCredentials.user('user:default/bob'),
      clusterReadPermission,
    );
    backend.answer(AuthorizeResult.ALLOW);
    backend.answer(AuthorizeResult.DENY);
    await expect(forAlice).resolves.toEqual(allow);
    await expect(forBob).resolves.toEqual(deny);
  });
});
