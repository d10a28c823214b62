import {
  MetricPanelId,
  MetricUnit,
  MetricsRange,
} from '@hostplane/plugin-hostplane-common';

/** One query of a panel and how its series are named in the legend. */
export interface PanelQuery {
  /** PromQL over one cluster's series; `$window` is the rate window for the range asked. */
  expr: string;
  /** The legend name of a series, from its labels. */
  legend: (labels: Record<string, string>) => string;
}

export interface PanelDefinition {
  title: string;
  description: string;
  unit: MetricUnit;
  queries: PanelQuery[];
}

const fixed = (name: string) => () => name;

/**
 * The Monitoring tab's panels. The queries name no tenant: the store (or the PromQL rewrite)
 * limits every selector to the cluster asked for.
 */
export const PANELS: Record<MetricPanelId, PanelDefinition> = {
  apiRequestRate: {
    title: 'API requests',
    description: 'Requests per second to the API server, by verb and code',
    unit: 'requestsPerSecond',
    queries: [
      {
        expr: 'sum by (verb, code) (rate(apiserver_request_total[$window]))',
        legend: l => `${l.verb ?? ''} ${l.code ?? ''}`.trim(),
      },
    ],
  },
  apiErrorShare: {
    title: 'API 5xx share',
    description: 'The share of API requests answered with a 5xx code',
    unit: 'ratio',
    queries: [
      {
        // No 5xx at all is a share of 0, not a gap.
        expr: '(sum(rate(apiserver_request_total{code=~"5.."}[$window])) or vector(0)) / sum(rate(apiserver_request_total[$window]))',
        legend: fixed('5xx share'),
      },
    ],
  },
  apiLatencyP99: {
    title: 'API latency (p99)',
    description:
      'The 99th percentile of API request latency by verb, long-running WATCH and CONNECT left out',
    unit: 'seconds',
    queries: [
      {
        expr: 'histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[$window])))',
        legend: l => l.verb ?? 'all',
      },
    ],
  },
  apiInflight: {
    title: 'API requests in flight',
    description:
      'Requests the API server is serving now, mutating and read-only',
    unit: 'count',
    queries: [
      {
        expr: 'sum by (request_kind) (apiserver_current_inflight_requests)',
        legend: l => l.request_kind ?? 'all',
      },
    ],
  },
  etcdDbSize: {
    title: 'etcd database size',
    description:
      'The etcd database file of the largest member, the part of it in use, and the quota it may not exceed',
    unit: 'bytes',
    queries: [
      {
        expr: 'max(etcd_mvcc_db_total_size_in_bytes)',
        legend: fixed('size'),
      },
      {
        expr: 'max(etcd_mvcc_db_total_size_in_use_in_bytes)',
        legend: fixed('in use'),
      },
      {
        expr: 'max(etcd_server_quota_backend_bytes)',
        legend: fixed('quota'),
      },
    ],
  },
  etcdLeaderChanges: {
    title: 'etcd leader changes',
    description: 'Leader changes seen by the etcd members in each window',
    unit: 'count',
    queries: [
      {
        expr: 'max(increase(etcd_server_leader_changes_seen_total[$window]))',
        legend: fixed('leader changes'),
      },
    ],
  },
  etcdWalFsyncP99: {
    title: 'etcd WAL fsync (p99)',
    description:
      'The 99th percentile of the time each etcd member takes to sync its write-ahead log',
    unit: 'seconds',
    queries: [
      {
        expr: 'histogram_quantile(0.99, sum by (le, instance) (rate(etcd_disk_wal_fsync_duration_seconds_bucket[$window])))',
        legend: l => l.instance ?? 'etcd',
      },
    ],
  },
  nodePoolCpu: {
    title: 'Node pool CPU',
    description:
      'CPU cores the nodes of each pool use, against what their machines have to allocate',
    unit: 'cores',
    queries: [
      {
        expr: 'sum by (node_pool) (rate(pod_cpu_usage_seconds_total[$window]))',
        legend: l => `${l.node_pool ?? 'all'} used`,
      },
      {
        expr: 'sum by (node_pool) (kube_pod_container_resource_requests{resource="cpu"})',
        legend: l => `${l.node_pool ?? 'all'} allocatable`,
      },
    ],
  },
  nodePoolMemory: {
    title: 'Node pool memory',
    description:
      'Memory the nodes of each pool use (working set), against what their machines have to allocate',
    unit: 'bytes',
    queries: [
      {
        expr: 'sum by (node_pool) (pod_memory_working_set_bytes)',
        legend: l => `${l.node_pool ?? 'all'} used`,
      },
      {
        expr: 'sum by (node_pool) (kube_pod_container_resource_requests{resource="memory"})',
        legend: l => `${l.node_pool ?? 'all'} allocatable`,
      },
    ],
  },
  topNodes: {
    title: 'Busiest nodes',
    description:
      'The ten nodes using the largest share of their CPU, with their pool',
    unit: 'ratio',
    queries: [
      {
        expr: 'topk(10, sum by (node, node_pool) (rate(pod_cpu_usage_seconds_total[$window])) / sum by (node, node_pool) (kube_pod_container_resource_requests{resource="cpu"}))',
        legend: l => `${l.node ?? 'node'} (${l.node_pool ?? 'no pool'})`,
      },
    ],
  },
};

/** How far back a range reaches, and the step that gives a chart 120 to 170 points. */
export const RANGE_WINDOWS: Record<
  MetricsRange,
  { seconds: number; stepSeconds: number }
> = {
  '1h': { seconds: 3_600, stepSeconds: 30 },
  '6h': { seconds: 6 * 3_600, stepSeconds: 180 },
  '24h': { seconds: 24 * 3_600, stepSeconds: 600 },
  '7d': { seconds: 7 * 24 * 3_600, stepSeconds: 3_600 },
};

/**
 * The rate window for a step: at least two minutes (several scrapes at the 15 s interval), and
 * two steps, so that no sample falls between two points.
 */
export function rateWindow(stepSeconds: number): string {
  return `${Math.max(120, 2 * stepSeconds)}s`;
}

/** A panel query with its window filled in. */
export function panelExpr(query: PanelQuery, stepSeconds: number): string {
  return query.expr.replaceAll('$window', rateWindow(stepSeconds));
}
