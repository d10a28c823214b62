import { METRIC_LABELS, MetricPanel } from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import {
  hostplaneApi,
  latest,
  useMonitoredHub,
} from './__testUtils__/monitoredHub';

jest.setTimeout(600_000);

const SCRAPE_INTERVAL_SECONDS = 5;
const GIB = 1024 ** 3;
const PANELS = ['nodePoolCpu', 'nodePoolMemory', 'topNodes'];

/** The newest value of the panel's series with this legend name. */
const valueOf = (panel: MetricPanel, name: string) =>
  latest(panel.series.find(s => s.name === name)?.points ?? []);

/** The nodes the busiest-nodes panel shows a value for now. */
const nodesNow = (panel: MetricPanel) =>
  panel.series
    .filter(s => latest(s.points) !== undefined)
    .map(s => s.name)
    .sort();

describe('node pool resource usage: scaling a pool changes its nodes, and the usage charts follow', () => {
  const context = useMonitoredHub('node-pool-usage', {
    scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
  });
  const hostplane = () => hostplaneApi(context);

  /** Waits until the panels hold what `ready` asks of them, and returns them. */
  const panelsWhen = (
    what: string,
    ready: (panels: Record<string, MetricPanel>) => boolean,
  ) =>
    context.standinLog.explainFailure(
      waitFor(
        what,
        async () => {
          const panels = await hostplane().panels('shop', PANELS);
          return ready(panels) ? panels : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 2_000 },
      ),
    );

  it("charts a pool's CPU and memory used against allocatable, and its busiest nodes, before and after it is scaled 1→3", async () => {
    await hostplane().create({
      name: 'shop',
      owner: 'group:default/team-a',
      hub: 'local',
      version: 'v1.37.2',
      nodePools: [
        { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
      ],
    });

    const before = await panelsWhen(
      "shop's one workers node in the node pool panels",
      p =>
        valueOf(p.nodePoolCpu, 'workers used') !== undefined &&
        valueOf(p.nodePoolMemory, 'workers used') !== undefined &&
        nodesNow(p.topNodes).length === 1,
    );
    for (const panel of Object.values(before)) {
      expect(panel.error).toBeUndefined();
    }
    expect(valueOf(before.nodePoolCpu, 'workers allocatable')).toBe(2);
    expect(valueOf(before.nodePoolMemory, 'workers allocatable')).toBe(8 * GIB);
    const usedCpuBefore = valueOf(before.nodePoolCpu, 'workers used')!;
    const usedMemoryBefore = valueOf(before.nodePoolMemory, 'workers used')!;
    // A share of what the machine has: used, not idle, and not past its size.
    expect(usedCpuBefore).toBeGreaterThan(0.1);
    expect(usedCpuBefore).toBeLessThan(2);
    expect(usedMemoryBefore).toBeGreaterThan(GIB);
    expect(usedMemoryBefore).toBeLessThan(8 * GIB);
    // The nodes are the machines (HyperShift names them after the NodePool object, <cluster>-<pool>);
    // the pool is as the portal names it.
    expect(nodesNow(before.topNodes)).toEqual(['shop-workers-0 (workers)']);

    await hostplane().change('shop', {
      action: 'scale',
      pool: 'workers',
      replicas: 3,
    });
    const after = await panelsWhen(
      "shop's three workers nodes in the node pool panels",
      p =>
        nodesNow(p.topNodes).length === 3 &&
        valueOf(p.nodePoolCpu, 'workers allocatable') === 6 &&
        valueOf(p.nodePoolMemory, 'workers allocatable') === 24 * GIB &&
        // The new nodes' CPU is a rate: it counts once two of their scrapes are in.
        valueOf(p.nodePoolCpu, 'workers used')! > 2 * usedCpuBefore,
    );
    expect(nodesNow(after.topNodes)).toEqual([
      'shop-workers-0 (workers)',
      'shop-workers-1 (workers)',
      'shop-workers-2 (workers)',
    ]);
    expect(valueOf(after.nodePoolMemory, 'workers used')).toBeGreaterThan(
      2 * usedMemoryBefore,
    );
    expect(valueOf(after.nodePoolCpu, 'workers used')).toBeLessThan(6);
    for (const series of after.topNodes.series) {
      const share = latest(series.points);
      if (share === undefined) continue;
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(1);
    }
  });

  it('stores the series with the tenant labels and the node pool, and only those of its machines', async () => {
    const response = await fetch(
      `${
        context.pipeline.victoriaMetricsUrl
      }/api/v1/query?${new URLSearchParams({
        query: 'pod_memory_working_set_bytes',
      })}`,
    );
    const body = await response.json();
    const series = body.data.result as Array<{
      metric: Record<string, string>;
    }>;
    // The hub's own pods (control planes, the hub nodes' totals) are in no tenant's series.
    expect(series.map(s => s.metric.node).sort()).toEqual([
      'shop-workers-0',
      'shop-workers-1',
      'shop-workers-2',
    ]);
    for (const { metric } of series) {
      expect(metric).toMatchObject({
        [METRIC_LABELS.hub]: 'local',
        [METRIC_LABELS.cluster]: 'shop',
        [METRIC_LABELS.owner]: 'group:default/team-a',
        node_pool: 'workers',
        job: 'node-resources',
      });
      expect(metric.namespace).toBeUndefined();
      expect(metric.pod).toBeUndefined();
    }
  });
});
