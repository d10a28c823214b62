import {
  NODE_RESOURCE_METRICS_PATH,
  clusterResourceUsage,
  nodeResourceMetric,
  nodeResourceMetricsPath,
} from './nodeResourceUsage';

describe('simulated resource usage of the hub', () => {
  it("serves the kubelet's resource metrics per hub node, with the containers' requests", () => {
    const metric = nodeResourceMetric();
    expect(metric.spec.path).toBe(NODE_RESOURCE_METRICS_PATH);
    expect(nodeResourceMetricsPath('hub-node-1')).toBe(
      '/metrics/nodes/hub-node-1/metrics/resource',
    );
    expect(metric.spec.metrics.map(m => m.name)).toEqual([
      'node_cpu_usage_seconds_total',
      'node_memory_working_set_bytes',
      'pod_cpu_usage_seconds_total',
      'pod_memory_working_set_bytes',
      'kube_pod_container_resource_requests',
      'kube_pod_container_resource_requests',
    ]);
    // One name for both resources needs one label set (Prometheus' registry insists).
    const requests = metric.spec.metrics.filter(
      m => m.name === 'kube_pod_container_resource_requests',
    );
    expect(requests.map(m => m.labels!.map(l => l.name))).toEqual([
      ['namespace', 'pod', 'container', 'resource', 'unit'],
      ['namespace', 'pod', 'container', 'resource', 'unit'],
    ]);
    expect(new Set(requests.map(m => m.help)).size).toBe(1);
  });

  it("uses a share of a machine's requests, varied by its pool and number, and a little for other pods", () => {
    const { cpu, memory } = clusterResourceUsage().spec.usages[0].usage;
    for (const expression of [cpu.expression, memory.expression]) {
      expect(expression).toMatch(
        /^"hypershift\.openshift\.io\/nodePool" in pod\.metadata\.labels \? container\.resources\.requests\["(cpu|memory)"\] \* \(/,
      );
      expect(expression).toContain(
        'size(pod.metadata.labels["hypershift.openshift.io/nodePool"])',
      );
      expect(expression).toContain('pod.metadata.name.matches("[13579]$")');
    }
    expect(cpu.expression).toMatch(/: Quantity\("10m"\)$/);
    expect(memory.expression).toMatch(/: Quantity\("64Mi"\)$/);
  });
});
