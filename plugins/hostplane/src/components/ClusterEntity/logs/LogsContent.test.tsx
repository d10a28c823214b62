import { configure, fireEvent, screen, waitFor } from '@testing-library/react';
import {
  LiveLogEvent,
  LiveLogRequest,
} from '@hostplane/plugin-hostplane-common';
import { mockHostplaneApi, renderClusterTab } from '../__testUtils__/fixtures';
import { LogsContent } from './LogsContent';

jest.setTimeout(120_000);
// The tab loads lazily and renders Backstage's table and viewer: slow on a loaded machine.
configure({ asyncUtilTimeout: 20_000 });

const PODS = {
  items: [
    { component: 'etcd', pod: 'etcd-0', phase: 'Running', restarts: 0 },
    {
      component: 'kube-apiserver',
      pod: 'kube-apiserver-7d9f',
      phase: 'Running',
      restarts: 1,
    },
  ],
};

/** A live stream the test feeds line by line, recording how far the tab has read. */
function controlledStream() {
  const queued: LiveLogEvent[] = [];
  let wake: (() => void) | undefined;
  let pulled = 0;
  const push = (event: LiveLogEvent) => {
    queued.push(event);
    wake?.();
  };
  const nextPush = () =>
    new Promise<void>(resolve => {
      wake = resolve;
    });
  async function* events(signal: AbortSignal): AsyncGenerator<LiveLogEvent> {
    while (!signal.aborted) {
      if (queued.length === 0) {
        await nextPush();
        continue;
      }
      pulled += 1;
      yield queued.shift()!;
    }
  }
  return { push, events, pulled: () => pulled, waiting: () => queued.length };
}

describe('LogsContent', () => {
  it('follows the kube-apiserver log live, filters by level, and pauses reading', async () => {
    const stream = controlledStream();
    const requests: LiveLogRequest[] = [];
    const api = mockHostplaneApi({
      listLogPods: async () => PODS,
      streamLiveLog: async (_hub, _name, request, signal) => {
        requests.push(request);
        return stream.events(signal);
      },
    });
    await renderClusterTab(<LogsContent />, { api });

    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toEqual({
      component: 'kube-apiserver',
      pod: 'kube-apiserver-7d9f',
      tailLines: 1000,
    });
    stream.push({
      type: 'line',
      line: {
        time: '2026-12-08T10:15:00Z',
        text: 'E1208 10:15:00.000000 1 x.go:1] Unable to authenticate the request',
      },
    });
    stream.push({
      type: 'line',
      line: {
        time: '2026-12-08T10:15:01Z',
        text: 'I1208 10:15:01.000000 1 x.go:1] fine',
      },
    });
    // The virtualized viewer draws no rows in jsdom (no layout); its counts are the tab's.
    expect(await screen.findByText(/2 of 2 lines shown/)).toBeInTheDocument();

    fireEvent.mouseDown(screen.getByRole('button', { name: /^Level/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Error and worse' }),
    );
    expect(await screen.findByText(/1 of 2 lines shown/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(await screen.findByText(/Paused/)).toBeInTheDocument();
    const pulledWhenPaused = stream.pulled();
    for (let i = 0; i < 5; i++) {
      stream.push({
        type: 'line',
        line: { text: `E1208 10:15:0${i}.0 1 x.go:1] held ${i}` },
      });
    }
    await new Promise(resolve => setTimeout(resolve, 300));
    // Paused, the tab does not read the stream: the lines wait upstream.
    expect(stream.pulled()).toBeLessThanOrEqual(pulledWhenPaused + 1);
    expect(stream.waiting()).toBeGreaterThanOrEqual(4);

    fireEvent.click(screen.getByRole('button', { name: 'Follow' }));
    expect(await screen.findByText(/6 of 7 lines shown/)).toBeInTheDocument();
  });

  it('says when the cluster has no control-plane pods', async () => {
    const api = mockHostplaneApi({ listLogPods: async () => ({ items: [] }) });
    await renderClusterTab(<LogsContent />, { api });

    expect(
      await screen.findByText('No control-plane pods'),
    ).toBeInTheDocument();
    expect(api.streamLiveLog).not.toHaveBeenCalled();
  });

  it('says when no log store is configured, on the search view', async () => {
    const api = mockHostplaneApi({ listLogPods: async () => PODS });
    await renderClusterTab(<LogsContent />, { api });

    fireEvent.click(await screen.findByRole('tab', { name: 'Search' }));
    expect(
      await screen.findByText(/No log store is configured/),
    ).toBeInTheDocument();
  });

  it('searches the store and shows the matching lines and their count', async () => {
    const api = mockHostplaneApi({
      listLogPods: async () => PODS,
      getLogStoreStatus: async () => ({
        configured: true,
        reachable: true,
        maxRangeHours: 168,
        maxLines: 5000,
      }),
      searchLogs: async () => ({
        items: [
          {
            time: '2026-12-08T10:15:00Z',
            component: 'kube-apiserver',
            pod: 'kube-apiserver',
            level: 'error',
            text: 'E1208 10:15:00.000000 1 x.go:1] Authorization: Bearer [REDACTED]',
          },
        ],
        limit: 5000,
        limited: false,
        start: '2026-12-08T09:15:00Z',
        end: '2026-12-08T10:15:00Z',
      }),
      getLogHits: async () => ({
        step: '1m',
        buckets: [{ time: '2026-12-08T10:15:00Z', count: 1 }],
        total: 1,
      }),
    });
    await renderClusterTab(<LogsContent />, { api });

    fireEvent.click(await screen.findByRole('tab', { name: 'Search' }));
    fireEvent.change(await screen.findByLabelText('Words to find'), {
      target: { value: 'Authorization' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));

    expect(
      await screen.findByText(/1 lines of 1 matching/),
    ).toBeInTheDocument();
    expect(api.searchLogs).toHaveBeenCalledWith(
      'local',
      'payments',
      expect.objectContaining({ query: 'Authorization', mode: 'text' }),
    );
  });
});
