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

/**
 * The rule file vmalert evaluates. `forOverride` replaces every rule's `for` (tests wait seconds,
 * not minutes).
 */
export function renderAlertRules(options: { forOverride?: string } = {}) {
  return {
    groups: [
      {
        name: 'hostplane-control-plane',
        rules: CONTROL_PLANE_RULES.map(rule => ({
          ...rule,
          for: options.forOverride ?? rule.for,
        })),
      },
    ],
  };
}
