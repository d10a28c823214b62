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
