import fs from 'node:fs';
import path from 'node:path';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import {
  DEMO_WORKLOAD,
  LOCAL_HUB_FIELD_MANAGER,
  StandinLog,
  StandinOperator,
  LOCAL_HUB_RELEASES,
  describeClusterStatus,
  seedDemoWorkload,
  useTestHub,
  waitForDemoPods,
} from '@hostplane/local-hub';
import { serviceCredentialResponseSchema } from '@hostplane/plugin-hostplane-common';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- integration test: starts the real Hostplane backend for this module to talk to
import hostplanePlugin from '@hostplane/plugin-hostplane-backend';
import hypershiftModule from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { HostplaneAuthStrategy } from './HostplaneAuthStrategy';
import kubernetesModuleHostplane from './index';

jest.setTimeout(600_000);

/**
 * The demo itself: the Component of examples/entities.yaml, whose workload the local hub's demo
 * seeding runs in the real tenant payments-prod. The catalog is a mock here, so the relations its
 * processing would derive from `spec.dependsOn` are added as it would.
 */
const component: Entity = (() => {
  const file = path.resolve(__dirname, '../../../examples/entities.yaml');
  const entity = parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(d => d.toJS() as Entity)
    .find(
      e =>
        e?.kind === 'Component' && e.metadata.name === DEMO_WORKLOAD.component,
    )!;
  return {
    ...entity,
    metadata: { namespace: 'default', ...entity.metadata },
    relations: (entity.spec!.dependsOn as string[]).map(ref => ({
      type: 'dependsOn',
      targetRef: stringifyEntityRef(parseEntityRef(ref)),
    })),
  };
})();
const CLUSTER = DEMO_WORKLOAD.tenant.name;
const COMPONENT = DEMO_WORKLOAD.component;
const WORKLOAD = DEMO_WORKLOAD;

describe("a real tenant's workloads in Backstage's Kubernetes plugin", () => {
  let operator: StandinOperator;
  afterAll(async () => {
    await operator?.stop();
  });
  const context = useTestHub('kubernetes');
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const logged: string[] = [];
  const standinLog = new StandinLog();
  const issuedToPlugin = jest.spyOn(
    HostplaneAuthStrategy.prototype,
    'getCredential',
  );
  let tenantAdmin: KubeConfig;

  beforeAll(async () => {
    for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(
          args
            .map(a => (typeof a === 'string' ? a : JSON.stringify(a)))
            .join(' '),
        );
      });
    }
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
      log: standinLog.log,
    });
    await operator.start();
    backend = await startTestBackend({
      features: [
        hostplanePlugin,
        hypershiftModule,
        kubernetesPlugin,
        kubernetesModuleHostplane,
        // The real events service: the test default gives each plugin a bus of its own.
        eventsServiceFactory,
        catalogServiceMock.factory({ entities: [component] }),
        mockServices.rootLogger.factory({ level: 'debug' }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.rootConfig.factory({
          data: {
            hostplane: {
              hubs: [
                {
                  name: 'local',
                  kubeconfig: context.hub.kubeconfigPath,
                  releases: LOCAL_HUB_RELEASES,
                },
              ],
              operations: { waitTimeoutSeconds: 120 },
            },
            kubernetes: {
              serviceLocatorMethod: { type: 'catalogRelation' },
              clusterLocatorMethods: [],
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const hostplane = (url: string) => `/api/hostplane${url}`;

  it('creates the real demo tenant and runs the demo workload in it', async () => {
    const created = await request(backend.server)
      .post(hostplane('/clusters'))
      .send({
        name: CLUSTER,
        owner: 'group:default/team-a',
        hub: 'local',
        version: 'v1.37.2',
        nodePools: [
          { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
        ],
      });
    expect(created.status).toBe(202);
    const cluster = await standinLog.waitForTenant(
      'the real tenant to report Ready',
      async () => {
        const { body } = await request(backend.server).get(
          hostplane(`/clusters/local/${CLUSTER}`),
        );
        if (
          body.phase === 'Ready' &&
          body.endpoint?.startsWith('https://127.0.0.1')
        ) {
          return body;
        }
        // The last of these is the timeout's message: which condition kept the tenant from Ready.
        throw new Error(describeClusterStatus(body));
      },
      { intervalMs: 1_000 },
    );
    expect(cluster.namespace).toBe(DEMO_WORKLOAD.tenant.namespace);
    // What `yarn hub start` does for the demo once the tenant answers.
    await seedDemoWorkload(operator, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      timeoutMs: 120_000,
    });
    tenantAdmin = operator.tenant(cluster.namespace, CLUSTER)!.kubeConfig();
    await waitForDemoPods(tenantAdmin, { timeoutMs: 180_000 });
  });

  it("lists the tenant's pods for the component, through the Kubernetes plugin's API", async () => {
    const clusters = await request(backend.server).get(
      '/api/kubernetes/clusters',
    );
    expect(clusters.status).toBe(200);
    // The tenant's credentials stay in the backend: nothing of them goes to the browser.
    expect(clusters.body.items).toContainEqual({
      name: `${CLUSTER}.local`,
      title: `${CLUSTER} (hub local)`,
      authProvider: 'hostplane',
    });

    const workloads = await request(backend.server)
      .post('/api/kubernetes/resources/workloads/query')
      .send({ entityRef: `component:default/${COMPONENT}`, auth: {} });
    expect({ status: workloads.status, body: workloads.body }).toMatchObject({
      status: 200,
      body: { items: [expect.anything()] },
    });
    expect(workloads.body.items).toHaveLength(1);
    const [found] = workloads.body.items;
    expect(found.cluster.name).toBe(`${CLUSTER}.local`);
    expect(found.errors).toEqual([]);
    const of = (type: string) =>
      found.resources.find((r: { type: string }) => r.type === type)
        ?.resources ?? [];
    const pods = of('pods');
    expect(pods).toHaveLength(WORKLOAD.replicas);
    for (const pod of pods) {
      expect(pod).toMatchObject({
        metadata: {
          namespace: WORKLOAD.namespace,
          labels: { 'backstage.io/kubernetes-id': COMPONENT },
        },
        spec: { nodeName: expect.stringMatching(new RegExp(`^${CLUSTER}-`)) },
        status: { phase: 'Running' },
      });
    }
    expect(of('deployments').map((d: any) => d.metadata.name)).toEqual([
      COMPONENT,
    ]);
    expect(of('services').map((d: any) => d.metadata.name)).toEqual([
      COMPONENT,
    ]);

    // The older route, by service id and entity, answers the same pods from the cache of
    // credentials: no second certificate is issued.
    const issuedBefore = issuedToPlugin.mock.calls.length;
    const byService = await request(backend.server)
      .post(`/api/kubernetes/services/${COMPONENT}`)
      .send({ entity: component });
    expect(byService.status).toBe(200);
    expect(
      byService.body.items[0].resources
        .find((r: { type: string }) => r.type === 'pods')
        .resources.map((p: any) => p.metadata.name)
        .sort(),
    ).toEqual(pods.map((p: any) => p.metadata.name).sort());
    expect(issuedToPlugin.mock.calls.length).toBe(issuedBefore + 1);
    const credentials = await Promise.all(
      issuedToPlugin.mock.results.map(r => r.value),
    );
    expect(new Set(credentials.map(c => c.cert)).size).toBe(1);
  });

  it('issues service credentials to backend plugins only, read-only in the tenant', async () => {
    const route = hostplane(`/clusters/local/${CLUSTER}/service-credentials`);
    const byUser = await request(backend.server)
      .post(route)
      .set('Authorization', mockCredentials.user.header());
    expect(byUser.status).toBe(403);
    const unauthenticated = await request(backend.server)
      .post(route)
      .set('Authorization', mockCredentials.none.header());
    expect(unauthenticated.status).toBe(401);

    const issued = await request(backend.server)
      .post(route)
      .set('Authorization', mockCredentials.service.header());
    expect(issued.status).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    const credential = serviceCredentialResponseSchema.parse(issued.body);
    expect(credential).toMatchObject({
      user: 'hostplane:service:external:test-service',
      groups: ['hostplane:service-viewers'],
    });
    const expiresIn = Date.parse(credential.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(55 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'tenant',
          server: tenantAdmin.getCurrentCluster()!.server,
          caData: credential.caData,
        },
      ],
      users: [
        {
          name: 'service',
          certData: Buffer.from(credential.cert).toString('base64'),
          keyData: Buffer.from(credential.key).toString('base64'),
        },
      ],
      contexts: [{ name: 'tenant', cluster: 'tenant', user: 'service' }],
      currentContext: 'tenant',
    });
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const pods = await core.listPodForAllNamespaces({
      labelSelector: `backstage.io/kubernetes-id=${COMPONENT}`,
    });
    expect(pods.items).toHaveLength(WORKLOAD.replicas);
    const refused = (promise: Promise<unknown>) =>
      promise.then(
        () => 'allowed',
        error => (error as { code?: number }).code,
      );
    expect(
      await refused(
        core.listNamespacedSecret({ namespace: WORKLOAD.namespace }),
      ),
    ).toBe(403);
    expect(
      await refused(
        core.createNamespacedConfigMap({
          namespace: WORKLOAD.namespace,
          body: { metadata: { name: 'not-allowed' } },
        }),
      ),
    ).toBe(403);
    expect(
      await refused(
        core.deleteNamespacedPod({
          namespace: WORKLOAD.namespace,
          name: pods.items[0].metadata!.name!,
        }),
      ),
    ).toBe(403);

    // Recorded with the cluster's issuances, for its owners to see.
    const history = await request(backend.server).get(
      hostplane(`/clusters/local/${CLUSTER}/kubeconfig-issuances`),
    );
    expect(history.body.items).toContainEqual(
      expect.objectContaining({
        user: 'hostplane:service:plugin:kubernetes',
        groups: ['hostplane:service-viewers'],
      }),
    );
    expect(history.body.items).toContainEqual(
      expect.objectContaining({ serial: credential.serial }),
    );

    // Audited, and no certificate or key in any log line.
    expect(
      logged.some(
        line =>
          line.includes('service-credential-issue') &&
          line.includes('plugin:kubernetes'),
      ),
    ).toBe(true);
    const pluginCredentials = await Promise.all(
      issuedToPlugin.mock.results.map(r => r.value),
    );
    const needles = [
      credential,
      ...pluginCredentials.map(c => ({ cert: c.cert, key: c.key })),
    ].flatMap(({ cert, key }) =>
      [cert, key].flatMap(pem => {
        const lines = pem
          .split('\n')
          .filter(
            (line: string) => line.length > 40 && !line.startsWith('-----'),
          );
        // Not the start: every PEM begins alike.
        return [lines[1], lines[Math.floor(lines.length / 2)]];
      }),
    );
    expect(needles.length).toBeGreaterThanOrEqual(8);
    expect(logged.length).toBeGreaterThan(10);
    for (const needle of needles) {
      expect(needle.length).toBeGreaterThan(40);
      expect(logged.filter(line => line.includes(needle))).toEqual([]);
    }
  });
});
