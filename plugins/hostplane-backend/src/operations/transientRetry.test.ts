import { ApiException } from '@kubernetes/client-node';
import { TransientRetry, retryTransient } from './transientRetry';

const unavailable = () => new ApiException(503, 'Unavailable', '', {});
const policy = { retries: 3, initialDelayMs: 10, maxDelayMs: 25 };

/** An attempt that fails with the given errors, in turn, and then returns 'done'. */
function failingWith(...errors: unknown[]) {
  const attempt = jest.fn(async () => {
    if (attempt.mock.calls.length <= errors.length) {
      throw errors[attempt.mock.calls.length - 1];
    }
    return 'done';
  });
  return attempt;
}

describe('retryTransient', () => {
  let retries: TransientRetry[];
  const options = (signal = new AbortController().signal) => ({
    policy,
    signal,
    onRetry: async (retry: TransientRetry) => {
      retries.push(retry);
    },
  });
  beforeEach(() => {
    retries = [];
  });

  it('runs the attempt again, backing off up to the longest delay, until it succeeds', async () => {
    const attempt = failingWith(unavailable(), unavailable(), unavailable());
    await expect(retryTransient(attempt, options())).resolves.toBe('done');
    expect(attempt).toHaveBeenCalledTimes(4);
    expect(retries.map(r => [r.retry, r.retries, r.delayMs])).toEqual([
      [1, 3, 10],
      [2, 3, 20],
      [3, 3, 25],
    ]);
    expect(retries[0].reason).toBe('answered 503');
  });

  it('waits as long as the hub asks', async () => {
    const busy = new ApiException(429, 'Too Many Requests', '', {
      'retry-after': '0',
    });
    await retryTransient(failingWith(busy), options());
    expect(retries.map(r => r.delayMs)).toEqual([0]);
  });

  it('gives up with the last error once the retries are spent', async () => {
    const errors = [1, 2, 3, 4].map(() => unavailable());
    const attempt = failingWith(...errors);
    await expect(retryTransient(attempt, options())).rejects.toBe(errors[3]);
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it('reports an error that is not transient at once', async () => {
    const conflict = new ApiException(409, 'Conflict', '', {});
    const attempt = failingWith(unavailable(), conflict);
    await expect(retryTransient(attempt, options())).rejects.toBe(conflict);
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('stops waiting when aborted, with the error it was waiting out', async () => {
    const abort = new AbortController();
    const error = unavailable();
    const attempt = failingWith(error);
    const retried = retryTransient(attempt, {
      ...options(abort.signal),
      policy: { ...policy, initialDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    await new Promise(resolve => setTimeout(resolve, 10));
    abort.abort();
    await expect(retried).rejects.toBe(error);
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
