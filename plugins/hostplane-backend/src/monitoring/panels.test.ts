import { METRIC_PANELS } from '@hostplane/plugin-hostplane-common';
import { rangeWindow } from './ClusterMetrics';
import { PANELS, RANGE_WINDOWS, panelExpr, rateWindow } from './panels';
import { enforceMatchers } from './promqlTenancy';

describe('panels', () => {
  it('defines every panel the API names, in its order', () => {
    expect(Object.keys(PANELS)).toEqual([...METRIC_PANELS]);
  });

  it('has queries that parse and can be limited to one cluster', () => {
    for (const [id, panel] of Object.entries(PANELS)) {
      expect(panel.queries.length).toBeGreaterThan(0);
      for (const query of panel.queries) {
        const expr = panelExpr(query, 30);
        expect(expr).not.toContain('$window');
        expect(() =>
          enforceMatchers(expr, { hostplane_cluster: 'shop' }),
        ).not.toThrow();
        // Tenancy is the store's or the rewrite's, never the panel's own.
        expect(`${id}: ${expr}`).not.toContain('hostplane_');
      }
    }
  });

  it('names series in the legend from their labels', () => {
    const [requests] = PANELS.apiRequestRate.queries;
    expect(requests.legend({ verb: 'GET', code: '200' })).toBe('GET 200');
    expect(PANELS.etcdDbSize.queries.map(q => q.legend({}))).toEqual([
      'size',
      'in use',
      'quota',
    ]);
  });

  it("shows each node pool's usage against its allocatable, and the busiest nodes by name and pool", () => {
    expect(
      PANELS.nodePoolCpu.queries.map(q => q.legend({ node_pool: 'workers' })),
    ).toEqual(['workers used', 'workers allocatable']);
    expect(
      PANELS.nodePoolMemory.queries.map(q => q.legend({ node_pool: 'batch' })),
    ).toEqual(['batch used', 'batch allocatable']);
    expect(PANELS.nodePoolCpu.unit).toBe('cores');
    expect(PANELS.nodePoolMemory.unit).toBe('bytes');
    const [top] = PANELS.topNodes.queries;
    expect(top.legend({ node: 'workers-1', node_pool: 'workers' })).toBe(
      'workers-1 (workers)',
    );
    expect(panelExpr(top, 30)).toMatch(/^topk\(10, /);
    // Every selector of the node pool panels gets the tenant's matcher.
    const limited = enforceMatchers(panelExpr(top, 30), {
      hostplane_cluster: 'shop',
    });
    expect(limited.match(/hostplane_cluster="shop"/g)).toHaveLength(2);
  });

  it('rates over at least two minutes and two steps', () => {
    expect(rateWindow(30)).toBe('120s');
    expect(rateWindow(600)).toBe('1200s');
    expect(panelExpr(PANELS.apiInflight.queries[0], 30)).toBe(
      'sum by (request_kind) (apiserver_current_inflight_requests)',
    );
  });

  it('gives each range 120 to 170 points, aligned to its step', () => {
    const now = Date.UTC(2026, 11, 8, 10, 7, 13);
    for (const [range, { seconds, stepSeconds }] of Object.entries(
      RANGE_WINDOWS,
    )) {
      const points = seconds / stepSeconds;
      expect(points).toBeGreaterThanOrEqual(120);
      expect(points).toBeLessThanOrEqual(170);
      const window = rangeWindow(range as keyof typeof RANGE_WINDOWS, now);
      expect(window.end % stepSeconds).toBe(0);
      expect(window.end).toBeLessThanOrEqual(now / 1000);
      expect(window.end - window.start).toBe(seconds);
    }
  });
});
