import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  LOCAL_HUB_FIELD_MANAGER,
  LOCAL_HUB_RELEASES,
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
import request from 'supertest';
import {
  CLUSTER_ANNOTATION,
  CLUSTER_LABEL,
  PHASE_LABEL,
} from '@hostplane/plugin-hostplane-common';
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
              hubs: [
                {
                  name: 'local',
                  kubeconfig: context.hub.kubeconfigPath,
                  releases: LOCAL_HUB_RELEASES,
                },
              ],
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
      e => e.metadata.annotations[CLUSTER_ANNOTATION] === name,
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
          [PHASE_LABEL]: 'ready',
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
        (await entity('fresh'))?.metadata.labels[PHASE_LABEL] === 'ready'
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
      if (pool.metadata?.labels?.[CLUSTER_LABEL] === first.name)
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
