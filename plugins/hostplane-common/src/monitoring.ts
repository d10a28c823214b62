import { z } from 'zod';

/**
 * The labels every series of a tenant's control plane carries in a hub's metrics store, added by
 * the scraper's relabelling: the hub and cluster name as the API names a cluster (`hub/name`),
 * and the owner's entity ref. The store's tenant filter is on the first two.
 */
export const METRIC_LABELS = {
  hub: 'hostplane_hub',
  cluster: 'hostplane_cluster',
  owner: 'hostplane_owner',
} as const;

/** Where the local hub's VictoriaMetrics answers (VictoriaMetrics' own default port). */
export const LOCAL_HUB_METRICS_URL = 'http://127.0.0.1:8428';

/** The metrics stores Hostplane queries, both through the Prometheus HTTP API. */
export const METRICS_STORE_TYPES = ['victoriametrics', 'prometheus'] as const;
export type MetricsStoreType = (typeof METRICS_STORE_TYPES)[number];

/** The time ranges the Monitoring tab offers, each ending now. */
export const METRICS_RANGES = ['1h', '6h', '24h', '7d'] as const;
export type MetricsRange = (typeof METRICS_RANGES)[number];

/** The named panels of a cluster's Monitoring tab, in the order it shows them. */
export const METRIC_PANELS = [
  'apiRequestRate',
  'apiErrorShare',
  'apiLatencyP99',
  'apiInflight',
  'etcdDbSize',
  'etcdLeaderChanges',
  'etcdWalFsyncP99',
  'nodePoolCpu',
  'nodePoolMemory',
  'topNodes',
] as const;
export type MetricPanelId = (typeof METRIC_PANELS)[number];

/** How a panel's values read: the chart formats its axis and tooltips by it. */
export const METRIC_UNITS = [
  'requestsPerSecond',
  'ratio',
  'seconds',
  'bytes',
  'count',
  'cores',
] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

const rangeSchema = z
  .enum(METRICS_RANGES, { error: 'range must be one of 1h, 6h, 24h, 7d' })
  .default('1h');

export const clusterMetricsQuerySchema = z.strictObject({
  panels: z
    .string()
    .max(500, 'panels must be at most 500 characters')
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return [...METRIC_PANELS];
      const ids = value.split(',');
      const unknown = ids.filter(
        id => !(METRIC_PANELS as readonly string[]).includes(id),
      );
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `panels names unknown panels: ${unknown.join(', ')}`,
        });
        return z.NEVER;
      }
      return [...new Set(ids)] as MetricPanelId[];
    })
    .describe(
      `Comma-separated panel ids (${METRIC_PANELS.join(
        ', ',
      )}); all when absent.`,
    ),
  range: rangeSchema,
});
export type ClusterMetricsQuery = z.input<typeof clusterMetricsQuerySchema>;

export const clusterMetricsRawQuerySchema = z.strictObject({
  query: z
    .string()
    .min(1, 'query must not be empty')
    .max(2000, 'query must be at most 2000 characters')
    .describe(
      "A PromQL expression; it sees only this cluster's series, whatever it selects.",
    ),
  range: rangeSchema,
});
export type ClusterMetricsRawQuery = z.input<
  typeof clusterMetricsRawQuerySchema
>;

export const metricSeriesSchema = z.object({
  name: z.string().describe('What the legend calls the series.'),
  labels: z.record(z.string(), z.string()),
  points: z
    .array(z.tuple([z.number(), z.number().nullable()]))
    .describe(
      'Pairs of Unix time in seconds and value, oldest first; null where the store has no value (NaN, ±Inf).',
    ),
});
export type MetricSeries = z.output<typeof metricSeriesSchema>;

export const metricPanelSchema = z.object({
  id: z.enum(METRIC_PANELS),
  title: z.string(),
  description: z.string(),
  unit: z.enum(METRIC_UNITS),
  series: z.array(metricSeriesSchema),
  error: z
    .string()
    .optional()
    .describe('Why the store did not answer this panel; the others may have.'),
});
export type MetricPanel = z.output<typeof metricPanelSchema>;

const windowFields = {
  hub: z.string(),
  cluster: z.string(),
  range: z.enum(METRICS_RANGES),
  start: z.number().describe('Unix time in seconds of the first point.'),
  end: z.number().describe('Unix time in seconds of the last point.'),
  stepSeconds: z.number().int().positive(),
};

export const clusterMetricsResponseSchema = z.object({
  ...windowFields,
  panels: z.array(metricPanelSchema),
});
export type ClusterMetricsResponse = z.output<
  typeof clusterMetricsResponseSchema
>;

export const clusterMetricsRawResponseSchema = z.object({
  ...windowFields,
  series: z.array(metricSeriesSchema),
});
export type ClusterMetricsRawResponse = z.output<
  typeof clusterMetricsRawResponseSchema
>;

/** Where the local hub's Alertmanager answers (Alertmanager's own default port). */
export const LOCAL_HUB_ALERTMANAGER_URL = 'http://127.0.0.1:9093';

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;

export const clusterAlertSchema = z.object({
  fingerprint: z
    .string()
    .describe("Alertmanager's identity of the alert (its labels' hash)."),
  name: z.string().describe('The rule that fired, such as KubeApiserverDown.'),
  severity: z.string(),
  summary: z.string(),
  description: z.string(),
  state: z.enum(['firing', 'resolved']),
  silenced: z
    .boolean()
    .describe('Whether a silence in Alertmanager holds its notifications.'),
  startsAt: z.string().describe('When it began firing (ISO 8601).'),
  endsAt: z
    .string()
    .optional()
    .describe('When it was resolved (ISO 8601); absent while firing.'),
  labels: z.record(z.string(), z.string()),
  panel: z
    .enum(METRIC_PANELS)
    .optional()
    .describe('The Monitoring panel that shows what it is about.'),
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  silencedBy: z
    .string()
    .optional()
    .describe('Who silenced it from the portal, while a silence holds it.'),
});
export type ClusterAlert = z.output<typeof clusterAlertSchema>;

export const clusterAlertsResponseSchema = z.object({
  items: z
    .array(clusterAlertSchema)
    .describe('Firing alerts first, then resolved ones; newest first in each.'),
});
export type ClusterAlertsResponse = z.output<
  typeof clusterAlertsResponseSchema
>;

export const alertSilenceRequestSchema = z.strictObject({
  fingerprint: z.string().min(1).max(64),
  durationMinutes: z
    .number({ error: 'durationMinutes must be a number' })
    .int('durationMinutes must be a whole number')
    .min(5, 'durationMinutes must be at least 5')
    .max(7 * 24 * 60, 'durationMinutes must be at most a week (10080)'),
  comment: z
    .string()
    .trim()
    .min(1, 'comment must say why')
    .max(500, 'comment must be at most 500 characters'),
});
export type AlertSilenceRequest = z.input<typeof alertSilenceRequestSchema>;

export const alertSilenceResponseSchema = z.object({
  silenceId: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
});
export type AlertSilenceResponse = z.output<typeof alertSilenceResponseSchema>;

/**
 * What the Clusters page and a cluster's overview badge: per cluster with anything firing, its
 * firing monitoring alerts by severity and its open threat alerts. Clusters with nothing firing
 * are left out, so the answer stays small with thousands of clusters.
 */
export const clusterAlertSummarySchema = z.object({
  hub: z.string(),
  cluster: z.string(),
  firing: z.object({
    critical: z.number().int(),
    warning: z.number().int(),
    info: z.number().int(),
  }),
  /** Firing alerts silenced in Alertmanager, counted apart from the above. */
  silenced: z.number().int(),
  openThreats: z.number().int(),
});
export type ClusterAlertSummary = z.output<typeof clusterAlertSummarySchema>;

export const alertSummaryResponseSchema = z.object({
  items: z.array(clusterAlertSummarySchema),
});
export type AlertSummaryResponse = z.output<typeof alertSummaryResponseSchema>;
