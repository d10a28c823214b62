import { z } from 'zod';

/** A pod or container name as Kubernetes allows it (a DNS label, or a subdomain for pods). */
const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The most lines a live view asks the hub for before it follows. */
export const MAX_LIVE_TAIL_LINES = 10_000;

export const logPodSchema = z
  .object({
    component: z
      .string()
      .describe(
        'The control-plane component the container runs (its container name): etcd, kube-apiserver, ...',
      ),
    pod: z.string().describe('The pod in the control-plane namespace.'),
    phase: z.string().describe("The pod's phase on the hub."),
    restarts: z
      .number()
      .describe("The container's restart count: above 0, previous logs exist."),
  })
  .describe('One control-plane container whose log can be followed.');
export type LogPod = z.output<typeof logPodSchema>;

export const logPodsResponseSchema = z.object({
  items: z
    .array(logPodSchema)
    .describe('By component, then pod (each etcd member is a pod).'),
});
export type LogPodsResponse = z.output<typeof logPodsResponseSchema>;

const booleanQuery = (name: string) =>
  z
    .enum(['true', 'false'], `${name} must be true or false`)
    .optional()
    .transform(value => value === 'true');

/** `GET /clusters/:hub/:name/logs/live`: which log, from where, and whether to keep following. */
export const liveLogQuerySchema = z.strictObject({
  pod: z
    .string({ error: 'pod is required' })
    .regex(POD_NAME, 'pod must be a pod name'),
  component: z
    .string({ error: 'component is required' })
    .regex(CONTAINER_NAME, 'component must be a container name'),
  sinceSeconds: z.coerce
    .number()
    .int('sinceSeconds must be a whole number')
    .min(1, 'sinceSeconds must be at least 1')
    .max(7 * 24 * 3600, 'sinceSeconds must be at most 7 days')
    .optional(),
  tailLines: z.coerce
    .number()
    .int('tailLines must be a whole number')
    .min(0, 'tailLines must be at least 0')
    .max(
      MAX_LIVE_TAIL_LINES,
      `tailLines must be at most ${MAX_LIVE_TAIL_LINES}`,
    )
    .optional(),
  previous: booleanQuery('previous'),
  follow: booleanQuery('follow').default(true),
});
export type LiveLogQuery = z.output<typeof liveLogQuerySchema>;

/**
 * One line of a live log, the `data` of a server-sent `line` event. Secrets in it are redacted
 * by the backend before it is sent.
 */
export const logLineSchema = z.object({
  time: z
    .string()
    .optional()
    .describe('When the container runtime received the line (RFC 3339).'),
  text: z.string().describe('The line as logged, secrets redacted.'),
});
export type LogLine = z.output<typeof logLineSchema>;

/** The `data` of a server-sent `error` event: the stream ended early, and why. */
export const logStreamErrorSchema = z.object({ message: z.string() });
export type LogStreamError = z.output<typeof logStreamErrorSchema>;

/** Log levels as the portal filters them, most severe first. */
export const LOG_LEVELS = [
  'fatal',
  'error',
  'warning',
  'info',
  'debug',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const KLOG_LEVELS: Record<string, LogLevel> = {
  F: 'fatal',
  E: 'error',
  W: 'warning',
  I: 'info',
};

const NAMED_LEVELS: Record<string, LogLevel> = {
  panic: 'fatal',
  dpanic: 'fatal',
  fatal: 'fatal',
  critical: 'fatal',
  error: 'error',
  err: 'error',
  warn: 'warning',
  warning: 'warning',
  info: 'info',
  notice: 'info',
  debug: 'debug',
  trace: 'debug',
};

/**
 * The level of a control-plane line: klog's header (`E1208 10:15:00.000000 ...`), or the `level`
 * / `severity` field of a JSON line (etcd, structured klog). Undefined when the line says none.
 */
export function parseLogLevel(text: string): LogLevel | undefined {
  const klog = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+/.exec(text);
  if (klog) return KLOG_LEVELS[klog[1]];
  if (text.startsWith('{')) {
    const field = /"(?:level|severity|lvl)"\s*:\s*"([A-Za-z]+)"/.exec(text);
    if (field) return NAMED_LEVELS[field[1].toLowerCase()];
  }
  return undefined;
}

/**
 * VictoriaLogs' tenant (AccountID, ProjectID) of a cluster's logs: the account from the hub's
 * name, the project from the cluster's namespace and name (FNV-1a, 32 bits each). The local hub's
 * collector stores each cluster's lines under it and the backend queries with it, so a query never
 * reads another cluster's tenant; the backend adds a stream filter on the cluster as well.
 */
export function logTenantOf(location: {
  hub: string;
  namespace: string;
  name: string;
}): { accountId: number; projectId: number } {
  return {
    accountId: fnv1a32(location.hub),
    projectId: fnv1a32(`${location.namespace}/${location.name}`),
  };
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The stream fields every control-plane line carries in the log store. */
export const LOG_STREAM_FIELDS = [
  'hub',
  'namespace',
  'cluster',
  'component',
  'pod',
] as const;

/** The component name audit events are stored under. */
export const AUDIT_LOG_COMPONENT = 'audit';

/** The local hub's VictoriaLogs, which `yarn hub start` runs. */
export const LOCAL_HUB_LOGS_URL = 'http://127.0.0.1:9428';

const timeQuery = (name: string) =>
  z
    .string()
    .refine(
      value => !Number.isNaN(Date.parse(value)),
      `${name} must be a time such as 2026-12-08T10:15:00Z`,
    )
    .optional();

/** What every search of the log store takes: a time range, a line limit, and filters. */
const searchFilters = {
  start: timeQuery('start').describe(
    'From (ISO 8601); an hour ago by default.',
  ),
  end: timeQuery('end').describe('Until (ISO 8601); now by default.'),
  limit: z.coerce
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .optional()
    .describe('The most lines to return, newest first; capped by the hub.'),
};

/** `GET /clusters/:hub/:name/logs/search` and `/logs/hits`: control-plane lines. */
export const logSearchQuerySchema = z.strictObject({
  ...searchFilters,
  query: z
    .string()
    .max(2000, 'query must be at most 2000 characters')
    .optional()
    .describe(
      "Words to find (mode text), or a LogsQL filter (mode logsql; pipes are ignored). Either way only the cluster's own lines are searched.",
    ),
  mode: z
    .enum(['text', 'logsql'], 'mode must be text or logsql')
    .default('text'),
  component: z
    .string()
    .regex(CONTAINER_NAME, 'component must be a component name')
    .optional(),
  pod: z.string().regex(POD_NAME, 'pod must be a pod name').optional(),
  level: z
    .enum(LOG_LEVELS, `level must be one of ${LOG_LEVELS.join(', ')}`)
    .optional()
    .describe('Lines of this level or more severe.'),
  step: z
    .string()
    .regex(/^\d+[smhd]$/, 'step must look like 30s, 5m, 1h or 1d')
    .optional()
    .describe(
      'The histogram bucket (hits only); chosen from the range when absent.',
    ),
});
export type LogSearchQuery = z.output<typeof logSearchQuerySchema>;

export const searchedLogLineSchema = z.object({
  time: z.string(),
  component: z.string(),
  pod: z.string(),
  level: z.enum(LOG_LEVELS).optional(),
  text: z.string().describe('The line, secrets redacted.'),
});
export type SearchedLogLine = z.output<typeof searchedLogLineSchema>;

export const logSearchResponseSchema = z.object({
  items: z.array(searchedLogLineSchema).describe('Newest first.'),
  limit: z.number().describe('The line limit applied.'),
  limited: z
    .boolean()
    .describe('Whether there may be more lines than the limit let through.'),
  start: z.string(),
  end: z.string(),
});
export type LogSearchResponse = z.output<typeof logSearchResponseSchema>;

export const logHitsResponseSchema = z.object({
  step: z.string(),
  buckets: z
    .array(z.object({ time: z.string(), count: z.number() }))
    .describe('Matching lines per bucket, oldest first.'),
  total: z.number(),
});
export type LogHitsResponse = z.output<typeof logHitsResponseSchema>;

/** `GET /clusters/:hub/:name/logs/audit`: the tenant API server's audit events. */
export const auditSearchQuerySchema = z.strictObject({
  ...searchFilters,
  user: z.string().max(256).optional(),
  verb: z
    .string()
    .regex(/^[a-z]+$/, 'verb must be a Kubernetes verb')
    .optional(),
  resource: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'resource must be a resource name')
    .optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'namespace must be a namespace name')
    .optional(),
  code: z.coerce
    .number()
    .int()
    .min(100)
    .max(599, 'code must be an HTTP status code')
    .optional(),
});
export type AuditSearchQuery = z.output<typeof auditSearchQuerySchema>;

export const auditEventSchema = z.object({
  time: z.string(),
  user: z.string(),
  groups: z.array(z.string()),
  verb: z.string(),
  resource: z.string().optional(),
  subresource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  code: z.number().optional(),
  sourceIPs: z.array(z.string()),
  userAgent: z.string().optional(),
  requestURI: z.string(),
});
export type AuditEvent = z.output<typeof auditEventSchema>;

export const auditSearchResponseSchema = z.object({
  items: z.array(auditEventSchema).describe('Newest first.'),
  limit: z.number(),
  limited: z.boolean(),
});
export type AuditSearchResponse = z.output<typeof auditSearchResponseSchema>;

/** `GET /clusters/:hub/:name/logs/store`: whether search is there, for the tab's states. */
export const logStoreStatusSchema = z.object({
  configured: z.boolean(),
  reachable: z.boolean(),
  reason: z
    .string()
    .optional()
    .describe(
      'Why search is not available: no log store, or the store does not answer.',
    ),
  maxRangeHours: z.number().optional(),
  maxLines: z.number().optional(),
});
export type LogStoreStatus = z.output<typeof logStoreStatusSchema>;

/** The tenant's Kubernetes events, shown beside its logs. */
export const tenantEventSchema = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string().describe('Secrets redacted.'),
  object: z.string().describe('kind/name of the object the event is about.'),
  namespace: z.string().optional(),
  count: z.number(),
  lastSeen: z.string().optional(),
});
export type TenantEvent = z.output<typeof tenantEventSchema>;

export const tenantEventsResponseSchema = z.object({
  items: z
    .array(tenantEventSchema)
    .describe('Warnings first, then newest first.'),
});
export type TenantEventsResponse = z.output<typeof tenantEventsResponseSchema>;

/** What the frontend asks for: the query schemas' fields, unset ones left out. */
export type LiveLogRequest = Pick<LiveLogQuery, 'pod' | 'component'> &
  Partial<Omit<LiveLogQuery, 'pod' | 'component'>>;
export type LogSearchRequest = Partial<LogSearchQuery>;
export type AuditSearchRequest = Partial<AuditSearchQuery>;

/** One event of a live log stream, as the frontend client yields them. */
export type LiveLogEvent =
  | { type: 'line'; line: LogLine }
  | { type: 'end' }
  | { type: 'error'; message: string };
