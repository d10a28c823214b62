import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { LogStoreRequest } from './logsQuery';

/** A stored line as VictoriaLogs answers it: `_time`, `_msg`, `_stream` and the other fields. */
export type StoredRow = Record<string, string>;

/** Why the log store did not answer a search, said so that the tab can show it. */
export class LogStoreUnreachableError extends ServiceUnavailableError {}

/**
 * VictoriaLogs' HTTP API for one hub: searches and hit counts, each within its timeout. Every
 * request carries its tenant headers and filters from `logsQuery`; this client adds nothing and
 * removes nothing.
 */
export class LogStoreClient {
  constructor(
    private readonly hub: string,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  /** Up to `limit + 1` newest rows, so that the caller can tell whether the limit cut the answer. */
  async query(request: LogStoreRequest): Promise<StoredRow[]> {
    const body = await this.post('/select/logsql/query', request, [
      ['limit', String(request.limit + 1)],
    ]);
    return body
      .split('\n')
      .filter(line => line.length > 0)
      .map(line => JSON.parse(line) as StoredRow);
  }

  /** Matching lines per `step` over the request's range. */
  async hits(
    request: LogStoreRequest,
    step: string,
  ): Promise<Array<{ time: string; count: number }>> {
    const body = JSON.parse(
      await this.post('/select/logsql/hits', request, [['step', step]]),
    ) as {
      hits?: Array<{ timestamps: string[]; values: number[] }>;
    };
    const counts = new Map<string, number>();
    for (const series of body.hits ?? []) {
      series.timestamps.forEach((time, i) =>
        counts.set(time, (counts.get(time) ?? 0) + series.values[i]),
      );
    }
    return [...counts]
      .map(([time, count]) => ({ time, count }))
      .sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Whether the store answers its health check. */
  async reachable(): Promise<{ reachable: boolean; reason?: string }> {
    try {
      const response = await fetch(`${this.url}/health`, {
        signal: AbortSignal.timeout(3_000),
      });
      return response.ok
        ? { reachable: true }
        : {
            reachable: false,
            reason: `The log store of hub '${this.hub}' answers ${response.status}`,
          };
    } catch (error) {
      return {
        reachable: false,
        reason: `The log store of hub '${this.hub}' does not answer: ${causeOf(
          error,
        )}`,
      };
    }
  }

  private async post(
    path: string,
    request: LogStoreRequest,
    extra: Array<[string, string]>,
  ): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: {
          ...request.headers,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams([...request.params, ...extra]).toString(),
        signal: AbortSignal.timeout(this.timeoutMs + 2_000),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new ServiceUnavailableError(
          `The search took longer than ${Math.round(
            this.timeoutMs / 1000,
          )} s: narrow the time range or the query`,
        );
      }
      throw new LogStoreUnreachableError(
        `The log store of hub '${this.hub}' does not answer: ${causeOf(error)}`,
      );
    }
    const text = await response.text();
    if (response.ok) return text;
    if (response.status === 400) {
      throw new InputError(
        `The log store refused the query: ${firstLine(text)}`,
      );
    }
    if (/timeout|canceled|deadline/i.test(text)) {
      throw new ServiceUnavailableError(
        `The search took longer than ${Math.round(
          this.timeoutMs / 1000,
        )} s: narrow the time range or the query`,
      );
    }
    throw new ServiceUnavailableError(
      `The log store of hub '${this.hub}' answered ${
        response.status
      }: ${firstLine(text)}`,
    );
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0].slice(0, 500);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    .cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
