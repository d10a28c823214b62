import { HYPERSHIFT_NODE_POOL_LABEL } from '../TenantProcesses';

/**
 * Where the hub's KWOK controller serves a hub node's simulated kubelet resource metrics (the
 * kubelet's own path, `{nodeName}` being the hub node).
 */
export const NODE_RESOURCE_METRICS_PATH =
  '/metrics/nodes/{nodeName}/metrics/resource';

/** The path of one hub node's resource metrics. */
export function nodeResourceMetricsPath(hubNode: string): string {
  return NODE_RESOURCE_METRICS_PATH.replace('{nodeName}', hubNode);
}

const poolLabel = `pod.metadata.labels["${HYPERSHIFT_NODE_POOL_LABEL}"]`;
const isMachine = `"${HYPERSHIFT_NODE_POOL_LABEL}" in pod.metadata.labels`;
/** Odd-numbered machines of a pool (`<pool>-1`, `<pool>-3`...) run busier than even ones. */
const oddMachine = `pod.metadata.name.matches("[13579]$")`;
/** A slow deterministic wave: the share steps every minute through three levels. */
const minuteStep = `double(int(Now().UnixSecond() / 60.0) % 3)`;

/**
 * The share of a machine's size its guest uses: deterministic from the pool's name (its length:
 * standard CEL has no hash) and the machine's number, stepping a little every minute, so pools
 * differ from each other and the charts move.
 */
function usedShare(base: number, perPool: number, pools: number): string {
  return `(${base} + ${perPool} * double(size(${poolLabel}) % ${pools}) + (${oddMachine} ? 0.1 : 0.0) + 0.05 * ${minuteStep})`;
}

/**
 * What a pod's containers use, for KWOK to report: a tenant's machine (its virt-launcher pod,
 * which carries the NodePool label) uses a share of what it requests, which is its VM's size;
 * every other pod (the control planes' pods) a little.
 */
export function clusterResourceUsage() {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterResourceUsage',
    metadata: { name: 'hostplane-machines' },
    spec: {
      usages: [
        {
          usage: {
            cpu: {
              expression: `${isMachine} ? container.resources.requests["cpu"] * ${usedShare(
                0.2,
                0.1,
                4,
              )} : Quantity("10m")`,
            },
            memory: {
              expression: `${isMachine} ? container.resources.requests["memory"] * ${usedShare(
                0.3,
                0.1,
                3,
              )} : Quantity("64Mi")`,
            },
          },
        },
      ],
    },
  };
}

const podLabels = [
  { name: 'namespace', value: 'pod.metadata.namespace' },
  { name: 'pod', value: 'pod.metadata.name' },
];
const containerLabels = [
  ...podLabels,
  { name: 'container', value: 'container.name' },
];

/**
 * The series the hub's KWOK controller serves per hub node, after the kubelet's
 * `/metrics/resource` (node and pod CPU and memory, from the usage above), plus what
 * kube-state-metrics reports of each container's requests: a machine's requests are its VM's
 * size, which is what its tenant node has to allocate. All one Metric: KWOK keeps one metric
 * registry per node name, shared by every path.
 */
export function nodeResourceMetric() {
  const requests = (resource: 'cpu' | 'memory', unit: string) => ({
    name: 'kube_pod_container_resource_requests',
    dimension: 'container',
    kind: 'gauge',
    help: 'The resources a container requests.',
    labels: [
      ...containerLabels,
      { name: 'resource', value: `"${resource}"` },
      { name: 'unit', value: `"${unit}"` },
    ],
    value: `container.resources.requests["${resource}"]`,
  });
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Metric',
    metadata: { name: 'hostplane-node-resources' },
    spec: {
      path: NODE_RESOURCE_METRICS_PATH,
      metrics: [
        {
          name: 'node_cpu_usage_seconds_total',
          dimension: 'node',
          kind: 'counter',
          help: 'CPU time the node has used, in core-seconds.',
          value: 'node.CumulativeUsage("cpu")',
        },
        {
          name: 'node_memory_working_set_bytes',
          dimension: 'node',
          kind: 'gauge',
          help: 'Memory the node uses now (working set), in bytes.',
          value: 'node.Usage("memory")',
        },
        {
          name: 'pod_cpu_usage_seconds_total',
          dimension: 'pod',
          kind: 'counter',
          help: 'CPU time the pod has used, in core-seconds.',
          labels: podLabels,
          value: 'pod.CumulativeUsage("cpu")',
        },
        {
          name: 'pod_memory_working_set_bytes',
          dimension: 'pod',
          kind: 'gauge',
          help: 'Memory the pod uses now (working set), in bytes.',
          labels: podLabels,
          value: 'pod.Usage("memory")',
        },
        requests('cpu', 'core'),
        requests('memory', 'byte'),
      ],
    },
  };
}

/** The KWOK objects the hub is given at start for simulated resource usage. */
export function resourceUsageObjects() {
  return [clusterResourceUsage(), nodeResourceMetric()];
}
