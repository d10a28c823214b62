import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';

/** How urgent an alert is: `critical` alerts are also sent to the owners as notifications. */
export type AlertSeverity = 'critical' | 'warning';

/** One alert rule of a tenant's control plane, in Prometheus' rule format. */
export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires, as a Prometheus duration. */
  for: string;
  labels: { severity: AlertSeverity; component: string };
  annotations: { summary: string; description: string; panel?: string };
}

/** The tenant labels every alert keeps, so Hostplane can tell whose it is. */
const TENANT = `${METRIC_LABELS.hub}, ${METRIC_LABELS.cluster}, ${METRIC_LABELS.owner}`;

/**
 * The control-plane rules, after Gardener's per-shoot rules: each is evaluated per tenant
 * (grouped by the tenant labels) and names the Monitoring panel that shows it.
 */
export const CONTROL_PLANE_RULES: AlertRule[] = [
  {
    alert: 'KubeApiserverDown',
    expr: 'up{job="kube-apiserver"} == 0',
    for: '5m',
    labels: { severity: 'critical', component: 'kube-apiserver' },
    annotations: {
      summary: 'The API server is down',
      description:
        'The API server of {{ $labels.hostplane_cluster }} has not answered its metrics scrape for 5 minutes: the cluster cannot be reached or changed.',
      panel: 'apiRequestRate',
    },
  },
  {
    alert: 'ApiserverRequestsFailureRate',
    expr: `sum by (${TENANT}) (rate(apiserver_request_total{code=~"5.."}[5m])) / sum by (${TENANT}) (rate(apiserver_request_total[5m])) > 0.05`,
    for: '10m',
    labels: { severity: 'warning', component: 'kube-apiserver' },
    annotations: {
      summary: 'Many API requests fail',
      description:
        'More than 5 % of the requests to the API server of {{ $labels.hostplane_cluster }} are answered with a 5xx code ({{ $value | humanizePercentage }}).',
      panel: 'apiErrorShare',
    },
  },
  {
    alert: 'KubeApiServerLatency',
    expr: `histogram_quantile(0.99, sum by (le, ${TENANT}) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT|LIST"}[5m]))) > 3`,
    for: '30m',
    labels: { severity: 'warning', component: 'kube-apiserver' },
    annotations: {
      summary: 'The API server answers slowly',
      description:
        'The 99th percentile of API request latency of {{ $labels.hostplane_cluster }} is {{ $value | humanizeDuration }}, above 3 s.',
      panel: 'apiLatencyP99',
    },
  },
  {
    alert: 'KubeEtcdMainDown',
    expr: `max by (${TENANT}) (up{job="etcd"}) == 0`,
    for: '5m',
    labels: { severity: 'critical', component: 'etcd' },
    annotations: {
      summary: 'etcd is down',
      description:
        'No etcd member of {{ $labels.hostplane_cluster }} has answered its metrics scrape for 5 minutes: the API server cannot read or write.',
      panel: 'etcdDbSize',
    },
  },
  {
    alert: 'KubeEtcd3MainNoLeader',
    expr: 'etcd_server_has_leader == 0',
    for: '10m',
    labels: { severity: 'critical', component: 'etcd' },
    annotations: {
      summary: 'An etcd member has no leader',
      description:
        'The etcd member {{ $labels.instance }} of {{ $labels.hostplane_cluster }} has had no leader for 10 minutes.',
      panel: 'etcdLeaderChanges',
    },
  },
  {
    alert: 'KubeEtcd3DbSizeLimitApproaching',
    expr: `max by (${TENANT}) (etcd_mvcc_db_total_size_in_bytes) / max by (${TENANT}) (etcd_server_quota_backend_bytes) > 0.8`,
    for: '15m',
    labels: { severity: 'warning', component: 'etcd' },
    annotations: {
      summary: 'etcd is near its space quota',
      description:
        'The etcd database of {{ $labels.hostplane_cluster }} uses {{ $value | humanizePercentage }} of its quota; at the quota etcd refuses writes.',
      panel: 'etcdDbSize',
    },
  },
  {
    alert: 'KubeControllerManagerDown',
    expr: 'up{job="kube-controller-manager"} == 0',
    for: '15m',
    labels: { severity: 'critical', component: 'kube-controller-manager' },
    annotations: {
      summary: 'The controller manager is down',
      description:
        'The controller manager of {{ $labels.hostplane_cluster }} has not answered for 15 minutes: deployments, nodes and service accounts are not reconciled.',
    },
  },
  {
    alert: 'KubeSchedulerDown',
    expr: 'up{job="kube-scheduler"} == 0',
    for: '15m',
    labels: { severity: 'critical', component: 'kube-scheduler' },
    annotations: {
      summary: 'The scheduler is down',
      description:
        'The scheduler of {{ $labels.hostplane_cluster }} has not answered for 15 minutes: new pods are not scheduled.',
    },
  },
];

/** The tenant labels and the NodePool: the node pool rules fire once per pool. */
const POOL = `${TENANT}, node_pool`;

/**
 * The node pool rules, on the series of the tenant's machines (see scrapeConfig.ts) and the
 * controller manager's node health: a pool that has used nearly all it has for a while needs
 * more nodes or bigger ones.
 *
 * - NodesNotReady (warning, 15m): the controller manager counts nodes that are not Ready.
 * - NodePoolCpuSaturated (warning, 30m): a pool's nodes use more than 90 % of their CPU.
 * - NodePoolMemorySaturated (warning, 15m): a pool's nodes use more than 90 % of their memory;
 *   shorter than for CPU, since memory that runs out evicts pods rather than slowing them.
 */
export const NODE_POOL_RULES: AlertRule[] = [
  {
    alert: 'NodesNotReady',
    expr: `max by (${TENANT}) (node_collector_unhealthy_nodes_in_zone{job="kube-controller-manager"}) > 0`,
    for: '15m',
    labels: { severity: 'warning', component: 'nodes' },
    annotations: {
      summary: 'Nodes are not Ready',
      description:
        '{{ $value }} nodes of {{ $labels.hostplane_cluster }} have not been Ready for 15 minutes: pods on them are evicted and no new ones are scheduled there.',
    },
  },
  {
    alert: 'NodePoolCpuSaturated',
    expr: `sum by (${POOL}) (rate(pod_cpu_usage_seconds_total[5m])) / sum by (${POOL}) (kube_pod_container_resource_requests{resource="cpu"}) > 0.9`,
    for: '30m',
    labels: { severity: 'warning', component: 'nodes' },
    annotations: {
      summary: 'A node pool is short of CPU',
      description:
        'The nodes of pool {{ $labels.node_pool }} of {{ $labels.hostplane_cluster }} use {{ $value | humanizePercentage }} of their CPU: add nodes to the pool or make them bigger.',
      panel: 'nodePoolCpu',
    },
  },
  {
    alert: 'NodePoolMemorySaturated',
    expr: `sum by (${POOL}) (pod_memory_working_set_bytes) / sum by (${POOL}) (kube_pod_container_resource_requests{resource="memory"}) > 0.9`,
    for: '15m',
    labels: { severity: 'warning', component: 'nodes' },
    annotations: {
      summary: 'A node pool is short of memory',
      description:
        'The nodes of pool {{ $labels.node_pool }} of {{ $labels.hostplane_cluster }} use {{ $value | humanizePercentage }} of their memory: pods are evicted once it runs out.',
      panel: 'nodePoolMemory',
    },
  },
];

/** The etcd snapshots Hostplane's backups take: etcd's gRPC Maintenance/Snapshot calls. */
const SNAPSHOTS =
  'grpc_server_handled_total{job="etcd", grpc_service="etcdserverpb.Maintenance", grpc_method="Snapshot"';

/**
 * The backup rules, on what etcd itself counts of the snapshots taken from it (the backend
 * exposes no metrics of its own):
 *
 * - EtcdBackupMissing (warning, 30m): no etcd member has served a snapshot for 25 hours (a day
 *   and an hour's grace for the daily schedule) while etcd has run that long. A cluster without
 *   a backup schedule gets it too: a day without a backup is worth knowing of.
 * - EtcdBackupFailed (warning, 1m): a snapshot ended with an error in the last hour; it stays
 *   firing that hour, so one failure is seen, not lost between evaluations.
 */
export const BACKUP_RULES: AlertRule[] = [
  {
    alert: 'EtcdBackupMissing',
    expr: `sum by (${TENANT}) (increase(${SNAPSHOTS}, grpc_code="OK"}[25h])) == 0 and on (${TENANT}) max by (${TENANT}) (time() - process_start_time_seconds{job="etcd"}) > 25 * 3600`,
    for: '30m',
    labels: { severity: 'warning', component: 'backups' },
    annotations: {
      summary: 'No etcd backup for a day',
      description:
        'No backup of the etcd of {{ $labels.hostplane_cluster }} has been taken for 25 hours: a restore would lose more than a day.',
    },
  },
  {
    alert: 'EtcdBackupFailed',
    expr: `sum by (${TENANT}) (increase(${SNAPSHOTS}, grpc_code!="OK"}[1h])) > 0`,
    for: '1m',
    labels: { severity: 'warning', component: 'backups' },
    annotations: {
      summary: 'An etcd backup failed',
      description:
        'A snapshot of the etcd of {{ $labels.hostplane_cluster }} ended with an error in the last hour: its backup was not written.',
    },
  },
];

/** Every rule group vmalert evaluates, each rule per tenant. */
export const ALERT_RULE_GROUPS: Array<{ name: string; rules: AlertRule[] }> = [
  { name: 'hostplane-control-plane', rules: CONTROL_PLANE_RULES },
  { name: 'hostplane-node-pools', rules: NODE_POOL_RULES },
  { name: 'hostplane-backups', rules: BACKUP_RULES },
];

/**
 * The rule file vmalert evaluates. `forOverride` replaces every rule's `for` (tests wait seconds,
 * not minutes).
 */
export function renderAlertRules(options: { forOverride?: string } = {}) {
  return {
    groups: ALERT_RULE_GROUPS.map(group => ({
      name: group.name,
      rules: group.rules.map(rule => ({
        ...rule,
        for: options.forOverride ?? rule.for,
      })),
    })),
  };
}
