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
import { SearchedLogLine } from '@hostplane/plugin-hostplane-common';
import {
  LOCAL_HUB_RELEASES,
  LocalHub,
  LocalLogStore,
  StandinLog,
  StandinOperator,
  TenantProcesses,
  describeClusterStatus,
  standinTenantLogFiles,
  useTestHub,
} from '@hostplane/local-hub';
import { HostplanePermissionPolicy } from '@hostplane/plugin-permission-backend-module-hostplane';
import { AppsV1Api } from '@kubernetes/client-node';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from '../../__testUtils__/hostplaneBackend';

/** A cluster the test bed creates as a real tenant, as `user` of the owning group. */
export interface LogsTestCluster {
  name: string;
  user: string;
  owner: string;
}

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

/** The running test bed, read inside tests once `beforeAll` has run. */
export interface LogsTestBed {
  context: { hub: LocalHub; workdir: string };
  operator: StandinOperator;
  logStore: LocalLogStore;
  backend: TestServer;
  /** The backend's plugin URL, for requests supertest cannot stream (live logs). */
  baseUrl: string;
  /** Each cluster's real tenant, by cluster name. */
  tenants: Record<string, TenantProcesses>;
  /** Requests to the plugin as a user. */
  as(user: string): {
    auth: string;
    get(url: string): request.Test;
    post(url: string, body?: object): request.Test;
  };
  /** Searches as the Logs tab does until the answer satisfies `done`; fails after `timeoutMs`. */
  searchUntil(
    user: string,
    cluster: string,
    query: Record<string, string>,
    done: (items: SearchedLogLine[]) => boolean,
    timeoutMs: number,
  ): Promise<SearchedLogLine[]>;
}

/**
 * For Jest suites: a local hub, the stand-in operator running real tenants, the local log store
 * collecting their logs, and the Hostplane backend (real permission backend, owners-only policy)
 * searching it; each cluster created through the API and waited on until it runs as a real
 * tenant with its control-plane pods.
 */
export function useLogsTestBed(options: {
  name: string;
  clusters: LogsTestCluster[];
  /** Groups of each user. */
  groups: Record<string, string[]>;
}): LogsTestBed {
  const bed = {} as LogsTestBed;
  // Declared before the hub's own clean-up, so that it runs first (after-all hooks run in order).
  afterAll(async () => {
    await bed.backend?.stop();
    await bed.logStore?.stop();
    await bed.operator?.stop();
  });
  const context = useTestHub(options.name);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const standinLog = new StandinLog();
  bed.context = context;
  bed.tenants = {};

  bed.as = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      auth,
      get: (url: string) =>
        request(bed.backend.server)
          .get(`/api/hostplane${url}`)
          .set('Authorization', auth),
      post: (url: string, body: object = {}) =>
        request(bed.backend.server)
          .post(`/api/hostplane${url}`)
          .set('Authorization', auth)
          .send(body),
    };
  };

  bed.searchUntil = async (user, cluster, query, done, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await bed
        .as(user)
        .get(
          `/clusters/local/${cluster}/logs/search?${new URLSearchParams(
            query,
          )}`,
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

  beforeAll(async () => {
    bed.operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: options.clusters.length,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 250,
      log: standinLog.log,
    });
    await bed.operator.start();
    bed.logStore = await LocalLogStore.start({
      hub: 'local',
      workdir: path.join(context.workdir, 'logs'),
      tenants: standinTenantLogFiles(bed.operator),
      syncIntervalMs: 500,
      log: standinLog.log,
    });
    bed.backend = await startHostplane({
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
              // Polling searches stay under the per-user rate (unit-tested apart).
              logs: { url: bed.logStore.url, searchesPerMinute: 600 },
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
              ownershipEntityRefs: [user, ...(options.groups[user] ?? [])],
            };
          },
        }).factory,
      ],
    });
    const { port } = bed.backend.server.address() as AddressInfo;
    bed.baseUrl = `http://127.0.0.1:${port}/api/hostplane`;

    // The clusters start together: real tenants in parallel.
    await Promise.all(
      options.clusters.map(async ({ user, name, owner }) => {
        const created = await bed.as(user).post('/clusters', {
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
        await waitForOperation(
          bed.backend.server,
          created.body.id,
          bed.as(user).auth,
        );
        const cluster = await standinLog.waitForTenant(
          `${name} to run as a real tenant`,
          async () => {
            const { body } = await bed.as(user).get(`/clusters/local/${name}`);
            if (
              body.phase === 'Ready' &&
              body.endpoint?.startsWith('https://127.0.0.1')
            ) {
              return body;
            }
            throw new Error(describeClusterStatus(body));
          },
        );
        bed.tenants[name] = bed.operator.tenant(cluster.namespace, name)!;
        // The hub's controllers make the control-plane pods shortly after the stand-in publishes
        // the workloads; KWOK runs them.
        await standinLog.waitForTenant(
          `${name}'s control-plane pods`,
          async () => {
            const { body } = await bed
              .as(user)
              .get(`/clusters/local/${name}/logs/pods`);
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

  return bed;
}

/** Sends a request with an unknown bearer token to a tenant's API server, which logs the failure. */
export function unauthenticatedRequest(tenant: TenantProcesses, token: string) {
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
export function plant(
  tenant: TenantProcesses,
  component: string,
  lines: string[],
) {
  fs.appendFileSync(
    path.join(tenant.clusterDir, 'logs', `${component}.log`),
    lines.map(line => `${line}\n`).join(''),
  );
}

/** klog's header for a level letter and a time, as klog writes it (local time, no year). */
export function klogHeader(letter: string, at = Date.now(), micros = 0) {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${letter}${two(d.getMonth() + 1)}${two(d.getDate())} ${two(
    d.getHours(),
  )}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(micros).padStart(
    6,
    '0',
  )}`;
}
