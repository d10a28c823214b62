import {
  TransientHubError,
  transientHubError,
} from '@hostplane/plugin-hostplane-node';

/** How often, and how far apart, a step is run again after the hub refused it only for now. */
export interface TransientRetryPolicy {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** About three minutes in all: a hub restarting or failing over is back well within that. */
export const DEFAULT_TRANSIENT_RETRY_POLICY: TransientRetryPolicy = {
  retries: 10,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
};

export interface TransientRetry extends TransientHubError {
  /** 1 for the first retry. */
  retry: number;
  retries: number;
  delayMs: number;
}

/**
 * Runs `attempt` and, while it fails with an error the hub gave only for now (see
 * {@link transientHubError}), runs it again after the delay the hub asked for or an exponential
 * backoff, up to the policy's retries. Anything else, the last transient error, or an abort ends
 * it with that error. Only for idempotent work: an attempt cut off by a connection reset may have
 * been carried out.
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  options: {
    policy: TransientRetryPolicy;
    signal: AbortSignal;
    onRetry(retry: TransientRetry): Promise<void>;
  },
): Promise<T> {
  const { policy, signal } = options;
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const transient = transientHubError(error);
      if (!transient || retry > policy.retries || signal.aborted) throw error;
      const delayMs =
        transient.retryAfterMs ??
        Math.min(policy.initialDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
      await options.onRetry({
        ...transient,
        retry,
        retries: policy.retries,
        delayMs,
      });
      await sleep(delayMs, signal);
      if (signal.aborted) throw error;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
