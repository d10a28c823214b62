import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  LOCAL_HUB_RELEASES,
  LocalLogStore,
  StandinLog,
  StandinOperator,
  TenantProcesses,
  describeClusterStatus,
  hubBinaries,
  standinTenantLogFiles,
  useTestHub,
} from '@hostplane/local-hub';
import { HostplanePermissionPolicy } from '@hostplane/plugin-permission-backend-module-hostplane';
import { AppsV1Api } from '@kubernetes/client-node';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from '../__testUtils__/hostplaneBackend';
import { SearchedLogLine } from '@hostplane/plugin-hostplane-common';
import { followLive } from './__testUtils__/serverSentEvents';
import { pemBegin, pemEnd } from './__fixtures__/pemArmor';

jest.setTimeout(600_000);

const ALICE = 'user:default/alice'; // in team-a
const BOB = 'user:default/bob'; // in team-b
const GROUPS: Record<string, string[]> = {
  [ALICE]: ['group:default/team-a'],
  [BOB]: ['group:default/team-b'],
};
const TEAM_A_CLUSTER = 'team-a-logs';
/** How soon a line written to a quiet log file is found by search (see the first search). */
const SEARCH_DELAY_BOUND_MS = 20_000;
const TEAM_B_CLUSTER = 'team-b-logs';

/** Only a cluster's owners read it: the isolation the logs must keep. */
const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'hostplane-logs-test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policies: policyExtensionPoint },
      async init({ policies }) {
        policies.setPolicy(
          new HostplanePermissionPolicy({
            platformGroups: ['group:default/platform'],
            othersMayRead: false,
          }),
        );
      },
    });
  },
});

/**
 * Mock auth that names the plugin as the actor of a token it sends on a user's behalf, so the
 * real permission backend answers conditional decisions (as in access.hub.test.ts).
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

/** Sends a request with an unknown bearer token to a tenant's API server, which logs the failure. */
function unauthenticatedRequest(tenant: TenantProcesses, token: string) {
  return new Promise<number>((resolve, reject) => {
    const req = https.get(
      new URL('/api/v1/namespaces', tenant.server),
      {
        headers: { Authorization: `Bearer ${token}` },
        ca: fs.readFileSync(tenant.rootCaPath),
      },
      res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
  });
}

/** Appends lines to a component's log file, as the process would write them. */
function plant(tenant: TenantProcesses, component: string, lines: string[]) {
  fs.appendFileSync(
    path.join(tenant.clusterDir, 'logs', `${component}.log`),
    lines.map(line => `${line}\n`).join(''),
  );
}

describe('control-plane logs of real tenants', () => {
  let operator: StandinOperator;
  let logStore: LocalLogStore;
  afterAll(async () => {
    await logStore?.stop();
    await operator?.stop();
  });
  const context = useTestHub('logs');
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: TestServer;
  let baseUrl: string;
  const standinLog = new StandinLog();
  const tenants: Record<string, TenantProcesses> = {};

  const as = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      auth,
      get: (url: string) =>
        request(backend.server)
          .get(`/api/hostplane${url}`)
          .set('Authorization', auth),
      post: (url: string, body: object = {}) =>
        request(backend.server)
          .post(`/api/hostplane${url}`)
          .set('Authorization', auth)
          .send(body),
    };
  };

  beforeAll(async () => {
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 2,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 250,
      log: standinLog.log,
    });
    await operator.start();
    logStore = await LocalLogStore.start({
      hub: 'local',
      workdir: path.join(context.workdir, 'logs'),
      tenants: standinTenantLogFiles(operator),
      syncIntervalMs: 500,
      log: standinLog.log,
    });
    backend = await startHostplane({
      kubeconfig: context.hub.kubeconfigPath,
      knex: await databases.init('SQLITE_3'),
      config: {
        permission: { enabled: true },
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: context.hub.kubeconfigPath,
              releases: LOCAL_HUB_RELEASES,
              // Polling searches below stay under the per-user rate (unit-tested apart).
              logs: { url: logStore.url, searchesPerMinute: 600 },
            },
          ],
          permissions: { decisionCacheSeconds: 0 },
        },
      },
      features: [
        permissionPlugin,
        policyModule,
        authWithActor,
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
    const { port } = backend.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}/api/hostplane`;

    // Both teams' clusters start together: two real tenants in parallel.
    await Promise.all(
      [
        { user: ALICE, name: TEAM_A_CLUSTER, owner: 'group:default/team-a' },
        { user: BOB, name: TEAM_B_CLUSTER, owner: 'group:default/team-b' },
      ].map(async ({ user, name, owner }) => {
        const created = await as(user).post('/clusters', {
          name,
          owner,
          hub: 'local',
          version: 'v1.37.2',
          nodePools: [
            {
              name: 'workers',
              replicas: 1,
              vcpu: 2,
              memoryGiB: 4,
              diskGiB: 20,
            },
          ],
        });
        if (created.status !== 202) {
          throw new Error(
            `creating ${name}: ${created.status} ${created.text}`,
          );
        }
        await waitForOperation(backend.server, created.body.id, as(user).auth);
        const cluster = await standinLog.waitForTenant(
          `${name} to run as a real tenant`,
          async () => {
            const { body } = await as(user).get(`/clusters/local/${name}`);
            if (
              body.phase === 'Ready' &&
              body.endpoint?.startsWith('https://127.0.0.1')
            ) {
              return body;
            }
            throw new Error(describeClusterStatus(body));
          },
        );
        tenants[name] = operator.tenant(cluster.namespace, name)!;
        // The hub's controllers make the control-plane pods shortly after the stand-in publishes
        // the workloads; KWOK runs them.
        await standinLog.waitForTenant(
          `${name}'s control-plane pods`,
          async () => {
            const { body } = await as(user).get(
              `/clusters/local/${name}/logs/pods`,
            );
            const running = (component: string) =>
              body.items?.some(
                (i: { component: string; phase: string }) =>
                  i.component === component && i.phase === 'Running',
              );
            if (running('etcd') && running('kube-apiserver')) return true;
            const workloads = await context.hub
              .kubeConfig()
              .makeApiClient(AppsV1Api)
              .listDeploymentForAllNamespaces();
            throw new Error(
              `pods: ${JSON.stringify(body)}; deployments: ${workloads.items
                .map(
                  d =>
                    `${d.metadata?.namespace}/${
                      d.metadata?.name
                    } ${JSON.stringify(
                      d.status?.conditions?.map(c => c.message),
                    )}`,
                )
                .join(', ')}`,
            );
          },
        );
      }),
    );
  });
  afterAll(async () => {
    await backend?.stop();
  });

  /** Searches as the tab does until the answer satisfies `done`; fails after `timeoutMs`. */
  const searchUntil = async (
    user: string,
    cluster: string,
    query: Record<string, string>,
    done: (items: SearchedLogLine[]) => boolean,
    timeoutMs: number,
  ): Promise<SearchedLogLine[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await as(user).get(
        `/clusters/local/${cluster}/logs/search?${new URLSearchParams(query)}`,
      );
      if (response.status !== 200) {
        throw new Error(`search answered ${response.status}: ${response.text}`);
      }
      if (done(response.body.items)) return response.body.items;
      if (Date.now() > deadline) {
        throw new Error(
          `search ${JSON.stringify(
            query,
          )} did not find it within ${timeoutMs} ms`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 300));
    }
  };

  const live = (cluster: string, query: string) =>
    `${baseUrl}/clusters/local/${cluster}/logs/live?${query}`;

  it("lists the control-plane pods, each etcd member's among them", async () => {
    const { status, body } = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/pods`,
    );

    expect(status).toBe(200);
    const components = new Set(
      body.items.map((i: { component: string }) => i.component),
    );
    expect([...components]).toEqual(
      expect.arrayContaining(['etcd', 'kube-apiserver']),
    );
    expect(body.items).toContainEqual(
      expect.objectContaining({ component: 'etcd', pod: 'etcd-0' }),
    );
  });

  it("shows a line the tenant's kube-apiserver writes in the live view within 2 s", async () => {
    const tenant = tenants[TEAM_A_CLUSTER];
    const { body } = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/pods`,
    );
    const pod = body.items.find(
      (i: { component: string }) => i.component === 'kube-apiserver',
    ).pod;
    const followed = await followLive(
      live(TEAM_A_CLUSTER, `pod=${pod}&component=kube-apiserver&tailLines=0`),
      as(ALICE).auth,
    );
    try {
      const token = `logs-test-${Date.now()}`;
      const sentAt = Date.now();
      expect(await unauthenticatedRequest(tenant, token)).toBe(401);

      const line = await followed.waitForLine(
        l =>
          l.text.includes('Unable to authenticate the request') &&
          Date.parse(l.time!) >= sentAt - 1_000,
        2_000,
      );
      expect(line.receivedAt - sentAt).toBeLessThan(2_000);
      // The bearer token of the failed request is nowhere in what the browser got.
      expect(followed.lines.map(l => l.text).join('\n')).not.toContain(token);

      // The same line, found by search in the log store. vlagent's tailer polls a file that
      // has gone quiet with a backoff of up to 10 s, so the bound here is 20 s: the issue's
      // 10 s is met only for files that are being written to.
      const found = await searchUntil(
        ALICE,
        TEAM_A_CLUSTER,
        {
          query: 'Unable to authenticate',
          component: 'kube-apiserver',
          start: new Date(sentAt - 5_000).toISOString(),
        },
        items => items.length > 0,
        SEARCH_DELAY_BOUND_MS,
      );
      expect(Date.now() - sentAt).toBeLessThan(SEARCH_DELAY_BOUND_MS);
      expect(found[0]).toMatchObject({
        component: 'kube-apiserver',
        pod: 'kube-apiserver',
        level: 'error',
      });
      expect(found[0].text).toContain('Unable to authenticate the request');
    } finally {
      followed.close();
    }
  });

  it('redacts secrets planted in a tenant log on the live path', async () => {
    const tenant = tenants[TEAM_A_CLUSTER];
    const marker = `planted-${Date.now()}`;
    const secrets = {
      bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      password: 'hunter2-planted',
      key: 'MIIEowIBAAKCAQEAplantedkeymaterial',
    };
    const followed = await followLive(
      live(TEAM_A_CLUSTER, 'pod=etcd-0&component=etcd&tailLines=0'),
      as(ALICE).auth,
    );
    try {
      plant(tenant, 'etcd', [
        `${marker} Authorization: Bearer ${secrets.bearer}`,
        `${marker} dialing https://admin:${secrets.password}@10.0.0.1:2379`,
        `${marker} ${pemBegin('RSA')}`,
        secrets.key,
        `${pemEnd('RSA')} ${marker} end`,
      ]);
      await followed.waitForLine(l => l.text.includes(`${marker} end`), 5_000);

      const text = followed.lines.map(l => l.text).join('\n');
      for (const secret of Object.values(secrets)) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain(`${marker} Authorization: Bearer [REDACTED]`);
      expect(text).toContain(`${marker} dialing https://admin:[REDACTED]@`);
    } finally {
      followed.close();
    }

    // Search: the planted lines are found, and come back redacted.
    const found = await searchUntil(
      ALICE,
      TEAM_A_CLUSTER,
      { query: marker, component: 'etcd' },
      items => items.length >= 4,
      SEARCH_DELAY_BOUND_MS,
    );
    const searched = JSON.stringify(found);
    for (const secret of Object.values(secrets)) {
      expect(searched).not.toContain(secret);
    }
    expect(found.map(l => l.text)).toContainEqual(
      `${marker} Authorization: Bearer [REDACTED]`,
    );
    expect(searched).not.toContain(`PRIVATE KEY${'-'.repeat(5)}\\n`);
  });

  it("refuses another team's live log and pods, whatever the query", async () => {
    for (const url of [
      `/clusters/local/${TEAM_A_CLUSTER}/logs/pods`,
      `/clusters/local/${TEAM_A_CLUSTER}/logs/live?pod=etcd-0&component=etcd&follow=false`,
    ]) {
      const { status } = await as(BOB).get(url);
      expect({ url, status }).toEqual({ url, status: 403 });
    }
    // A pod name is a name, not a path into another namespace.
    const crafted = await as(BOB).get(
      `/clusters/local/${TEAM_B_CLUSTER}/logs/live?pod=${encodeURIComponent(
        `../../${TEAM_A_CLUSTER}/pods/etcd-0`,
      )}&component=etcd&follow=false`,
    );
    expect(crafted.status).toBe(400);
  });

  it('answers a log that is not there with 404, and a finished log with an end event', async () => {
    const missing = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/live?pod=no-such-pod&component=etcd`,
    );
    expect(missing.status).toBe(404);

    const followed = await followLive(
      live(
        TEAM_A_CLUSTER,
        'pod=etcd-0&component=etcd&tailLines=5&follow=false',
      ),
      as(ALICE).auth,
    );
    await waitForEvents(followed.events, 1);
    expect(followed.events).toEqual([{ event: 'end', data: {} }]);
    expect(followed.lines.length).toBeGreaterThan(0);
    expect(followed.lines.length).toBeLessThanOrEqual(5);
  });

  it("never shows team A's lines to team B, whatever the query", async () => {
    const marker = `isolation-${Date.now()}`;
    plant(tenants[TEAM_A_CLUSTER], 'kube-apiserver', [
      `E1208 10:15:00.000000 1 test.go:1] ${marker} team-a secret business`,
    ]);
    plant(tenants[TEAM_B_CLUSTER], 'kube-apiserver', [
      `I1208 10:15:00.000000 1 test.go:1] ${marker} team-b own line`,
    ]);
    // Both are stored: each team finds its own.
    await searchUntil(
      ALICE,
      TEAM_A_CLUSTER,
      { query: marker },
      items => items.length === 1,
      SEARCH_DELAY_BOUND_MS,
    );
    await searchUntil(
      BOB,
      TEAM_B_CLUSTER,
      { query: marker },
      items => items.length === 1,
      SEARCH_DELAY_BOUND_MS,
    );

    const crafted: Array<Record<string, string>> = [
      { mode: 'logsql', query: `cluster:=${TEAM_A_CLUSTER}` },
      { mode: 'logsql', query: `{cluster="${TEAM_A_CLUSTER}"}` },
      { mode: 'logsql', query: `_stream:{cluster=~".*"} ${marker}` },
      { mode: 'logsql', query: `* or cluster:=${TEAM_A_CLUSTER}` },
      {
        mode: 'logsql',
        query: `${marker} | union (cluster:=${TEAM_A_CLUSTER})`,
      },
      { mode: 'logsql', query: `"${marker}" or (cluster:*)` },
      { mode: 'logsql', query: `_msg:~"team-a"` },
      { mode: 'text', query: `${marker}") or (cluster:=${TEAM_A_CLUSTER}` },
      { mode: 'text', query: 'team-a secret business' },
    ];
    for (const query of crafted) {
      const response = await as(BOB).get(
        `/clusters/local/${TEAM_B_CLUSTER}/logs/search?${new URLSearchParams({
          ...query,
          start: new Date(Date.now() - 3600_000).toISOString(),
        })}`,
      );
      // A query the store refuses is a 400; any answer holds team B's lines only.
      expect({ query, status: [200, 400].includes(response.status) }).toEqual({
        query,
        status: true,
      });
      expect({ query, leaked: response.text.includes('team-a') }).toEqual({
        query,
        leaked: false,
      });
      for (const line of response.body.items ?? []) {
        expect(line.text).not.toContain('team-a secret');
      }
    }
    // Team A's cluster itself is not Bob's to search, nor its audit or events.
    for (const what of ['search', 'hits', 'audit', 'events', 'store']) {
      const { status } = await as(BOB).get(
        `/clusters/local/${TEAM_A_CLUSTER}/logs/${what}`,
      );
      expect({ what, status }).toEqual({ what, status: 403 });
    }
  });

  it('counts matching lines over time (hits) and bounds a search', async () => {
    const { status, body } = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/hits?component=kube-apiserver`,
    );
    expect(status).toBe(200);
    expect(body.step).toBe('1m');
    expect(body.total).toBeGreaterThan(0);
    expect(body.total).toBe(
      body.buckets.reduce(
        (sum: number, b: { count: number }) => sum + b.count,
        0,
      ),
    );

    const tooWide = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/search?start=2026-01-01T00:00:00Z&end=2026-03-01T00:00:00Z`,
    );
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.error.message).toMatch(
      /a search covers at most 7 days: narrow it/,
    );
    const limited = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/search?limit=3`,
    );
    expect(limited.body).toMatchObject({ limit: 3, limited: true });
    expect(limited.body.items).toHaveLength(3);
  });

  it("lists a kubectl session's audit events under the issued kubeconfig's user", async () => {
    const issued = await as(ALICE).post(
      `/clusters/local/${TEAM_A_CLUSTER}/kubeconfig`,
      { ttlHours: 1 },
    );
    expect(issued.status).toBe(200);
    const kubeconfigPath = path.join(context.workdir, 'alice.kubeconfig');
    fs.writeFileSync(kubeconfigPath, issued.body.kubeconfig, { mode: 0o600 });
    const kubeconfig = parseYaml(issued.body.kubeconfig);
    const certificate = new X509Certificate(
      Buffer.from(
        kubeconfig.users[0].user['client-certificate-data'],
        'base64',
      ),
    );
    const user = /CN=([^\n]+)/.exec(certificate.subject)![1];
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    await new Promise<void>((resolve, reject) =>
      execFile(
        hubBinaries().kubectl,
        ['--kubeconfig', kubeconfigPath, 'get', 'pods', '-n', 'kube-system'],
        error => (error ? reject(error) : resolve()),
      ),
    );

    const deadline = Date.now() + SEARCH_DELAY_BOUND_MS;
    let events: Array<Record<string, unknown>> = [];
    while (Date.now() < deadline) {
      const response = await as(ALICE).get(
        `/clusters/local/${TEAM_A_CLUSTER}/logs/audit?${new URLSearchParams({
          user,
          verb: 'list',
          resource: 'pods',
          start: startedAt,
        })}`,
      );
      expect(response.status).toBe(200);
      events = response.body.items;
      if (events.length > 0) break;
      await new Promise(resolve => setTimeout(resolve, 300));
    }
    expect(events[0]).toMatchObject({
      user,
      verb: 'list',
      resource: 'pods',
      namespace: 'kube-system',
      code: 200,
    });
    expect(events[0].groups).toEqual(
      expect.arrayContaining(['group:default/team-a']),
    );
  });

  it('says when the log store is down, keeps the live path, and has the lines written meanwhile once it is back', async () => {
    const storeUrl = `/clusters/local/${TEAM_A_CLUSTER}/logs/store`;
    expect((await as(ALICE).get(storeUrl)).body).toMatchObject({
      configured: true,
      reachable: true,
    });
    await logStore.stopStore();
    try {
      const down = await as(ALICE).get(storeUrl);
      expect(down.body).toMatchObject({ configured: true, reachable: false });
      expect(down.body.reason).toMatch(/does not answer/);
      const search = await as(ALICE).get(
        `/clusters/local/${TEAM_A_CLUSTER}/logs/search`,
      );
      expect(search.status).toBe(503);

      const marker = `while-down-${Date.now()}`;
      const followed = await followLive(
        live(TEAM_A_CLUSTER, 'pod=etcd-0&component=etcd&tailLines=0'),
        as(ALICE).auth,
      );
      try {
        plant(tenants[TEAM_A_CLUSTER], 'etcd', [
          `${marker} written while down`,
        ]);
        await followed.waitForLine(l => l.text.includes(marker), 5_000);
      } finally {
        followed.close();
      }
      // Long enough for the collector to have read the line and failed to send it.
      await new Promise(resolve => setTimeout(resolve, 3_000));
      await logStore.startStore();
      await searchUntil(
        ALICE,
        TEAM_A_CLUSTER,
        { query: marker },
        items => items.length === 1,
        SEARCH_DELAY_BOUND_MS,
      );
    } finally {
      // Whatever failed above, the store runs again for what follows.
      if (!(await as(ALICE).get(storeUrl)).body.reachable) {
        await logStore.startStore();
      }
    }
  });
});

async function waitForEvents(events: unknown[], count: number) {
  const deadline = Date.now() + 10_000;
  while (events.length < count && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
