import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  LOCAL_HUB_FIELD_MANAGER,
  planTenants,
  seedTenants,
  useTestHub,
} from '@hostplane/local-hub';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- integration test: starts the real Hostplane backend for this module to talk to
import hostplanePlugin from '@hostplane/plugin-hostplane-backend';
import hypershiftModule from '@hostplane/plugin-hostplane-backend-module-hypershift';
import {
  HUB_EVENTS_TOPIC,
  HubListedEvent,
  waitFor,
} from '@hostplane/plugin-hostplane-node';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import {
  ClusterSummary,
  ListClustersResponse,
} from '@hostplane/plugin-hostplane-common';
import { HostplaneClusterProvider } from './HostplaneClusterProvider';
import catalogModuleHostplane from './index';

jest.setTimeout(300_000);

describe('tenant clusters in the catalog', () => {
  const context = useTestHub('catalog');
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const seeded = planTenants({ count: 4, seed: 7 });
  const hubsListed: HubListedEvent[] = [];
  const hubEventsRecorder = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'hub-events-recorder',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-hub-events',
            topics: [HUB_EVENTS_TOPIC],
            onEvent: async ({ eventPayload }) => {
              hubsListed.push(eventPayload as HubListedEvent);
            },
          });
        },
      });
    },
  });

  beforeAll(async () => {
    await seedTenants(context.hub.kubeConfig(), seeded, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleHostplane,
        hubEventsRecorder,
        // The real events service: the test default gives each plugin a bus of its own.
        eventsServiceFactory,
        hostplanePlugin,
        hypershiftModule,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            // The catalog's processing loop runs often in tests; the provider's deltas do not wait for it.
            catalog: { processingInterval: { seconds: 1 } },
            hostplane: {
              hubs: [{ name: 'local', kubeconfig: context.hub.kubeconfigPath }],
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const clusterEntities = async () => {
    const response = await request(backend.server)
      .get('/api/catalog/entities/by-query')
      .query({
        filter: 'kind=resource,spec.type=kubernetes-cluster',
        limit: 1000,
      });
    return response.body.items as any[];
  };
  const entity = async (name: string) =>
    (await clusterEntities()).find(
      e => e.metadata.annotations['hostplane.io/cluster'] === name,
    );

  it('hears once that the hub has been listed in full', async () => {
    await waitFor('the hub announced as listed', async () =>
      hubsListed.length > 0 ? true : undefined,
    );
    expect(hubsListed).toEqual([{ hub: 'local' }]);
  });

  it('holds one entity per cluster, follows changes and removals, and carries no secret', async () => {
    await waitFor('every seeded cluster in the catalog', async () =>
      (await clusterEntities()).length === seeded.length ? true : undefined,
    );
    const [first] = seeded;
    // The seed plans the first tenant Ready, so its entity's phase label is known.
    expect(first.phase).toBe('Ready');
    expect(await entity(first.name)).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: `${first.name}.local`,
        title: first.name,
        labels: {
          'hostplane.io/phase': 'ready',
        },
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: `group:default/${first.owner}`,
      },
    });

    const created = await request(backend.server)
      .post('/api/hostplane/clusters')
      .send({
        name: 'fresh',
        owner: 'group:default/team-z',
        hub: 'local',
        version: 'v1.37.2',
        nodePools: [
          { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
        ],
      });
    expect(created.status).toBe(202);
    // Within seconds of the change on the hub, not at the next full refresh (30 minutes away).
    await waitFor(
      'the new cluster to reach the catalog as Ready',
      async () =>
        (await entity('fresh'))?.metadata.labels['hostplane.io/phase'] ===
        'ready'
          ? true
          : undefined,
      { timeoutMs: 20_000 },
    );

    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    await client
      .delete({
        apiVersion: 'hypershift.openshift.io/v1beta1',
        kind: 'NodePool',
        metadata: { namespace: first.namespace, name: `${first.name}-workers` },
      } as never)
      .catch(() => undefined);
    for (const pool of (
      await client.list(
        'hypershift.openshift.io/v1beta1',
        'NodePool',
        first.namespace,
      )
    ).items) {
      if (pool.metadata?.labels?.['hostplane.io/cluster'] === first.name)
        await client.delete(pool);
    }
    await client.delete({
      apiVersion: 'hypershift.openshift.io/v1beta1',
      kind: 'HostedCluster',
      metadata: { namespace: first.namespace, name: first.name },
    });
    await waitFor(
      'the deleted cluster to leave the catalog',
      async () => ((await entity(first.name)) === undefined ? true : undefined),
      { timeoutMs: 20_000 },
    );

    const text = JSON.stringify(await clusterEntities());
    expect(text).not.toMatch(
      /BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)|client-key|client-certificate|token|password|kubeconfig"/i,
    );
  });
});

describe('HostplaneClusterProvider.refresh', () => {
  const summary = (name: string, hub: string): ClusterSummary => ({
    hub,
    name,
    namespace: `tenants-${name}`,
    owner: 'group:default/team-a',
    phase: 'Ready',
    nodePools: [],
    deletionProtection: false,
    labels: {},
  });
  // The Hostplane API's list as the provider reads it; what it answers is set per test.
  let answer: ListClustersResponse;
  let server: http.Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('replaces every entity only once each hub is listed in full, and only adds until then', async () => {
    const provider = new HostplaneClusterProvider({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => baseUrl,
      }),
      auth: mockServices.auth(),
      events: mockServices.events.mock(),
      logger: mockServices.logger.mock(),
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    const names = (entities: DeferredEntity[]) =>
      entities.map(e => e.entity.metadata.annotations!['hostplane.io/cluster']);

    // The `edge` hub is not listed yet: a full mutation would remove its entities from the catalog.
    answer = {
      items: [summary('a', 'local')],
      totalCount: 1,
      phaseCounts: {},
      incompleteHubs: ['edge'],
    };
    await expect(provider.refresh()).resolves.toEqual({
      clusters: 1,
      incompleteHubs: ['edge'],
    });
    const [partial] = connection.applyMutation.mock.calls[0];
    expect(partial.type).toBe('delta');
    expect(names(partial.added)).toEqual(['a']);
    expect(partial.removed).toEqual([]);
    // Asked again while `edge` stays unlisted: nothing new, nothing sent.
    await provider.refresh();
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);

    answer = {
      items: [summary('a', 'local'), summary('x', 'edge')],
      totalCount: 2,
      phaseCounts: {},
      incompleteHubs: [],
    };
    await expect(provider.refresh()).resolves.toEqual({
      clusters: 2,
      incompleteHubs: [],
    });
    const [full] = connection.applyMutation.mock.calls[1];
    expect(connection.applyMutation).toHaveBeenCalledTimes(2);
    expect(full.type).toBe('full');
    expect(names(full.entities)).toEqual(['a', 'x']);
  });
});
