import { waitFor } from '@hostplane/plugin-hostplane-node';

/**
 * How long a test gives a real tenant to start and report itself healthy. Alone one takes 10 to
 * 20 s; under the full suite (two Jest workers, each with its own hub and tenants, on 2 cores)
 * more than 60 s has been seen.
 */
const REAL_TENANT_START_TIMEOUT_MS = 300_000;

/** Conditions as HyperShift and the portal both report them. */
interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One line naming every condition with its reason, for a wait that has to say why it waited. */
export function describeConditions(
  conditions: Condition[] | undefined,
): string {
  const described = (conditions ?? []).map(
    c => `${c.type}=${c.status} (${c.reason ?? ''}: ${c.message ?? ''})`,
  );
  return described.join('; ') || 'none';
}

/** A cluster as the portal reports it, on one line: phase, endpoint and conditions. */
export function describeClusterStatus(cluster: {
  phase?: string;
  endpoint?: string;
  conditions?: Condition[];
}): string {
  return `phase ${cluster.phase}, endpoint ${
    cluster.endpoint ?? 'none'
  }, conditions ${describeConditions(cluster.conditions)}`;
}

/**
 * The stand-in operator's log, kept in memory for a test that waits on a real tenant: when the
 * wait fails, its error ends with where the stand-in stuck.
 */
export class StandinLog {
  private readonly lines: string[] = [];

  readonly log = (line: string): void => {
    this.lines.push(line);
  };

  /**
   * Waits, as `waitFor` does, for a real tenant to start (up to REAL_TENANT_START_TIMEOUT_MS); a
   * timeout carries the stand-in's last log lines too. A probe that throws says why it is not
   * there yet: its last error ends the timeout's message.
   */
  waitForTenant<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    { intervalMs }: { intervalMs?: number } = {},
  ): Promise<T> {
    return this.explainFailure(
      waitFor(what, probe, {
        timeoutMs: REAL_TENANT_START_TIMEOUT_MS,
        intervalMs,
      }),
    );
  }

  /** Resolves as `wait` does; a failure carries the stand-in's last log lines too. */
  async explainFailure<T>(wait: Promise<T>, lastLines = 40): Promise<T> {
    try {
      return await wait;
    } catch (error) {
      const tail = this.lines.slice(-lastLines);
      throw new Error(
        `${(error as Error).message}\nthe stand-in's last ${
          tail.length
        } log lines:\n${tail.join('\n') || '(none)'}`,
      );
    }
  }
}
