import {
  ClusterMetricsRawResponse,
  ClusterMetricsResponse,
  MetricPanelId,
  MetricsRange,
} from '@hostplane/plugin-hostplane-common';
import { MetricsStore, MetricsStoreConfig } from './MetricsStore';
import { PANELS, RANGE_WINDOWS, panelExpr } from './panels';

/** The window a range asks for, ending now, aligned to its step (so refreshes share points). */
export function rangeWindow(range: MetricsRange, nowMs: number) {
  const { seconds, stepSeconds } = RANGE_WINDOWS[range];
  const end = Math.floor(nowMs / 1000 / stepSeconds) * stepSeconds;
  return { start: end - seconds, end, stepSeconds };
}

/** A cluster's metrics from its hub's store, as named panels or as one PromQL query. */
export class ClusterMetrics {
  private readonly stores: Map<string, MetricsStore>;

  constructor(
    configs: Map<string, MetricsStoreConfig>,
    private readonly now: () => number = Date.now,
  ) {
    this.stores = new Map(
      [...configs].map(([hub, config]) => [hub, new MetricsStore(config)]),
    );
  }

  /** The hub's store, if it has one. */
  store(hub: string): MetricsStore | undefined {
    return this.stores.get(hub);
  }

  /** Each panel's series; a panel the store failed keeps its error, the others their data. */
  async panels(
    store: MetricsStore,
    cluster: { hub: string; name: string },
    ids: MetricPanelId[],
    range: MetricsRange,
  ): Promise<ClusterMetricsResponse> {
    const window = rangeWindow(range, this.now());
    const panels = await Promise.all(
      ids.map(async id => {
        const panel = PANELS[id];
        const base = {
          id,
          title: panel.title,
          description: panel.description,
          unit: panel.unit,
        };
        try {
          const perQuery = await Promise.all(
            panel.queries.map(async query => {
              const series = await store.queryRange({
                hub: cluster.hub,
                cluster: cluster.name,
                expr: panelExpr(query, window.stepSeconds),
                ...window,
              });
              return series.map(s => ({ ...s, name: query.legend(s.labels) }));
            }),
          );
          return { ...base, series: perQuery.flat() };
        } catch (error) {
          return { ...base, series: [], error: (error as Error).message };
        }
      }),
    );
    return {
      hub: cluster.hub,
      cluster: cluster.name,
      range,
      ...window,
      panels,
    };
  }

  /** One query's series, limited to the cluster's. */
  async query(
    store: MetricsStore,
    cluster: { hub: string; name: string },
    expr: string,
    range: MetricsRange,
  ): Promise<ClusterMetricsRawResponse> {
    const window = rangeWindow(range, this.now());
    const series = await store.queryRange({
      hub: cluster.hub,
      cluster: cluster.name,
      expr,
      ...window,
    });
    return {
      hub: cluster.hub,
      cluster: cluster.name,
      range,
      ...window,
      series: series.map(s => ({
        ...s,
        name: s.labels.__name__ ?? JSON.stringify(s.labels),
      })),
    };
  }
}
