import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { CLUSTER_LABEL } from '@hostplane/plugin-hostplane-common';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { KindWatcher } from './KindWatcher';

/** One WATCH request the fake API server received, answered as the test says. */
interface WatchRequest {
  query: URLSearchParams;
  send(type: string, object: object): void;
  /** Ends the response, as the API server does at its watch timeout. */
  end(): void;
  /** Cuts the connection, as a restarting API server or a load balancer does. */
  drop(): void;
}

/**
 * A hub's API server that speaks the WATCH protocol (one JSON event a line, on a response that
 * stays open) and leaves every answer to the test, so it can send a 410 or cut a connection.
 */
async function fakeApiServer() {
  const requests: WatchRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://hub');
    if (url.searchParams.get('watch') !== 'true') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    requests.push({
      query: url.searchParams,
      send: (type, object) =>
        res.write(`${JSON.stringify({ type, object })}\n`),
      end: () => res.end(),
      drop: () => req.socket.destroy(),
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'hub', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'hostplane' }],
    contexts: [{ name: 'hub', cluster: 'hub', user: 'hostplane' }],
    currentContext: 'hub',
  });
  return {
    kubeConfig,
    requests,
    /** The n-th WATCH request (from 0), once the watcher has made it. */
    request: (n: number) => eventually(() => requests[n]),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits (briefly: everything here is local) until `check` returns something. */
async function eventually<T>(check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

const configMap = (name: string, resourceVersion: number) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    namespace: 'default',
    name,
    resourceVersion: String(resourceVersion),
    managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
  },
});

/** A BOOKMARK; the one that ends a streamed list's initial events carries the annotation. */
const bookmark = (resourceVersion: number, endsInitialEvents = false) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    resourceVersion: String(resourceVersion),
    ...(endsInitialEvents && {
      annotations: { 'k8s.io/initial-events-end': 'true' },
    }),
  },
});

/** What the API server sends when a watch's resourceVersion has been compacted away. */
const GONE = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'too old resource version: 7 (12)',
  reason: 'Expired',
  code: 410,
};

describe('KindWatcher', () => {
  let hub: Awaited<ReturnType<typeof fakeApiServer>>;
  let watcher: KindWatcher;
  let relists: string[][];
  let events: string[];
  let states: Array<{ synced: boolean; error?: string }>;

  beforeEach(async () => {
    hub = await fakeApiServer();
    relists = [];
    events = [];
    states = [];
    watcher = new KindWatcher({
      kubeConfig: hub.kubeConfig,
      kind: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
      labelSelector: CLUSTER_LABEL,
      logger: mockServices.logger.mock(),
      keep: object => object,
      onRelist: objects => {
        expect(objects.every(o => !o.metadata!.managedFields)).toBe(true);
        relists.push(objects.map(o => o.metadata!.name!));
      },
      onEvent: (event, object: KubernetesObject) =>
        events.push(`${event} ${object.metadata!.name}`),
      onState: state => states.push(state),
    });
    watcher.start();
  });

  afterEach(async () => {
    watcher.stop();
    await hub.close();
  });

  /** Answers the n-th request with a streamed list of `names`; returns once it is handed on. */
  async function streamList(
    n: number,
    names: string[],
    resourceVersion: number,
  ) {
    const request = await hub.request(n);
    expect(request.query.get('sendInitialEvents')).toBe('true');
    expect(request.query.get('resourceVersion')).toBeNull();
    names.forEach((name, i) =>
      request.send(
        'ADDED',
        configMap(name, resourceVersion - names.length + i + 1),
      ),
    );
    const listed = relists.length;
    request.send('BOOKMARK', bookmark(resourceVersion, true));
    await eventually(() => (relists.length > listed ? true : undefined));
    return request;
  }

  it('lists the set again after a 410 Gone, and streams changes from the new list', async () => {
    const first = await streamList(0, ['alpha', 'beta'], 6);
    first.send('MODIFIED', configMap('alpha', 7));
    await eventually(() => (events.length === 1 ? true : undefined));

    first.send('ERROR', GONE);
    // alpha went while the watcher could not follow; the new list is the whole truth.
    const second = await streamList(1, ['beta', 'gamma'], 13);
    second.send('ADDED', configMap('delta', 14));
    await eventually(() => (events.length === 2 ? true : undefined));

    expect(relists).toEqual([
      ['alpha', 'beta'],
      ['beta', 'gamma'],
    ]);
    expect(events).toEqual(['upsert alpha', 'upsert delta']);
    expect(hub.requests).toHaveLength(2);
    expect(states.every(s => s.synced)).toBe(true);
  });

  it('relists when the version it resumes from after a dropped connection is Gone', async () => {
    const first = await streamList(0, ['alpha'], 5);
    first.drop();
    const resumed = await hub.request(1);
    expect(resumed.query.get('resourceVersion')).toBe('5');
    resumed.send('ERROR', GONE);
    await streamList(2, ['alpha', 'beta'], 20);

    expect(relists).toEqual([['alpha'], ['alpha', 'beta']]);
  });

  it.each([
    ['ends (the API server timed the watch out)', (r: WatchRequest) => r.end()],
    ['is cut (a restart, a load balancer)', (r: WatchRequest) => r.drop()],
  ])(
    'resumes from the last resourceVersion when the watch %s, without listing again',
    async (_how, disconnect) => {
      const first = await streamList(0, ['alpha'], 5);
      first.send('MODIFIED', configMap('alpha', 8));
      // A bookmark moves the version on without a change to pass on.
      first.send('BOOKMARK', bookmark(9));
      await eventually(() => (events.length === 1 ? true : undefined));
      disconnect(first);

      const resumed = await hub.request(1);
      expect(resumed.query.get('resourceVersion')).toBe('9');
      expect(resumed.query.get('sendInitialEvents')).toBeNull();
      resumed.send('ADDED', configMap('beta', 10));
      resumed.send('DELETED', configMap('alpha', 11));
      await eventually(() => (events.length === 3 ? true : undefined));

      expect(events).toEqual(['upsert alpha', 'upsert beta', 'delete alpha']);
      expect(relists).toEqual([['alpha']]);
      expect(states).toEqual([{ synced: true }]);
    },
  );

  it('reports the hub out of sync and lists again when a connection drops before the list ends', async () => {
    const first = await hub.request(0);
    first.send('ADDED', configMap('alpha', 4));
    first.drop();

    // Listed again after the first retry's delay (half a second).
    await streamList(1, ['alpha', 'beta'], 6);
    expect(states[0]).toMatchObject({ synced: false });
    expect(states[0].error).toBeDefined();
    expect(states.at(-1)).toEqual({ synced: true });
    expect(relists).toEqual([['alpha', 'beta']]);
  });
});
