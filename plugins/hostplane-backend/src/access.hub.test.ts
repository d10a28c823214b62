import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { clusterUpdatePermission } from '@hostplane/plugin-hostplane-common';
import {
  LOCAL_HUB_RELEASES,
  StandinLog,
  StandinOperator,
  describeClusterStatus,
  hubBinaries,
  useTestHub,
} from '@hostplane/local-hub';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { HostplanePermissionPolicy } from '@hostplane/plugin-permission-backend-module-hostplane';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from './__testUtils__/hostplaneBackend';

jest.setTimeout(600_000);
const run = promisify(execFile);

const ALICE = 'user:default/alice'; // in team-a, which owns the cluster
const BOB = 'user:default/bob'; // in team-b
const ADMIN = 'user:default/root'; // in the platform team
const CAROL = 'user:default/carol'; // in no group
const GROUPS: Record<string, string[]> = {
  [ALICE]: ['group:default/team-a'],
  [BOB]: ['group:default/team-b'],
  [ADMIN]: ['group:default/platform'],
  [CAROL]: [],
};

/** The portal's policy, with a platform team; the matrix turns `othersMayRead` off once. */
const policyOptions = {
  platformGroups: ['group:default/platform'],
  othersMayRead: true,
};

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'hostplane-test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policies: policyExtensionPoint },
      async init({ policies }) {
        policies.setPolicy(new HostplanePermissionPolicy(policyOptions));
      },
    });
  },
});

/**
 * Mock auth, as in every backend test, except for one thing: a real token that a plugin sends on
 * a user's behalf names that plugin as the actor, and the permission backend only answers
 * resource permissions without a resourceRef (conditional decisions) to such requests. The mock
 * drops the actor; this puts it back, so the real permission backend and policy can be used.
 */
const authWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken: AuthService['getPluginRequestToken'] =
      async options => {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user')
          return auth.getPluginRequestToken(options);
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      };
    return new Proxy(auth, {
      get: (target, property) =>
        property === 'getPluginRequestToken'
          ? getPluginRequestToken
          : Reflect.get(target, property, target),
    });
  },
});

describe('access: permissions and short-lived kubeconfigs against a real tenant', () => {
  let operator: StandinOperator;
  afterAll(async () => {
    await operator?.stop();
  });
  const context = useTestHub('access');
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: TestServer;
  let knex: Knex;
  const responses: string[] = [];
  const logged: string[] = [];
  const standinLog = new StandinLog();

  beforeAll(async () => {
    for (const level of ['error', 'warn', 'info', 'debug'] as const) {
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
    knex = await databases.init('SQLITE_3');
    backend = await startHostplane({
      kubeconfig: context.hub.kubeconfigPath,
      knex,
      // Decisions are not reused, so the policy change in the matrix applies at once.
      config: {
        permission: { enabled: true },
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: context.hub.kubeconfigPath,
              releases: LOCAL_HUB_RELEASES,
            },
          ],
          permissions: { decisionCacheSeconds: 0 },
        },
      },
      features: [
        permissionPlugin,
        policyModule,
        authWithActor,
        mockServices.rootLogger.factory({ level: 'debug' }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const user = (credentials.principal as { userEntityRef: string })
              .userEntityRef;
            return {
              userEntityRef: user,
              ownershipEntityRefs: [user, ...GROUPS[user]],
            };
          },
        }).factory,
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const as = (user: string) => {
    const auth = mockCredentials.user.header(user);
    const record = (response: request.Response) => {
      responses.push(response.text);
      return response;
    };
    const server = () => request(backend.server);
    return {
      get: (url: string) =>
        server()
          .get(`/api/hostplane${url}`)
          .set('Authorization', auth)
          .then(record),
      post: (url: string, body: object = {}) =>
        server()
          .post(`/api/hostplane${url}`)
          .set('Authorization', auth)
          .send(body)
          .then(record),
      patch: (url: string, body: object) =>
        server()
          .patch(`/api/hostplane${url}`)
          .set('Authorization', auth)
          .send(body)
          .then(record),
      delete: (url: string) =>
        server()
          .delete(`/api/hostplane${url}`)
          .set('Authorization', auth)
          .then(record),
      auth,
    };
  };
  const CLUSTER = '/clusters/local/team-a-app';

  it('creates a real tenant for its owner; the matrix of who may do what holds', async () => {
    const spec = {
      name: 'team-a-app',
      owner: 'group:default/team-a',
      hub: 'local',
      version: 'v1.37.2',
      nodePools: [
        { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
      ],
    };
    expect((await as(CAROL).post('/clusters', spec)).status).toBe(403);
    // A cluster is made only for an owner whose clusters its maker may operate: members for their
    // own groups, the platform team for anyone.
    expect((await as(ALICE).get('/owners')).body).toEqual({
      anyOwner: false,
      owners: ['group:default/team-a'],
    });
    expect((await as(ADMIN).get('/owners')).body).toEqual({
      anyOwner: true,
      owners: ['group:default/platform'],
    });
    expect((await as(CAROL).get('/owners')).body).toEqual({
      anyOwner: false,
      owners: [],
    });
    // A dry run makes the same check and starts nothing.
    expect((await as(ALICE).post('/clusters?dryRun=true', spec)).body).toEqual(
      expect.objectContaining({ cluster: 'team-a-app', type: 'create' }),
    );
    expect((await as(BOB).post('/clusters?dryRun=true', spec)).status).toBe(
      403,
    );
    const forAnotherTeam = await as(BOB).post('/clusters', spec);
    expect(forAnotherTeam.status).toBe(403);
    expect(forAnotherTeam.body.error.message).toBe(
      `${BOB} may not create a cluster owned by group:default/team-a: only for an owner whose clusters they may operate`,
    );
    const created = await as(ALICE).post('/clusters', spec);
    expect(created.status).toBe(202);
    await waitForOperation(backend.server, created.body.id, as(ALICE).auth);
    // Past the owner check, the platform team's cluster for team-b and Bob's for his own team
    // meet the taken name.
    for (const user of [ADMIN, BOB]) {
      const again = await as(user).post('/clusters', {
        ...spec,
        owner: 'group:default/team-b',
      });
      expect({ user, status: again.status }).toEqual({ user, status: 409 });
    }
    // The stand-in takes the cluster over from the KWOK Stages and starts its real processes;
    // it is real once its endpoint is the local API server's.
    await standinLog.waitForTenant(
      'the real tenant to report Ready',
      async () => {
        const { body } = await as(ALICE).get(CLUSTER);
        if (
          body.phase === 'Ready' &&
          body.endpoint?.startsWith('https://127.0.0.1')
        ) {
          return true;
        }
        throw new Error(describeClusterStatus(body));
      },
    );

    const matrix = async () => {
      const row = async (user: string) => {
        const list = await as(user).get('/clusters?text=team-a-app');
        const get = await as(user).get(CLUSTER);
        const issuances = await as(user).get(`${CLUSTER}/kubeconfig-issuances`);
        const update = await as(user).patch(CLUSTER, {
          action: 'protect',
          deletionProtection: true,
        });
        if (update.status === 202)
          await waitForOperation(backend.server, update.body.id, as(user).auth);
        const kubeconfig = await as(user).post(`${CLUSTER}/kubeconfig`, {
          ttlHours: 1,
        });
        // Protection is on, so an allowed delete is refused for that reason instead (409).
        const remove = await as(user).delete(CLUSTER);
        return {
          list: list.body.totalCount,
          get: get.status,
          history: issuances.status,
          update: update.status,
          kubeconfig: kubeconfig.status,
          delete: remove.status,
        };
      };
      return {
        owner: await row(ALICE),
        other: await row(BOB),
        admin: await row(ADMIN),
      };
    };

    expect(await matrix()).toEqual({
      owner: {
        list: 1,
        get: 200,
        history: 200,
        update: 202,
        kubeconfig: 200,
        delete: 409,
      },
      other: {
        list: 1,
        get: 200,
        history: 200,
        update: 403,
        kubeconfig: 403,
        delete: 403,
      },
      admin: {
        list: 1,
        get: 200,
        history: 200,
        update: 202,
        kubeconfig: 200,
        delete: 409,
      },
    });
    policyOptions.othersMayRead = false;
    try {
      expect((await matrix()).other).toEqual({
        list: 0,
        get: 403,
        history: 403,
        update: 403,
        kubeconfig: 403,
        delete: 403,
      });
    } finally {
      policyOptions.othersMayRead = true;
    }
  });

  it('answers a frontend asking about one cluster by its resource ref, with the owner rule applied', async () => {
    const decide = async (user: string, resourceRef: string) => {
      const response = await request(backend.server)
        .post('/api/permission/authorize')
        .set('Authorization', as(user).auth)
        .send({
          items: [
            { id: '1', permission: clusterUpdatePermission, resourceRef },
          ],
        });
      expect(response.status).toBe(200);
      return response.body.items[0].result;
    };
    expect(await decide(ALICE, 'local/team-a-app')).toBe('ALLOW');
    expect(await decide(BOB, 'local/team-a-app')).toBe('DENY');
    // A cluster that does not exist is nobody's to update.
    expect(await decide(ALICE, 'local/no-such-cluster')).toBe('DENY');
  });

  it('issues a kubeconfig that works with kubectl until it expires, and records it', async () => {
    const issued = await as(ALICE).post(`${CLUSTER}/kubeconfig`, {
      ttlHours: 0.003,
    });
    expect(issued.status).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    const expiresAt = Date.parse(issued.body.expiresAt);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(0.003 * 3_600_000);
    expect(expiresAt - Date.now()).toBeGreaterThan(0);

    const file = path.join(context.workdir, 'alice.kubeconfig');
    fs.writeFileSync(file, issued.body.kubeconfig, { mode: 0o600 });
    const kubectl = (...args: string[]) =>
      run(hubBinaries().kubectl, ['--kubeconfig', file, ...args]);
    const nodes = await waitFor('the tenant node to be listed', async () => {
      const { stdout } = await kubectl('get', 'nodes', '-o', 'name');
      return stdout.trim() ? stdout : undefined;
    });
    expect(nodes).toMatch(/^node\/team-a-app-workers-/m);
    const whoami = JSON.parse(
      (await kubectl('auth', 'whoami', '-o', 'json')).stdout,
    );
    expect(whoami.status.userInfo).toMatchObject({
      username: ALICE,
      groups: expect.arrayContaining(['group:default/team-a']),
    });

    await new Promise(resolve =>
      setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 1_000),
    );
    await expect(kubectl('get', 'nodes')).rejects.toThrow(
      /Unauthorized|must be logged in/,
    );

    const history = await as(ALICE).get(`${CLUSTER}/kubeconfig-issuances`);
    expect(history.body.items[0]).toEqual({
      id: issued.body.issuance.id,
      hub: 'local',
      cluster: 'team-a-app',
      user: ALICE,
      groups: ['group:default/team-a'],
      serial: issued.body.issuance.serial,
      issuedAt: expect.any(String),
      expiresAt: issued.body.expiresAt,
      revoked: false,
    });
    expect(history.body.items.map((i: { user: string }) => i.user)).toEqual(
      expect.arrayContaining([ALICE, ADMIN]),
    );
  });

  it('never lets the admin credential out: not in a response, a log line or the database', async () => {
    const secret = await context.hub
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: 'tenants-team-a',
        name: 'team-a-app-admin-kubeconfig',
      });
    const admin = new KubeConfig();
    admin.loadFromString(
      Buffer.from(secret.data!.kubeconfig, 'base64').toString(),
    );
    const user = admin.getCurrentUser()!;
    const rootCa = await context.hub
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: 'tenants-team-a-team-a-app',
        name: 'root-ca',
      });
    const pem = (base64: string) => Buffer.from(base64, 'base64').toString();
    // The credential in each form it could leak in: base64 as stored, PEM, and a PEM body line.
    const needles = [
      user.certData!,
      user.keyData!,
      rootCa.data!['ca.key'],
    ].flatMap(value => {
      const lines = pem(value)
        .split('\n')
        .filter(line => line.length > 40 && !line.startsWith('-----'));
      // Not the start: every PEM begins alike, in base64 too.
      return [
        value.slice(200, 264),
        lines[1],
        lines[Math.floor(lines.length / 2)],
      ];
    });

    await as(ALICE).get(CLUSTER);
    await as(ALICE).get('/clusters');
    await as(ALICE).get('/operations?hub=local&cluster=team-a-app');
    const dump: string[] = [];
    for (const table of [
      'hostplane_operations',
      'hostplane_cluster_locks',
      'hostplane_kubeconfig_issuances',
    ]) {
      dump.push(JSON.stringify(await knex(table).select()));
    }
    expect(responses.length).toBeGreaterThan(20);
    expect(logged.length).toBeGreaterThan(10);
    for (const needle of needles) {
      expect(needle.length).toBeGreaterThan(40);
      for (const [where, texts] of Object.entries({
        responses,
        logged,
        dump,
      })) {
        expect({
          where,
          leaked: texts.some(text => text.includes(needle)),
        }).toEqual({ where, leaked: false });
      }
    }
  });

  it('rotates the CA and admin credential: kubeconfigs issued before stop working, new ones work', async () => {
    const core = context.hub.kubeConfig().makeApiClient(CoreV1Api);
    const credentials = async () => ({
      admin: (
        await core.readNamespacedSecret({
          namespace: 'tenants-team-a',
          name: 'team-a-app-admin-kubeconfig',
        })
      ).data!.kubeconfig,
      ca: (
        await core.readNamespacedSecret({
          namespace: 'tenants-team-a-team-a-app',
          name: 'root-ca',
        })
      ).data!['ca.crt'],
    });
    const kubectlWith = (name: string, kubeconfig: string) => {
      const file = path.join(context.workdir, `${name}.kubeconfig`);
      fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
      return (...args: string[]) =>
        run(hubBinaries().kubectl, ['--kubeconfig', file, ...args]);
    };
    const before = await credentials();
    const issuedBefore = await as(ALICE).post(`${CLUSTER}/kubeconfig`, {
      ttlHours: 1,
    });
    const oldKubectl = kubectlWith('before', issuedBefore.body.kubeconfig);
    await expect(
      oldKubectl('get', 'nodes', '-o', 'name'),
    ).resolves.toMatchObject({ stdout: expect.stringMatching(/^node\//) });

    // Another team may not rotate a cluster it does not own.
    expect(
      (await as(BOB).patch(CLUSTER, { action: 'rotateCredentials' })).status,
    ).toBe(403);
    const rotation = await as(ALICE).patch(CLUSTER, {
      action: 'rotateCredentials',
    });
    expect(rotation.status).toBe(202);
    const operation = await waitForOperation(
      backend.server,
      rotation.body.id,
      as(ALICE).auth,
    );
    expect(operation.steps.map((s: { name: string }) => s.name)).toEqual([
      'applyControlPlane',
      'waitCredentialsRotated',
    ]);

    const after = await credentials();
    expect(after.admin).not.toBe(before.admin);
    expect(after.ca).not.toBe(before.ca);
    await expect(oldKubectl('get', 'nodes')).rejects.toThrow(
      /Unauthorized|must be logged in|certificate/,
    );
    await expect(
      kubectlWith('admin-after', Buffer.from(after.admin, 'base64').toString())(
        'get',
        'nodes',
        '-o',
        'name',
      ),
    ).resolves.toMatchObject({ stdout: expect.stringMatching(/^node\//) });

    const issuedAfter = await as(ALICE).post(`${CLUSTER}/kubeconfig`, {
      ttlHours: 1,
    });
    expect(issuedAfter.status).toBe(200);
    await expect(
      kubectlWith('after', issuedAfter.body.kubeconfig)(
        'get',
        'nodes',
        '-o',
        'name',
      ),
    ).resolves.toMatchObject({ stdout: expect.stringMatching(/^node\//) });

    const cluster = await as(ALICE).get(CLUSTER);
    expect(Date.parse(cluster.body.credentialsRotatedAt)).toBeGreaterThan(
      Date.parse(issuedBefore.body.issuance.issuedAt),
    );
    const history = await as(ALICE).get(`${CLUSTER}/kubeconfig-issuances`);
    const revoked = Object.fromEntries(
      history.body.items.map((i: { id: string; revoked: boolean }) => [
        i.id,
        i.revoked,
      ]),
    );
    expect(revoked[issuedBefore.body.issuance.id]).toBe(true);
    expect(revoked[issuedAfter.body.issuance.id]).toBe(false);
  });
});
