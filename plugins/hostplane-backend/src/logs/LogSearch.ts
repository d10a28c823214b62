import {
  AuditEvent,
  AuditSearchQuery,
  AuditSearchResponse,
  ClusterStatus,
  LOG_LEVELS,
  LogHitsResponse,
  LogLevel,
  LogSearchQuery,
  LogSearchResponse,
  LogStoreStatus,
  SearchedLogLine,
  parseLogLevel,
} from '@hostplane/plugin-hostplane-common';
import { ServiceUnavailableError } from '@backstage/errors';
import { LogStoreClient, StoredRow } from './LogStoreClient';
import { LogStoreSettings } from './logStores';
import {
  auditRequest,
  histogramStep,
  searchRange,
  searchRequest,
} from './logsQuery';
import { redactLine } from './redact';
import { SearchRateLimiter } from './SearchRateLimiter';

/** Fields of a stored line that say where it is from, not what it says. */
const ORIGIN_FIELDS = new Set([
  '_time',
  '_msg',
  '_stream',
  '_stream_id',
  'hub',
  'namespace',
  'cluster',
  'component',
  'pod',
  'level',
  'ts',
]);

/**
 * Search over each hub's log store: a cluster's control-plane lines, their histogram, and its
 * audit events, each held to the cluster (tenant and stream filter), to the hub's bounds and to
 * each user's rate; every line redacted before it is returned.
 */
export class LogSearch {
  private readonly clients = new Map<string, LogStoreClient>();
  private readonly limiters = new Map<string, SearchRateLimiter>();

  constructor(private readonly stores: Map<string, LogStoreSettings>) {
    for (const [hub, store] of stores) {
      this.clients.set(
        hub,
        new LogStoreClient(hub, store.url, store.queryTimeoutMs),
      );
      this.limiters.set(hub, new SearchRateLimiter(store.searchesPerMinute));
    }
  }

  async status(cluster: ClusterStatus): Promise<LogStoreStatus> {
    const store = this.stores.get(cluster.hub);
    if (!store) {
      return {
        configured: false,
        reachable: false,
        reason: `Hub '${cluster.hub}' has no log store (hostplane.hubs[].logs): only the live view is available`,
      };
    }
    return {
      configured: true,
      ...(await this.clients.get(cluster.hub)!.reachable()),
      maxRangeHours: store.maxRangeMs / 3600_000,
      maxLines: store.maxLines,
    };
  }

  async search(
    cluster: ClusterStatus,
    query: LogSearchQuery,
    user: string,
  ): Promise<LogSearchResponse> {
    const { store, client } = this.storeOf(cluster, user);
    const request = searchRequest(cluster, query, store);
    const rows = await client.query(request);
    return {
      items: rows.slice(0, request.limit).map(storedLine),
      limit: request.limit,
      limited: rows.length > request.limit,
      start: request.start.toISOString(),
      end: request.end.toISOString(),
    };
  }

  async hits(
    cluster: ClusterStatus,
    query: LogSearchQuery,
    user: string,
  ): Promise<LogHitsResponse> {
    const { store, client } = this.storeOf(cluster, user);
    const { start, end } = searchRange(query, store);
    const step = query.step ?? histogramStep(end.getTime() - start.getTime());
    const buckets = await client.hits(
      searchRequest(cluster, query, store),
      step,
    );
    return {
      step,
      buckets,
      total: buckets.reduce((sum, b) => sum + b.count, 0),
    };
  }

  async audit(
    cluster: ClusterStatus,
    query: AuditSearchQuery,
    user: string,
  ): Promise<AuditSearchResponse> {
    const { store, client } = this.storeOf(cluster, user);
    const request = auditRequest(cluster, query, store);
    const rows = await client.query(request);
    return {
      items: rows.slice(0, request.limit).map(auditEvent),
      limit: request.limit,
      limited: rows.length > request.limit,
    };
  }

  private storeOf(cluster: ClusterStatus, user: string) {
    const store = this.stores.get(cluster.hub);
    if (!store) {
      throw new ServiceUnavailableError(
        `Hub '${cluster.hub}' has no log store (hostplane.hubs[].logs): only the live view is available`,
      );
    }
    this.limiters.get(cluster.hub)!.take(user);
    return { store, client: this.clients.get(cluster.hub)! };
  }
}

/** A stored control-plane line as the API returns it, redacted. */
export function storedLine(row: StoredRow): SearchedLogLine {
  const extra = Object.entries(row)
    .filter(([key]) => !ORIGIN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${value}`);
  const text = [row._msg ?? '', ...extra].join(' ').trim();
  const named = row.level?.toLowerCase();
  const level: LogLevel | undefined = (
    LOG_LEVELS as readonly string[]
  ).includes(named ?? '')
    ? (named as LogLevel)
    : parseLogLevel(row._msg ?? '') ??
      (named ? parseLogLevel(`{"level":"${named}"}`) : undefined);
  return {
    time: row._time,
    component: row.component ?? '',
    pod: row.pod ?? '',
    ...(level ? { level } : {}),
    text: redactLine(text),
  };
}

/** A stored audit event (its JSON flattened by the collector) as the API returns it. */
export function auditEvent(row: StoredRow): AuditEvent {
  const list = (value: string | undefined): string[] => {
    if (!value) return [];
    try {
      const parsed = JSON.parse(value);
      return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
    } catch {
      return [value];
    }
  };
  const code = Number(row['responseStatus.code']);
  return {
    time: row.requestReceivedTimestamp ?? row._time,
    user: row['user.username'] ?? '',
    groups: list(row['user.groups']),
    verb: row.verb ?? '',
    ...optional('resource', row['objectRef.resource']),
    ...optional('subresource', row['objectRef.subresource']),
    ...optional('namespace', row['objectRef.namespace']),
    ...optional('name', row['objectRef.name']),
    ...(Number.isFinite(code) && row['responseStatus.code'] ? { code } : {}),
    sourceIPs: list(row.sourceIPs),
    ...optional('userAgent', row.userAgent),
    requestURI: redactLine(row.requestURI ?? ''),
  };
}

function optional<K extends string>(key: K, value: string | undefined) {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
