import { InputError } from '@backstage/errors';
import {
  AUDIT_LOG_COMPONENT,
  AuditSearchQuery,
  ClusterStatus,
  LOG_LEVELS,
  LogLevel,
  LogSearchQuery,
  logTenantOf,
} from '@hostplane/plugin-hostplane-common';

/** The bounds every search is held to (config `hostplane.hubs[].logs`). */
export interface SearchLimits {
  maxRangeMs: number;
  maxLines: number;
  queryTimeoutMs: number;
}

/** A search as VictoriaLogs' `/select/logsql/*` takes it: form fields and tenant headers. */
export interface LogStoreRequest {
  params: Array<[string, string]>;
  headers: { AccountID: string; ProjectID: string };
  start: Date;
  end: Date;
  limit: number;
}

/** A LogsQL quoted string: backslashes and quotes escaped, so a value never ends its quotes. */
export function quoteLogsql(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

const KLOG_LETTER: Record<LogLevel, string | undefined> = {
  fatal: 'F',
  error: 'E',
  warning: 'W',
  info: 'I',
  debug: undefined,
};

const JSON_LEVELS: Record<LogLevel, string[]> = {
  fatal: ['fatal', 'panic', 'dpanic', 'critical'],
  error: ['error', 'err'],
  warning: ['warn', 'warning'],
  info: ['info', 'notice'],
  debug: ['debug', 'trace'],
};

/**
 * A filter for lines of this level or more severe: klog's header letter, or the `level` field of
 * JSON lines (which the collector stores as fields), as `parseLogLevel` reads them.
 */
export function levelFilter(level: LogLevel): string {
  const levels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
  const letters = levels
    .map(l => KLOG_LETTER[l])
    .filter(Boolean)
    .join('');
  const named = levels.flatMap(l => JSON_LEVELS[l]);
  return `(_msg:~${quoteLogsql(`^[${letters}][0-9]{4} `)} or level:in(${named
    .map(quoteLogsql)
    .join(',')}))`;
}

/**
 * The stream filter that holds a search to one cluster's lines. Sent as `extra_stream_filters`,
 * which VictoriaLogs adds to the query whatever its text says, besides the tenant headers.
 */
export function clusterStreamFilter(cluster: ClusterStatus): string {
  return `{hub=${quoteLogsql(cluster.hub)},namespace=${quoteLogsql(
    cluster.namespace,
  )},cluster=${quoteLogsql(cluster.name)}}`;
}

/** The time range of a search: an hour back from now by default, refused beyond the cap. */
export function searchRange(
  query: { start?: string; end?: string },
  limits: SearchLimits,
  now = new Date(),
): { start: Date; end: Date } {
  const end = query.end ? new Date(query.end) : now;
  const start = query.start
    ? new Date(query.start)
    : new Date(end.getTime() - 3600_000);
  if (start.getTime() >= end.getTime()) {
    throw new InputError('start must be before end');
  }
  if (end.getTime() - start.getTime() > limits.maxRangeMs) {
    throw new InputError(
      `The time range is ${describeMs(
        end.getTime() - start.getTime(),
      )}; a search covers at most ${describeMs(limits.maxRangeMs)}: narrow it`,
    );
  }
  return { start, end };
}

function describeMs(ms: number): string {
  const hours = ms / 3600_000;
  return hours >= 48
    ? `${Math.round((hours / 24) * 10) / 10} days`
    : `${Math.round(hours * 10) / 10} hours`;
}

function baseRequest(
  cluster: ClusterStatus,
  query: { start?: string; end?: string; limit?: number },
  limits: SearchLimits,
  now: Date,
) {
  const { start, end } = searchRange(query, limits, now);
  const limit = Math.min(query.limit ?? limits.maxLines, limits.maxLines);
  const tenant = logTenantOf(cluster);
  const params: Array<[string, string]> = [
    ['start', start.toISOString()],
    ['end', end.toISOString()],
    ['timeout', `${Math.ceil(limits.queryTimeoutMs / 1000)}s`],
    ['extra_stream_filters', clusterStreamFilter(cluster)],
    // A user's query text filters; it does not reshape the answer or read beyond it.
    ['ignore_pipes', '1'],
  ];
  return {
    params,
    headers: {
      AccountID: String(tenant.accountId),
      ProjectID: String(tenant.projectId),
    },
    start,
    end,
    limit,
  };
}

/**
 * The request for a search of a cluster's control-plane lines. The user's text is either words to
 * find (quoted, so it is never read as LogsQL) or a LogsQL filter; either way the cluster's
 * stream filter and tenant, the component, pod and level filters are added apart from it, where
 * nothing in the text can undo them. Audit events are searched apart (`auditRequest`).
 */
export function searchRequest(
  cluster: ClusterStatus,
  query: LogSearchQuery,
  limits: SearchLimits,
  now = new Date(),
): LogStoreRequest {
  const request = baseRequest(cluster, query, limits, now);
  const userFilter = userQueryFilter(query);
  const filters = [
    query.component
      ? `component:=${quoteLogsql(query.component)}`
      : `component:!=${quoteLogsql(AUDIT_LOG_COMPONENT)}`,
    query.pod ? `pod:=${quoteLogsql(query.pod)}` : undefined,
    query.level ? levelFilter(query.level) : undefined,
  ].filter((f): f is string => f !== undefined);
  request.params.push(
    ['query', userFilter],
    ['extra_filters', filters.join(' ')],
  );
  if (query.component === AUDIT_LOG_COMPONENT) {
    throw new InputError('Audit events are searched at /logs/audit');
  }
  return request;
}

/** The user's text as a filter: all lines, their LogsQL, or each word quoted. */
function userQueryFilter(query: LogSearchQuery): string {
  const text = query.query?.trim();
  if (!text) return '*';
  if (query.mode === 'logsql') return text;
  return text
    .split(/\s+/)
    .map(word => quoteLogsql(word))
    .join(' ');
}

/** The request for a cluster's audit events, each filter an exact field match. */
export function auditRequest(
  cluster: ClusterStatus,
  query: AuditSearchQuery,
  limits: SearchLimits,
  now = new Date(),
): LogStoreRequest {
  const request = baseRequest(cluster, query, limits, now);
  const filters = [
    `component:=${quoteLogsql(AUDIT_LOG_COMPONENT)}`,
    // One event per request: the stage at which the response was sent.
    'stage:=ResponseComplete',
    query.user ? `user.username:=${quoteLogsql(query.user)}` : undefined,
    query.verb ? `verb:=${quoteLogsql(query.verb)}` : undefined,
    query.resource
      ? `objectRef.resource:=${quoteLogsql(query.resource)}`
      : undefined,
    query.namespace
      ? `objectRef.namespace:=${quoteLogsql(query.namespace)}`
      : undefined,
    query.code !== undefined
      ? `responseStatus.code:=${quoteLogsql(String(query.code))}`
      : undefined,
  ].filter((f): f is string => f !== undefined);
  request.params.push(['query', '*'], ['extra_filters', filters.join(' ')]);
  return request;
}

/** A histogram step for a range: about 60 buckets, in round units. */
export function histogramStep(rangeMs: number): string {
  const steps: Array<[number, string]> = [
    [10_000, '10s'],
    [30_000, '30s'],
    [60_000, '1m'],
    [300_000, '5m'],
    [900_000, '15m'],
    [1_800_000, '30m'],
    [3_600_000, '1h'],
    [3 * 3_600_000, '3h'],
    [6 * 3_600_000, '6h'],
  ];
  return steps.find(([ms]) => rangeMs / ms <= 60)?.[1] ?? '1d';
}
