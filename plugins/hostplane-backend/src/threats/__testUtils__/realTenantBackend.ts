import { TestDatabases } from '@backstage/backend-test-utils';
import {
  StandinLog,
  StandinOperator,
  TenantProcesses,
  useTestHub,
} from '@hostplane/local-hub';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from '../../__testUtils__/hostplaneBackend';

export const TENANT_NAMESPACE = 'tenants-team-a';
export const TENANT_CLUSTER = 'shop';

export interface RealTenantBackend {
  context: ReturnType<typeof useTestHub>;
  operator: StandinOperator;
  backend: TestServer;
  tenant: TenantProcesses;
}

/**
 * A hub with a stand-in operator, a backend on SQLite with the given `hostplane.threats`, and
 * team-a's cluster `shop` created through the API as one real tenant. Call inside a `describe`;
 * the fields are there from its `beforeAll` on, and everything stops after the suite.
 */
export function useRealTenantBackend(
  hubName: string,
  threats: Record<string, unknown>,
): RealTenantBackend {
  const bed = {} as RealTenantBackend;
  // Registered before the hub's own clean-up, so the tenants stop while their files are there.
  afterAll(async () => {
    await bed.backend?.stop();
    await bed.operator?.stop();
  });
  const context = useTestHub(hubName);
  bed.context = context;
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const standinLog = new StandinLog();

  beforeAll(async () => {
    bed.operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: `${context.workdir}/tenants`,
      probeIntervalMs: 1_000,
      log: standinLog.log,
    });
    await bed.operator.start();
    bed.backend = await startHostplane({
      kubeconfig: context.hub.kubeconfigPath,
      knex: await databases.init('SQLITE_3'),
      config: {
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: context.hub.kubeconfigPath,
              releases: LOCAL_HUB_RELEASES,
            },
          ],
          operations: { waitTimeoutSeconds: 240 },
          threats,
        },
      },
    });
    const created = await request(bed.backend.server)
      .post('/api/hostplane/clusters')
      .send({
        name: TENANT_CLUSTER,
        owner: 'group:default/team-a',
        hub: 'local',
        version: 'v1.37.2',
        nodePools: [
          { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
        ],
      });
    if (created.status !== 202) {
      throw new Error(
        `creating ${TENANT_CLUSTER}: ${created.status} ${created.text}`,
      );
    }
    await waitForOperation(bed.backend.server, created.body.id);
    bed.tenant = await standinLog.waitForTenant(
      `the real tenant ${TENANT_CLUSTER}`,
      async () => bed.operator.tenant(TENANT_NAMESPACE, TENANT_CLUSTER),
    );
  }, 600_000);

  return bed;
}
