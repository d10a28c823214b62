import {
  PermissionsService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterStatus,
  clusterSpecSchema,
  hostplanePermissions,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  ProviderFeatures,
  clusterPermissionResourceRef,
  clusterPermissionRules,
} from '@hostplane/plugin-hostplane-node';
import request from 'supertest';
import { ClusterCache } from '../cache/ClusterCache';
import { OperationStore } from '../database/OperationStore';
import { KubeconfigService } from '../kubeconfig/KubeconfigService';
import { ServiceCredentialService } from '../kubeconfig/ServiceCredentialService';
import { OperationRunner } from '../operations/OperationRunner';
import { ClusterService } from './ClusterService';
import { HubStatusChecker } from './HubStatusChecker';
import { createRouter } from './router';

jest.setTimeout(60_000);

/**
 * The router's own decisions, without a hub: who gets 403 and who 503, and what a hub's provider
 * does not support. Hubs are fixed; operations are planned (dry runs), never run.
 */

/** A provider that renders nothing: planning a create asks it only for the namespace. */
function stubProvider(
  id: string,
  capabilities: ProviderFeatures,
): HostedControlPlaneProvider {
  const unused = () => {
    throw new Error(`${id} is not asked for this in these tests`);
  };
  return {
    id,
    requiredHubApis: [],
    capabilities,
    watchedKinds: [],
    namespaceFor: spec => `tenants-${spec.owner.split('/').pop()}`,
    secretsFor: unused,
    render: unused,
    status: unused,
    credentialRefs: unused,
  };
}

const providers = new Map(
  [
    stubProvider('full', {
      credentialRotation: true,
      hibernation: true,
      etcdOperations: true,
      availabilityPolicies: ['SingleReplica', 'HighlyAvailable'],
    }),
    stubProvider('basic', {
      credentialRotation: false,
      hibernation: false,
      etcdOperations: false,
      availabilityPolicies: ['SingleReplica'],
    }),
  ].map(provider => [provider.id, provider]),
);

const releases = [
  { version: 'v1.37.2', image: 'registry.example/kubernetes:v1.37.2' },
];
const hubs: HubDefinition[] = ['full', 'basic'].map(name => ({
  name,
  provider: name,
  releases,
  kubeConfig: () => {
    throw new Error(`hub '${name}' is not reached in these tests`);
  },
}));

/** A ready cluster Hostplane made, on each hub. */
const clusters: ClusterStatus[] = hubs.map(hub => {
  const spec = clusterSpecSchema.parse({
    name: 'shop',
    owner: 'group:default/team-a',
    hub: hub.name,
    version: 'v1.37.2',
    nodePools: [
      { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
  });
  const cluster: ClusterStatus = {
    hub: hub.name,
    name: 'shop',
    namespace: 'tenants-team-a',
    owner: spec.owner,
    phase: 'Ready',
    version: 'v1.37.2',
    availability: 'SingleReplica',
    nodePools: [
      {
        name: 'workers',
        phase: 'Ready',
        version: 'v1.37.2',
        replicas: 2,
        currentReplicas: 2,
        vcpu: 2,
        memoryGiB: 4,
        diskGiB: 20,
        conditions: [],
      },
    ],
    conditions: [],
    deletionProtection: false,
    labels: {},
    spec,
  };
  return cluster;
});

/** Stands in for the watch-backed cache: every hub listed, holding `clusters`. */
const cache = {
  get: (hub: string, name: string) =>
    clusters.find(c => c.hub === hub && c.name === name),
  hub: (name: string) => ({
    hub: hubs.find(h => h.name === name),
    listed: () => true,
    whenListed: async () => true,
    state: () => ({ hub: name, synced: true }),
  }),
} as unknown as ClusterCache;

/** What the permission backend does: decide one way, or fail as an unreachable one does. */
let permissionBackend: 'allow' | 'deny' | 'fail' = 'allow';
async function decideAll(requests: unknown[]) {
  if (permissionBackend === 'fail') {
    throw new Error('Request failed with 502 Bad Gateway');
  }
  const result =
    permissionBackend === 'allow'
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  return requests.map(() => ({ result }));
}
const permissions: PermissionsService = {
  authorize: decideAll,
  authorizeConditional: decideAll,
} as PermissionsService;

const ALICE = mockCredentials.user.header('user:default/alice');

describe('the router', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let server: typeof backend.server;
  const api = (path: string) => `/api/hostplane${path}`;

  beforeAll(async () => {
    const hostplaneApi = createBackendPlugin({
      pluginId: 'hostplane',
      register(env) {
        env.registerInit({
          deps: {
            httpAuth: coreServices.httpAuth,
            httpRouter: coreServices.httpRouter,
            permissionsRegistry: coreServices.permissionsRegistry,
            userInfo: coreServices.userInfo,
          },
          async init(deps) {
            deps.permissionsRegistry.addResourceType({
              resourceRef: clusterPermissionResourceRef,
              permissions: hostplanePermissions,
              rules: Object.values(clusterPermissionRules),
            });
            const store = {
              refuseIfBusy: async () => undefined,
            } as unknown as OperationStore;
            const runner = {
              submit: () => {
                throw new Error('no operation is started in these tests');
              },
            } as unknown as OperationRunner;
            deps.httpRouter.use(
              await createRouter({
                hubs: new HubStatusChecker(hubs, providers),
                clusters: new ClusterService(
                  hubs,
                  providers,
                  cache,
                  store,
                  runner,
                ),
                kubeconfigs: {} as KubeconfigService,
                serviceCredentials: {} as ServiceCredentialService,
                httpAuth: deps.httpAuth,
                permissions,
                permissionsRegistry: deps.permissionsRegistry,
                userInfo: deps.userInfo,
                // Every request asks, so a test's permission backend is the one that answers.
                decisionTtlMs: 0,
              }),
            );
          },
        });
      },
    });
    backend = await startTestBackend({ features: [hostplaneApi] });
    server = backend.server;
  });
  afterAll(async () => {
    await backend?.stop();
  });

  beforeEach(() => {
    permissionBackend = 'allow';
  });

  describe('when the permission backend fails', () => {
    beforeEach(() => {
      permissionBackend = 'fail';
    });

    it.each([
      ['GET', '/clusters'],
      ['GET', '/clusters/full/shop'],
      ['PATCH', '/clusters/full/shop?dryRun=true'],
      ['DELETE', '/clusters/full/shop?dryRun=true'],
      ['POST', '/clusters?dryRun=true'],
      ['GET', '/owners'],
      ['GET', '/operations'],
    ])('%s %s answers 503 with the reason, not 403', async (method, path) => {
      const response = await request(server)
        [method.toLowerCase() as 'get' | 'patch' | 'delete' | 'post'](api(path))
        .set('Authorization', ALICE)
        .send(
          method === 'POST'
            ? { ...clusters[0].spec, name: 'new' }
            : { action: 'protect', deletionProtection: true },
        );
      expect(response.status).toBe(503);
      expect(response.body.error.message).toMatch(
        /^The permission backend did not decide whether user:default\/alice may hostplane\.[a-z.]+: Request failed with 502 Bad Gateway; try again shortly$/,
      );
    });
  });

  it('answers a DENY with 403 that names the caller', async () => {
    permissionBackend = 'deny';
    const response = await request(server)
      .get(api('/clusters/full/shop'))
      .set('Authorization', ALICE);
    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe(
      "user:default/alice may not read cluster 'shop'",
    );
  });

  it('issues kubeconfigs to users only: a service principal gets 403', async () => {
    const response = await request(server)
      .post(api('/clusters/full/shop/kubeconfig'))
      .set('Authorization', mockCredentials.service.header())
      .send({ ttlHours: 1 });
    expect(response.status).toBe(403);
  });

  it("answers one cluster with what its hub's provider supports", async () => {
    const response = await request(server)
      .get(api('/clusters/basic/shop'))
      .set('Authorization', ALICE);
    expect(response.status).toBe(200);
    expect(response.body.capabilities).toEqual({
      provider: 'basic',
      credentialRotation: false,
      hibernation: false,
      etcdOperations: false,
      availabilityPolicies: ['SingleReplica'],
    });
  });

  it("lists each hub with its provider's capabilities", async () => {
    const response = await request(server)
      .get(api('/hubs'))
      .set('Authorization', ALICE);
    expect(response.status).toBe(200);
    expect(
      response.body.items.map((hub: { name: string; capabilities: object }) => [
        hub.name,
        hub.capabilities,
      ]),
    ).toEqual([
      [
        'full',
        {
          provider: 'full',
          credentialRotation: true,
          hibernation: true,
          etcdOperations: true,
          availabilityPolicies: ['SingleReplica', 'HighlyAvailable'],
        },
      ],
      [
        'basic',
        {
          provider: 'basic',
          credentialRotation: false,
          hibernation: false,
          etcdOperations: false,
          availabilityPolicies: ['SingleReplica'],
        },
      ],
    ]);
  });

  describe('refuses what the provider does not support', () => {
    it.each([
      ['rotateCredentials', 'rotate credentials'],
      ['hibernate', 'hibernate and resume clusters'],
      ['resume', 'hibernate and resume clusters'],
    ])('%s, with 409, in a dry run too', async (action, what) => {
      for (const dryRun of ['?dryRun=true', '']) {
        const response = await request(server)
          .patch(api(`/clusters/basic/shop${dryRun}`))
          .set('Authorization', ALICE)
          .send({ action });
        expect({ dryRun, status: response.status }).toEqual({
          dryRun,
          status: 409,
        });
        expect(response.body.error.message).toBe(
          `The provider of hub 'basic' (basic) cannot ${what}, so '${action}' is not available for its clusters`,
        );
      }
    });

    it('rotates credentials where the provider supports it', async () => {
      const response = await request(server)
        .patch(api('/clusters/full/shop?dryRun=true'))
        .set('Authorization', ALICE)
        .send({ action: 'rotateCredentials' });
      expect(response.status).toBe(200);
      expect(response.body.type).toBe('rotateCredentials');
    });

    it('an availability policy, with 400 on the field', async () => {
      const spec = {
        ...clusters[0].spec,
        name: 'new',
        availability: 'HighlyAvailable',
      };
      const refused = await request(server)
        .post(api('/clusters?dryRun=true'))
        .set('Authorization', ALICE)
        .send({ ...spec, hub: 'basic' });
      expect(refused.status).toBe(400);
      expect(refused.body.issues).toEqual([
        {
          path: ['availability'],
          message:
            "the provider of hub 'basic' (basic) offers SingleReplica, not HighlyAvailable",
        },
      ]);
      const accepted = await request(server)
        .post(api('/clusters?dryRun=true'))
        .set('Authorization', ALICE)
        .send({ ...spec, hub: 'full' });
      expect(accepted.status).toBe(200);
      expect(accepted.body.type).toBe('create');
    });
  });
});
