/** Why a hub refused a request only for now, and how long it asked the client to wait. */
export interface TransientHubError {
  reason: string;
  retryAfterMs?: number;
}

/**
 * Statuses an API server answers when it cannot serve a request yet but may soon: 429 from
 * priority and fairness or a watch cache still filling after a restart, 503 while it starts or
 * an aggregated API is away, 502 and 504 from a load balancer or a timed-out etcd.
 */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

/** Connection failures of a hub that is restarting, failing over or briefly unreachable. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether an error from a hub request (the Kubernetes client's `ApiException`, or the network
 * error under it) is one to retry rather than to report: what client-go retries on its own, and
 * the connection errors of a hub that is restarting. Anything else (a conflict, an invalid
 * object, a forbidden write) is returned as undefined and is the caller's to report.
 */
export function transientHubError(
  error: unknown,
): TransientHubError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, body, headers } = error as {
    code?: unknown;
    body?: unknown;
    headers?: Record<string, string>;
  };
  if (typeof code === 'number') {
    if (!TRANSIENT_STATUSES.has(code)) return undefined;
    return {
      reason: `answered ${code}${messageOf(body)}`,
      retryAfterMs: retryAfterMsOf(headers),
    };
  }
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) {
    return { reason: `could not be reached (${code})` };
  }
  return undefined;
}

function messageOf(body: unknown): string {
  let status = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return '';
    }
  }
  const message = (status as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message ? `: ${message}` : '';
}

/** Retry-After in seconds, as the API server sends it; an HTTP date is not expected from it. */
function retryAfterMsOf(
  headers: Record<string, string> | undefined,
): number | undefined {
  const value = Object.entries(headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'retry-after',
  )?.[1];
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : undefined;
}
