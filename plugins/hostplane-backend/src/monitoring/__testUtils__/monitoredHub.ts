import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  LOCAL_HUB_RELEASES,
  LocalHub,
  MonitoringPipeline,
  StandinLog,
  StandinOperator,
  startMonitoring,
  useTestHub,
} from '@hostplane/local-hub';
import { MetricPanel } from '@hostplane/plugin-hostplane-common';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from '../../__testUtils__/hostplaneBackend';

export interface MonitoredHub {
  hub: LocalHub;
  operator: StandinOperator;
  pipeline: MonitoringPipeline;
  backend: TestServer;
  /** The stand-in's log, for explaining a wait that failed. */
  standinLog: StandinLog;
}

/**
 * A local hub for one suite with real tenants (the stand-in), its metrics pipeline scraping them
 * into VictoriaMetrics every `scrapeIntervalSeconds`, and a Hostplane backend reading that store.
 * Everything stops after the suite, before the hub goes.
 */
export function useMonitoredHub(
  name: string,
  options: { scrapeIntervalSeconds: number; maxRealTenants?: number },
): MonitoredHub {
  const context = {} as MonitoredHub;
  // Declared before the hub's own teardown, so these stop before the hub goes.
  afterAll(async () => {
    await context.backend?.stop();
    await context.pipeline?.stop();
    await context.operator?.stop();
  });
  const hubContext = useTestHub(name);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  context.standinLog = new StandinLog();

  beforeAll(async () => {
    context.hub = hubContext.hub;
    const tenantsWorkdir = path.join(hubContext.workdir, 'tenants');
    context.operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: options.maxRealTenants ?? 1,
      tenantsWorkdir,
      probeIntervalMs: 1_000,
      log: context.standinLog.log,
    });
    await context.operator.start();
    context.pipeline = await startMonitoring(context.hub, {
      tenantsWorkdir,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds,
    });
    context.backend = await startHostplane({
      kubeconfig: context.hub.kubeconfigPath,
      knex: await databases.init('SQLITE_3'),
      config: {
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: context.hub.kubeconfigPath,
              releases: LOCAL_HUB_RELEASES,
              monitoring: {
                type: 'victoriametrics',
                url: context.pipeline.victoriaMetricsUrl,
              },
            },
          ],
          operations: { waitTimeoutSeconds: 240 },
        },
      },
    });
  }, 600_000);

  return context;
}

/** The Hostplane API of a monitored hub's backend, as a user of the mock identity calls it. */
export function hostplaneApi(context: MonitoredHub) {
  const api = () => request(context.backend.server);
  return {
    api,
    /** Runs a change of a cluster (`PATCH`) to its end. */
    async change(cluster: string, body: object) {
      const response = await api()
        .patch(`/api/hostplane/clusters/local/${cluster}`)
        .send(body);
      if (response.status !== 202) {
        throw new Error(
          `PATCH ${cluster} answered ${response.status}: ${response.text}`,
        );
      }
      return waitForOperation(context.backend.server, response.body.id);
    },
    /** Creates a cluster on the hub and waits for it. */
    async create(body: object) {
      const response = await api().post('/api/hostplane/clusters').send(body);
      if (response.status !== 202) {
        throw new Error(
          `POST /clusters answered ${response.status}: ${response.text}`,
        );
      }
      return waitForOperation(context.backend.server, response.body.id);
    },
    /** A cluster's Monitoring panels, by id. */
    async panels(
      cluster: string,
      ids: string[],
    ): Promise<Record<string, MetricPanel>> {
      const response = await api().get(
        `/api/hostplane/clusters/local/${cluster}/metrics?panels=${ids.join(
          ',',
        )}&range=1h`,
      );
      if (response.status !== 200) {
        throw new Error(
          `the metrics of ${cluster} answered ${response.status}: ${response.text}`,
        );
      }
      return Object.fromEntries(
        (response.body.panels as MetricPanel[]).map(p => [p.id, p]),
      );
    },
  };
}

/** The newest value of a series, if it has one. */
export function latest(
  points: Array<[number, number | null]>,
): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const value = points[i][1];
    if (value !== null) return value;
  }
  return undefined;
}
