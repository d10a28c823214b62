import {
  METRIC_LABELS,
  MetricSeries,
  MetricsStoreType,
} from '@hostplane/plugin-hostplane-common';
import { enforceMatchers } from './promqlTenancy';

/** Where a hub's metrics are and which store answers there. */
export interface MetricsStoreConfig {
  type: MetricsStoreType;
  /** The store's base URL: its Prometheus HTTP API is under `/api/v1`. */
  url: string;
}

/** The store did not answer a query (unreachable, refused, or a query error of its own). */
export class MetricsStoreError extends Error {
  constructor(
    message: string,
    /** The store answered and refused the query (bad input), rather than failing to answer. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'MetricsStoreError';
  }
}

/** A range query over one cluster's series. */
export interface TenantRangeQuery {
  hub: string;
  cluster: string;
  expr: string;
  start: number;
  end: number;
  stepSeconds: number;
}

type MatrixResult = Array<{
  metric: Record<string, string>;
  values: Array<[number, string]>;
}>;

const QUERY_TIMEOUT_MS = 30_000;

/**
 * Range queries against a hub's store through the Prometheus HTTP API, each limited to one
 * cluster's series by the store itself where it can (VictoriaMetrics' `extra_filters[]`, applied
 * to every selector of the query) and otherwise by rewriting the query's every selector
 * ({@link enforceMatchers}; Prometheus).
 */
export class MetricsStore {
  constructor(private readonly config: MetricsStoreConfig) {}

  get type(): MetricsStoreType {
    return this.config.type;
  }

  async queryRange(query: TenantRangeQuery): Promise<MetricSeries[]> {
    const tenant = {
      [METRIC_LABELS.hub]: query.hub,
      [METRIC_LABELS.cluster]: query.cluster,
    };
    const params = new URLSearchParams({
      start: String(query.start),
      end: String(query.end),
      step: `${query.stepSeconds}s`,
    });
    if (this.config.type === 'victoriametrics') {
      params.set('query', query.expr);
      params.append(
        'extra_filters[]',
        `{${Object.entries(tenant)
          .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
          .join(',')}}`,
      );
    } else {
      params.set('query', enforceMatchers(query.expr, tenant));
    }
    const body = await this.post('/api/v1/query_range', params);
    if (body.data?.resultType !== 'matrix') {
      throw new MetricsStoreError(
        `the metrics store answered a ${body.data?.resultType} to a range query`,
      );
    }
    return (body.data.result as MatrixResult).map(series => ({
      name: '',
      labels: series.metric,
      points: series.values.map(([time, value]) => [
        Number(time),
        finiteOrNull(value),
      ]),
    }));
  }

  private async post(route: string, params: URLSearchParams): Promise<any> {
    let response: Response;
    try {
      response = await fetch(new URL(route, this.config.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params,
        signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
      });
    } catch (error) {
      // The URL is left out: a store's URL may carry credentials.
      throw new MetricsStoreError(
        `the metrics store did not answer: ${
          (error as Error).cause
            ? String((error as { cause: Error }).cause.message)
            : (error as Error).message
        }`,
      );
    }
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new MetricsStoreError(
        `the metrics store answered ${response.status} without JSON`,
      );
    }
    if (!response.ok || body.status !== 'success') {
      throw new MetricsStoreError(
        `the metrics store refused the query (${response.status}): ${
          body.error ?? text.slice(0, 300)
        }`,
        response.status >= 400 && response.status < 500,
      );
    }
    return body;
  }
}

function finiteOrNull(value: string): number | null {
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
