import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import {
  ClusterMetricsResponse,
  MetricPanel,
} from '@hostplane/plugin-hostplane-common';
import { mockHostplaneApi, renderClusterTab } from '../__testUtils__/fixtures';
import { chartRows } from './MetricChart';
import { formatMetric } from './formatMetric';
import { MonitoringContent, REFRESH_INTERVAL_MS } from './MonitoringContent';

jest.setTimeout(30_000);

const panel = (overrides: Partial<MetricPanel>): MetricPanel => ({
  id: 'apiRequestRate',
  title: 'API requests',
  description: 'Requests per second to the API server, by verb and code',
  unit: 'requestsPerSecond',
  series: [],
  ...overrides,
});

function response(panels: MetricPanel[]): ClusterMetricsResponse {
  return {
    hub: 'local',
    cluster: 'payments',
    range: '1h',
    start: 1_780_000_000,
    end: 1_780_003_600,
    stepSeconds: 30,
    panels,
  };
}

describe('MonitoringContent', () => {
  it('shows each panel, says which have no data yet and which the store failed', async () => {
    const api = mockHostplaneApi({
      getClusterMetrics: async () =>
        response([
          panel({
            series: [
              {
                name: 'GET 200',
                labels: { verb: 'GET', code: '200' },
                points: [[1_780_000_030, 2.5]],
              },
            ],
          }),
          panel({
            id: 'etcdDbSize',
            title: 'etcd database size',
            unit: 'bytes',
            series: [{ name: 'size', labels: {}, points: [[1, null]] }],
          }),
          panel({
            id: 'apiInflight',
            title: 'API requests in flight',
            error: 'the metrics store did not answer: ECONNREFUSED',
          }),
        ]),
    });
    await renderClusterTab(<MonitoringContent />, { api });
    expect(await screen.findByText('API requests')).toBeInTheDocument();
    expect(screen.getByTestId('panel-etcdDbSize').textContent).toMatch(
      /^No data yet/,
    );
    expect(screen.getByTestId('panel-apiInflight').textContent).toContain(
      'ECONNREFUSED',
    );
    expect(screen.getByTestId('panel-apiRequestRate').textContent).not.toMatch(
      /No data yet/,
    );
    expect(api.getClusterMetrics).toHaveBeenCalledWith('local', 'payments', {
      range: '1h',
    });
  });

  it("shows the node pools' panels in their own section, cores and bytes on their axes", async () => {
    const api = mockHostplaneApi({
      getClusterMetrics: async () =>
        response([
          panel({}),
          panel({
            id: 'nodePoolCpu',
            title: 'Node pool CPU',
            unit: 'cores',
            series: [
              {
                name: 'workers used',
                labels: { node_pool: 'workers' },
                points: [[1_780_000_030, 1.5]],
              },
              {
                name: 'workers allocatable',
                labels: { node_pool: 'workers' },
                points: [[1_780_000_030, 4]],
              },
            ],
          }),
          panel({ id: 'topNodes', title: 'Busiest nodes', unit: 'ratio' }),
        ]),
    });
    await renderClusterTab(<MonitoringContent />, { api });
    const nodePools = await screen.findByTestId('section-node-pools');
    expect(screen.getByRole('heading', { name: 'Node pools' })).toBeVisible();
    expect(nodePools).toContainElement(screen.getByTestId('panel-nodePoolCpu'));
    expect(nodePools).toContainElement(screen.getByTestId('panel-topNodes'));
    expect(nodePools).not.toContainElement(
      screen.getByTestId('panel-apiRequestRate'),
    );
    expect(screen.getByTestId('section-control-plane')).toContainElement(
      screen.getByTestId('panel-apiRequestRate'),
    );
    expect(screen.getByTestId('panel-topNodes').textContent).toMatch(
      /^No data yet: a pool's nodes/,
    );
    expect(screen.getByTestId('panel-nodePoolCpu').textContent).not.toMatch(
      /No data yet/,
    );
  });

  it('leaves out a section the answer has no panel of', async () => {
    const api = mockHostplaneApi({
      getClusterMetrics: async () => response([panel({})]),
    });
    await renderClusterTab(<MonitoringContent />, { api });
    await screen.findByText('API requests');
    expect(screen.queryByTestId('section-node-pools')).toBeNull();
  });

  it('loads the range chosen, and again on its own while auto-refresh is on', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const api = mockHostplaneApi({
        getClusterMetrics: async (_hub, _name, query) => ({
          ...response([panel({})]),
          range: query.range,
        }),
      });
      await renderClusterTab(<MonitoringContent />, { api });
      await screen.findByText('API requests');
      fireEvent.click(screen.getByRole('button', { name: 'last 24h' }));
      await waitFor(() =>
        expect(api.getClusterMetrics).toHaveBeenLastCalledWith(
          'local',
          'payments',
          { range: '24h' },
        ),
      );
      const calls = api.getClusterMetrics.mock.calls.length;
      await act(async () => {
        jest.advanceTimersByTime(REFRESH_INTERVAL_MS);
      });
      await waitFor(() =>
        expect(api.getClusterMetrics.mock.calls.length).toBe(calls + 1),
      );
      fireEvent.click(screen.getByRole('checkbox'));
      await act(async () => {
        jest.advanceTimersByTime(3 * REFRESH_INTERVAL_MS);
      });
      expect(api.getClusterMetrics.mock.calls.length).toBe(calls + 1);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('chartRows', () => {
  it('puts the series side by side per time, oldest first', () => {
    expect(
      chartRows(
        panel({
          series: [
            {
              name: 'a',
              labels: {},
              points: [
                [20, 1],
                [10, 2],
              ],
            },
            { name: 'b', labels: {}, points: [[10, null]] },
          ],
        }),
      ),
    ).toEqual([
      { time: 10, s0: 2, s1: null },
      { time: 20, s0: 1 },
    ]);
  });
});

describe('formatMetric', () => {
  it.each([
    [3.14159, 'requestsPerSecond', '3.14 req/s'],
    [0.0123, 'ratio', '1.23 %'],
    [0.25, 'seconds', '250 ms'],
    [12.5, 'seconds', '12.5 s'],
    [2 * 1024 * 1024 * 1024, 'bytes', '2 GiB'],
    [1536, 'bytes', '1.5 KiB'],
    [7, 'count', '7'],
    [1.5, 'cores', '1.5 cores'],
    [1, 'cores', '1 core'],
    [null, 'count', '–'],
  ] as const)('%p %s is %s', (value, unit, text) => {
    expect(formatMetric(value, unit)).toBe(text);
  });
});
