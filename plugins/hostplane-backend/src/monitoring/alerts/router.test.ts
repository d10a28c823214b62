import { AddressInfo } from 'node:net';
import http from 'node:http';
import {
  PermissionsService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  ClusterStatus,
  hostplanePermissions,
} from '@hostplane/plugin-hostplane-common';
import {
  clusterConditions,
  clusterPermissionResourceRef,
  clusterPermissionRules,
  createClusterConditionalDecision,
} from '@hostplane/plugin-hostplane-node';
import request from 'supertest';
import { migrationsDirectory } from '../../database/migrations';
import { ClusterService } from '../../service/ClusterService';
import { AlertStore } from './AlertStore';
import { createAlertsRouter } from './router';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The clusters there are, and their owners; the caller may read team-a's. */
const owners: Record<string, string> = {
  'local/shop': 'group:default/team-a',
  'local/quiet': 'group:default/team-a',
  'local/threatened': 'group:default/team-a',
  'local/billing': 'group:default/team-b',
  'far/edge': 'group:default/team-a',
};
const clusters = {
  get: (hub: string, name: string) => {
    const owner = owners[`${hub}/${name}`];
    if (!owner) throw new NotFoundError(`no cluster ${hub}/${name}`);
    return { hub, name, owner } as ClusterStatus;
  },
} as unknown as ClusterService;

const permissions = {
  authorizeConditional: async (requests: Array<{ permission: any }>) =>
    requests.map(({ permission }) =>
      createClusterConditionalDecision(
        permission,
        clusterConditions.isClusterOwner({
          claims: ['group:default/team-a'],
        }),
      ),
    ),
  authorize: async () => {
    throw new Error('not expected');
  },
} as unknown as PermissionsService;

const firing = (
  cluster: string,
  fingerprint: string,
  severity: string,
  hub = 'local',
) => ({
  status: 'firing' as const,
  labels: {
    alertname: `Alert${fingerprint}`,
    severity,
    hostplane_hub: hub,
    hostplane_cluster: cluster,
  },
  annotations: {},
  startsAt: '2026-12-08T10:00:00Z',
  fingerprint,
});

describe('GET /alerts/summary', () => {
  let alertmanager: http.Server;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;
  const askedAlertmanager: string[] = [];

  beforeAll(async () => {
    // The local hub's Alertmanager: one of shop's alerts is silenced.
    alertmanager = http.createServer((req, res) => {
      askedAlertmanager.push(req.url ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify([
          {
            fingerprint: 'w2',
            status: { state: 'suppressed', silencedBy: ['s1'] },
          },
          { fingerprint: 'c1', status: { state: 'active', silencedBy: [] } },
        ]),
      );
    });
    await new Promise<void>(resolve =>
      alertmanager.listen(0, '127.0.0.1', resolve),
    );
    const { port } = alertmanager.address() as AddressInfo;

    const db = await databases.init('SQLITE_3');
    await db.migrate.latest({ directory: migrationsDirectory });
    const store = new AlertStore(db);
    await store.receive('local', [
      firing('shop', 'c1', 'critical'),
      firing('shop', 'w1', 'warning'),
      firing('shop', 'w2', 'warning'),
      firing('shop', 'i1', 'info'),
      { ...firing('quiet', 'r1', 'critical'), status: 'resolved' as const },
      firing('billing', 'b1', 'critical'),
      firing('deleted', 'd1', 'critical'),
    ]);
    await store.receive('far', [firing('edge', 'e1', 'critical', 'far')]);

    const plugin = createBackendPlugin({
      pluginId: 'hostplane',
      register(env) {
        env.registerInit({
          deps: {
            httpAuth: coreServices.httpAuth,
            httpRouter: coreServices.httpRouter,
            permissionsRegistry: coreServices.permissionsRegistry,
            userInfo: coreServices.userInfo,
            logger: coreServices.logger,
          },
          async init(deps) {
            deps.permissionsRegistry.addResourceType({
              resourceRef: clusterPermissionResourceRef,
              permissions: hostplanePermissions,
              rules: Object.values(clusterPermissionRules),
            });
            deps.httpRouter.use(
              createAlertsRouter({
                ...deps,
                permissions,
                clusters,
                store,
                decisionTtlMs: 0,
                alertmanagers: new Map([
                  [
                    'local',
                    {
                      url: `http://127.0.0.1:${port}`,
                      webhookToken: () => 'unused',
                    },
                  ],
                  // Nothing listens there: its alerts count as not silenced.
                  [
                    'far',
                    {
                      url: 'http://127.0.0.1:9',
                      webhookToken: () => 'unused',
                    },
                  ],
                ]),
                openThreats: async () => [
                  { hub: 'local', cluster: 'shop', count: 2 },
                  { hub: 'local', cluster: 'threatened', count: 1 },
                  { hub: 'local', cluster: 'billing', count: 4 },
                  { hub: 'local', cluster: 'deleted', count: 1 },
                ],
              }),
            );
          },
        });
      },
    });
    const backend = await startTestBackend({ features: [plugin] });
    server = backend.server;
    stop = () => backend.stop();
  });
  afterAll(async () => {
    await stop?.();
    await new Promise(resolve => alertmanager?.close(resolve));
  });

  it('counts what fires on each cluster the caller may read, apart from what is silenced, with its open threats', async () => {
    const response = await request(server)
      .get('/api/hostplane/alerts/summary')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          hub: 'far',
          cluster: 'edge',
          firing: { critical: 1, warning: 0, info: 0 },
          silenced: 0,
          openThreats: 0,
        },
        {
          hub: 'local',
          cluster: 'shop',
          firing: { critical: 1, warning: 1, info: 1 },
          silenced: 1,
          openThreats: 2,
        },
        {
          hub: 'local',
          cluster: 'threatened',
          firing: { critical: 0, warning: 0, info: 0 },
          silenced: 0,
          openThreats: 1,
        },
      ],
    });
    // One question per hub, whatever the number of clusters.
    expect(askedAlertmanager).toEqual([
      `/api/v2/alerts?filter=${encodeURIComponent('hostplane_hub="local"')}`,
    ]);
  });

  it('is refused to a caller whose credentials do not hold', async () => {
    const response = await request(server)
      .get('/api/hostplane/alerts/summary')
      .set('Authorization', mockCredentials.user.invalidHeader());
    expect(response.status).toBe(401);
  });
});
