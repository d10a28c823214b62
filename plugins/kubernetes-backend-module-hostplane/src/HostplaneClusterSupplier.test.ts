import { mockServices } from '@backstage/backend-test-utils';
import {
  CLUSTER_AUTH_METADATA,
  CREDENTIALS_EPOCH_AUTH_METADATA,
  ClusterStatus,
  HUB_AUTH_METADATA,
  ListClustersQuery,
  ListClustersResponse,
} from '@hostplane/plugin-hostplane-common';
import {
  HostplaneClusterSupplier,
  toClusterDetails,
} from './HostplaneClusterSupplier';

function cluster(
  name: string,
  endpoint: string | undefined,
  hub = 'local',
): ClusterStatus {
  return {
    hub,
    name,
    namespace: `tenants-${name}`,
    owner: 'group:default/team-a',
    phase: endpoint ? 'Ready' : 'Provisioning',
    endpoint,
    nodePools: [],
    conditions: [],
    deletionProtection: false,
    labels: {},
    createdAt: '2026-10-01T00:00:00Z',
  };
}

/** The Hostplane API's list, paged as it pages: sorted by name, `offset` and `limit`. */
function fakeApi(initial: ClusterStatus[]) {
  const api = {
    clusters: initial,
    incompleteHubs: [] as string[],
    pages: 0,
    /** Called once between reading the first page and the next. */
    betweenPages: undefined as undefined | (() => void),
    async listClusters(
      query: ListClustersQuery,
    ): Promise<ListClustersResponse> {
      const offset = Number(query.offset ?? 0);
      const limit = Number(query.limit ?? 50);
      api.pages += 1;
      if (offset > 0 && api.betweenPages) {
        const hook = api.betweenPages;
        api.betweenPages = undefined;
        hook();
      }
      const sorted = [...api.clusters].sort((a, b) =>
        a.name.localeCompare(b.name),
      );
      return {
        items: sorted.slice(offset, offset + limit),
        totalCount: sorted.length,
        phaseCounts: {},
        incompleteHubs: api.incompleteHubs,
      };
    },
  };
  return api;
}

describe('toClusterDetails', () => {
  const detailsOf = (endpoint: string | undefined) =>
    toClusterDetails(
      { ...cluster('payments-prod', endpoint), credentialsRotatedAt: 'R' },
      () => 'Q0E=',
    );

  it('maps a cluster with an endpoint', () => {
    expect(detailsOf('https://127.0.0.1:40123')).toEqual({
      name: 'payments-prod.local',
      title: 'payments-prod (hub local)',
      url: 'https://127.0.0.1:40123',
      authMetadata: {
        'kubernetes.io/auth-provider': 'hostplane',
        [HUB_AUTH_METADATA]: 'local',
        [CLUSTER_AUTH_METADATA]: 'payments-prod',
        [CREDENTIALS_EPOCH_AUTH_METADATA]: '2026-10-01T00:00:00Z/R',
      },
      skipMetricsLookup: true,
      caData: 'Q0E=',
    });
  });

  it('maps a cluster without an endpoint', () => {
    expect(detailsOf(undefined)).toBeUndefined();
  });
});

describe('HostplaneClusterSupplier', () => {
  const logger = mockServices.logger.mock();
  const make = (api: ReturnType<typeof fakeApi>) =>
    new HostplaneClusterSupplier({
      api,
      logger,
      caDataFor: () => undefined,
      pageSize: 2,
      initialWaitMs: 2_000,
    });
  const names = async (supplier: HostplaneClusterSupplier) =>
    (await supplier.getClusters()).map(c => c.name).sort();

  it('lists every cluster with an endpoint, page by page, and answers from memory after', async () => {
    const api = fakeApi([
      cluster('a', 'https://127.0.0.1:1'),
      cluster('b', undefined),
      cluster('c', 'https://127.0.0.1:3'),
      cluster('d', 'https://127.0.0.1:4', 'edge'),
      cluster('e', undefined),
    ]);
    const supplier = make(api);
    await expect(supplier.refresh()).resolves.toEqual({
      clusters: 3,
      incompleteHubs: [],
    });
    expect(api.pages).toBe(3);
    expect(await names(supplier)).toEqual(['a.local', 'c.local', 'd.edge']);
    for (let i = 0; i < 100; i++) await supplier.getClusters();
    expect(api.pages).toBe(3);
  });

  it('follows cluster change events without asking the API', async () => {
    const api = fakeApi([
      cluster('a', 'https://127.0.0.1:1'),
      cluster('b', undefined),
    ]);
    const supplier = make(api);
    await supplier.refresh();
    const pages = api.pages;
    const event = (c: ClusterStatus | null, name = c?.name ?? '') => ({
      hub: 'local',
      namespace: `tenants-${name}`,
      name,
      cluster: c,
    });
    supplier.apply(event(cluster('b', 'https://127.0.0.1:2')));
    expect(await names(supplier)).toEqual(['a.local', 'b.local']);
    supplier.apply(event(cluster('a', undefined)));
    expect(await names(supplier)).toEqual(['b.local']);
    supplier.apply(event(null, 'b'));
    expect(await names(supplier)).toEqual([]);
    expect(api.pages).toBe(pages);
  });

  it('replaces the list on refresh, keeping what it knows of hubs not listed completely yet', async () => {
    const api = fakeApi([
      cluster('a', 'https://127.0.0.1:1'),
      cluster('x', 'https://127.0.0.1:9', 'edge'),
    ]);
    const supplier = make(api);
    await supplier.refresh();
    api.clusters = [cluster('b', 'https://127.0.0.1:2')];
    api.incompleteHubs = ['edge'];
    await supplier.refresh();
    expect(await names(supplier)).toEqual(['b.local', 'x.edge']);
    api.incompleteHubs = [];
    await supplier.refresh();
    expect(await names(supplier)).toEqual(['b.local']);
  });

  it('keeps a change that arrives while the list is being read', async () => {
    const api = fakeApi([
      cluster('a', undefined),
      cluster('b', 'https://127.0.0.1:2'),
      cluster('c', 'https://127.0.0.1:3'),
    ]);
    const supplier = make(api);
    api.betweenPages = () =>
      supplier.apply({
        hub: 'local',
        namespace: 'tenants-a',
        name: 'a',
        cluster: cluster('a', 'https://127.0.0.1:1'),
      });
    await supplier.refresh();
    expect(await names(supplier)).toEqual(['a.local', 'b.local', 'c.local']);
  });

  it('once started, lets the first requests wait for the first list', async () => {
    const api = fakeApi([cluster('a', 'https://127.0.0.1:1')]);
    const supplier = make(api);
    // Before start (the plugin asks while it initializes), nothing waits.
    await expect(supplier.getClusters()).resolves.toEqual([]);
    supplier.start();
    expect(await names(supplier)).toEqual(['a.local']);
    supplier.stop();
  });

  it('once started, lists again until every hub is listed in full', async () => {
    // The Hostplane backend announces no event for what a hub's first listing finds: a list made
    // before the hub was listed in full would otherwise stay without its clusters.
    const api = fakeApi([]);
    api.incompleteHubs = ['local'];
    const supplier = make(api);
    supplier.start();
    expect(await names(supplier)).toEqual([]);
    api.clusters = [cluster('a', 'https://127.0.0.1:1')];
    api.incompleteHubs = [];
    const deadline = Date.now() + 5_000;
    while ((await names(supplier)).length === 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(await names(supplier)).toEqual(['a.local']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/not listed in full .* yet: .*local/),
    );
    const pages = api.pages;
    await new Promise(resolve => setTimeout(resolve, 2_000));
    expect(api.pages).toBe(pages);
    supplier.stop();
  });

  it('retries the first list until the API answers', async () => {
    const api = fakeApi([cluster('a', 'https://127.0.0.1:1')]);
    const listClusters = api.listClusters;
    let failures = 2;
    api.listClusters = async query => {
      if (failures-- > 0) throw new Error('connect ECONNREFUSED');
      return listClusters(query);
    };
    const supplier = make(api);
    supplier.start();
    expect(await names(supplier)).toEqual(['a.local']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/not listed .* yet: connect ECONNREFUSED/),
    );
    supplier.stop();
  });
});
