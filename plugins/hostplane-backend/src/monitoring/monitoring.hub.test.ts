import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  LOCAL_HUB_RELEASES,
  MonitoringPipeline,
  StandinLog,
  StandinOperator,
  startMonitoring,
  useTestHub,
} from '@hostplane/local-hub';
import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from '../__testUtils__/hostplaneBackend';

jest.setTimeout(600_000);

const SCRAPE_INTERVAL_SECONDS = 5;
const WEBHOOK_TOKEN = 'a-token-for-this-suite-only';

/**
 * What the backend sends through Backstage's notifications: the notifications backend is not a
 * dependency of this plugin (packages/backend installs it), so its service records instead.
 */
const sentNotifications: NotificationSendOptions[] = [];
const recordingNotifications = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({
    send: async (options: NotificationSendOptions) => {
      sentNotifications.push(options);
    },
  }),
});

type Sample = { metric: Record<string, string>; value: [number, string] };

/** An instant query straight to a store, with no tenant filter: what is really in it. */
async function storeQuery(baseUrl: string, query: string): Promise<Sample[]> {
  const response = await fetch(
    `${baseUrl}/api/v1/query?${new URLSearchParams({ query })}`,
  );
  const body = await response.json();
  if (body.status !== 'success') {
    throw new Error(`${query}: ${JSON.stringify(body)}`);
  }
  return body.data.result;
}

describe('monitoring: real tenants scraped into VictoriaMetrics and Prometheus, read per cluster', () => {
  let operator: StandinOperator;
  let pipeline: MonitoringPipeline;
  const backends: { victoriametrics?: TestServer; prometheus?: TestServer } =
    {};
  // Declared before the hub's own teardown, so these stop before the hub goes.
  afterAll(async () => {
    await backends.victoriametrics?.stop();
    await backends.prometheus?.stop();
    await pipeline?.stop();
    await operator?.stop();
  });
  const context = useTestHub('monitoring');
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const standinLog = new StandinLog();
  const tenantsWorkdir = () => path.join(context.workdir, 'tenants');

  beforeAll(async () => {
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 2,
      tenantsWorkdir: tenantsWorkdir(),
      probeIntervalMs: 1_000,
      log: standinLog.log,
    });
    await operator.start();
    pipeline = await startMonitoring(context.hub, {
      tenantsWorkdir: tenantsWorkdir(),
      scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
      prometheus: true,
      // Seconds, not minutes: an alert fires a few evaluations after its condition holds.
      alerting: {
        forOverride: '10s',
        evaluationIntervalSeconds: 2,
        groupWaitSeconds: 1,
        // Also how long Alertmanager gives the webhook to answer: generous on a busy machine.
        groupIntervalSeconds: 30,
      },
    });
    // One backend per store type, both on this hub.
    for (const type of ['victoriametrics', 'prometheus'] as const) {
      backends[type] = await startHostplane({
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
                  type,
                  url:
                    type === 'victoriametrics'
                      ? pipeline.victoriaMetricsUrl
                      : pipeline.prometheusUrl,
                  alertmanager: {
                    url: pipeline.alertmanagerUrl,
                    webhookToken: WEBHOOK_TOKEN,
                  },
                },
              },
            ],
            operations: { waitTimeoutSeconds: 240 },
          },
        },
        features: [recordingNotifications],
      });
    }
    const tokenFile = path.join(context.workdir, 'webhook-token');
    fs.writeFileSync(tokenFile, WEBHOOK_TOKEN, { mode: 0o600 });
    const { port } = backends.victoriametrics!.server.address() as AddressInfo;
    await pipeline.routeAlertsTo({
      url: `http://127.0.0.1:${port}/api/hostplane/alerts/webhook/local`,
      tokenFile,
    });
  }, 600_000);

  const api = (type: 'victoriametrics' | 'prometheus' = 'victoriametrics') =>
    request(backends[type]!.server);

  const create = async (name: string, team: string) => {
    const created = await api()
      .post('/api/hostplane/clusters')
      .send({
        name,
        owner: `group:default/${team}`,
        hub: 'local',
        version: 'v1.37.2',
        nodePools: [
          { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
        ],
      });
    expect(created.status).toBe(202);
    await waitForOperation(backends.victoriametrics!.server, created.body.id);
  };

  /** Waits until both stores hold the tenant's series of every component, and returns when. */
  const waitScraped = (cluster: string) =>
    waitFor(
      `${cluster}'s components in both stores`,
      async () => {
        for (const store of [
          pipeline.victoriaMetricsUrl,
          pipeline.prometheusUrl!,
        ]) {
          const up = await storeQuery(
            store,
            `up{${METRIC_LABELS.cluster}="${cluster}"} == 1`,
          );
          const jobs = new Set(up.map(s => s.metric.job));
          if (
            ![
              'kube-apiserver',
              'etcd',
              'kube-controller-manager',
              'kube-scheduler',
            ].every(j => jobs.has(j))
          ) {
            return undefined;
          }
        }
        return Date.now();
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );

  it('scrapes a real tenant with the three labels, and a new one within 60 s', async () => {
    await create('shop', 'team-a');
    const shopReadyAt = Date.now();
    const shopScrapedAt = await waitScraped('shop');
    expect(shopScrapedAt - shopReadyAt).toBeLessThan(60_000);

    const victoriaMetrics = pipeline.victoriaMetricsUrl;
    for (const metric of [
      'apiserver_request_total',
      'etcd_mvcc_db_total_size_in_bytes',
    ]) {
      const series = await waitFor(
        `${metric} of shop in VictoriaMetrics`,
        async () => {
          const found = await storeQuery(
            victoriaMetrics,
            `${metric}{${METRIC_LABELS.cluster}="shop"}`,
          );
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
      for (const { metric: labels } of series) {
        expect(labels).toMatchObject({
          [METRIC_LABELS.hub]: 'local',
          [METRIC_LABELS.cluster]: 'shop',
          [METRIC_LABELS.owner]: 'group:default/team-a',
        });
      }
    }

    await create('billing', 'team-b');
    const billingReadyAt = Date.now();
    const billingScrapedAt = await waitScraped('billing');
    expect(billingScrapedAt - billingReadyAt).toBeLessThan(60_000);
  });

  it("serves a cluster's named panels from its series", async () => {
    // Rates need two scrapes in their window.
    const panels = await waitFor(
      'the API request rate panel of shop to have series',
      async () => {
        const response = await api().get(
          '/api/hostplane/clusters/local/shop/metrics?range=1h',
        );
        expect(response.status).toBe(200);
        const byId = Object.fromEntries(
          response.body.panels.map((p: any) => [p.id, p]),
        );
        return byId.apiRequestRate.series.length > 0 ? byId : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 2_000 },
    );
    expect(Object.keys(panels)).toEqual([
      'apiRequestRate',
      'apiErrorShare',
      'apiLatencyP99',
      'apiInflight',
      'etcdDbSize',
      'etcdLeaderChanges',
      'etcdWalFsyncP99',
      'nodePoolCpu',
      'nodePoolMemory',
      'topNodes',
    ]);
    for (const panel of Object.values<any>(panels)) {
      expect(panel.error).toBeUndefined();
    }
    expect(panels.apiRequestRate.unit).toBe('requestsPerSecond');
    expect(panels.apiRequestRate.series[0].name).toMatch(/^[A-Z]+ \d{3}$/);
    expect(panels.etcdDbSize.series.map((s: any) => s.name).sort()).toEqual([
      'in use',
      'quota',
      'size',
    ]);
    const quota = panels.etcdDbSize.series.find((s: any) => s.name === 'quota');
    expect(quota.points.some(([, v]: [number, number]) => v > 0)).toBe(true);

    const single = await api().get(
      '/api/hostplane/clusters/local/shop/metrics?panels=apiInflight,etcdDbSize&range=6h',
    );
    expect(single.body.panels.map((p: any) => p.id)).toEqual([
      'apiInflight',
      'etcdDbSize',
    ]);
    expect(single.body.stepSeconds).toBe(180);

    const bad = await api().get(
      '/api/hostplane/clusters/local/shop/metrics?panels=nope&range=2h',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path.join('.')).sort()).toEqual([
      'panels',
      'range',
    ]);
  });

  describe('alerts', () => {
    const shopAlerts = async () => {
      const response = await api().get(
        '/api/hostplane/clusters/local/shop/alerts',
      );
      expect(response.status).toBe(200);
      return response.body.items as any[];
    };
    const apiserverDown = (state: 'firing' | 'resolved', after = '') =>
      waitFor(
        `KubeApiserverDown ${state} on shop's Alerts route`,
        async () =>
          (await shopAlerts()).find(
            a =>
              a.name === 'KubeApiserverDown' &&
              a.state === state &&
              a.startsAt > after,
          ),
        { timeoutMs: 120_000, intervalMs: 1_000 },
      );
    const shopTenant = () => operator.tenant('tenants-team-a', 'shop')!;
    const restartApiserver = async () => {
      await shopTenant().stop();
      await shopTenant().up();
    };
    const shopNotifications = () =>
      sentNotifications.filter(n =>
        n.payload.title.startsWith('KubeApiserverDown on shop'),
      );

    it("fires KubeApiserverDown when shop's API server dies, notifies team-a once, and resolves it when it is back", async () => {
      shopTenant().killComponent('kube-apiserver');
      const firing = await apiserverDown('firing');
      expect(firing).toMatchObject({
        severity: 'critical',
        summary: 'The API server is down',
        panel: 'apiRequestRate',
        silenced: false,
        labels: {
          [METRIC_LABELS.hub]: 'local',
          [METRIC_LABELS.cluster]: 'shop',
          [METRIC_LABELS.owner]: 'group:default/team-a',
          job: 'kube-apiserver',
        },
      });
      expect(firing.description).toContain('API server of shop');
      // Another cluster's list does not show it.
      const billing = await api().get(
        '/api/hostplane/clusters/local/billing/alerts',
      );
      expect(
        billing.body.items.map((a: any) => a.labels[METRIC_LABELS.cluster]),
      ).not.toContain('shop');

      await restartApiserver();
      const resolved = await apiserverDown('resolved');
      expect(resolved.fingerprint).toBe(firing.fingerprint);
      expect(resolved.endsAt).toBeDefined();
      expect(shopNotifications()).toEqual([
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: 'group:default/team-a' },
          payload: expect.objectContaining({ severity: 'critical' }),
        }),
      ]);
    });

    it('silences a firing alert through Alertmanager for whoever silenced it, and records an acknowledgement', async () => {
      const before = new Date().toISOString();
      shopTenant().killComponent('kube-apiserver');
      const firing = await apiserverDown('firing', before);
      // A new firing is a new alert: one more notification, not one per evaluation.
      expect(shopNotifications()).toHaveLength(2);

      const bad = await api()
        .post('/api/hostplane/clusters/local/shop/alerts/silences')
        .send({
          fingerprint: firing.fingerprint,
          durationMinutes: 1,
          comment: '',
        });
      expect(bad.status).toBe(400);

      const silenced = await api()
        .post('/api/hostplane/clusters/local/shop/alerts/silences')
        .send({
          fingerprint: firing.fingerprint,
          durationMinutes: 30,
          comment: 'restarting the API server',
        });
      expect(silenced.status).toBe(201);
      expect(silenced.body.createdBy).toBe('user:default/mock');
      const silences = await (
        await fetch(`${pipeline.alertmanagerUrl}/api/v2/silences`)
      ).json();
      const silence = silences.find(
        (x: any) => x.id === silenced.body.silenceId,
      );
      expect(silence).toMatchObject({
        createdBy: 'user:default/mock',
        comment: 'restarting the API server',
        status: { state: 'active' },
      });
      expect(silence.matchers).toEqual(
        expect.arrayContaining([
          {
            name: METRIC_LABELS.cluster,
            value: 'shop',
            isRegex: false,
            isEqual: true,
          },
          {
            name: 'alertname',
            value: 'KubeApiserverDown',
            isRegex: false,
            isEqual: true,
          },
        ]),
      );
      const shown = await waitFor(
        'the alert to show as silenced',
        async () =>
          (
            await shopAlerts()
          ).find(a => a.fingerprint === firing.fingerprint && a.silenced),
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
      expect(shown.silencedBy).toBe('user:default/mock');

      const acknowledged = await api().post(
        `/api/hostplane/clusters/local/shop/alerts/${firing.fingerprint}/acknowledge`,
      );
      expect(acknowledged.status).toBe(204);
      expect(
        (await shopAlerts()).find(a => a.fingerprint === firing.fingerprint),
      ).toMatchObject({ acknowledgedBy: 'user:default/mock' });

      await restartApiserver();
      await waitFor(
        "shop's API server scraped again",
        async () =>
          (
            await storeQuery(
              pipeline.victoriaMetricsUrl,
              `up{${METRIC_LABELS.cluster}="shop", job="kube-apiserver"} == 1`,
            )
          ).length > 0
            ? true
            : undefined,
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );
    });

    it("refuses the webhook without the hub's token", async () => {
      const response = await api()
        .post('/api/hostplane/alerts/webhook/local')
        .set('Authorization', 'Bearer not-the-token')
        .send({ version: '4', alerts: [] });
      expect(response.status).toBe(401);
      expect(response.text).not.toContain(WEBHOOK_TOKEN);
    });
  });

  describe.each(['victoriametrics', 'prometheus'] as const)(
    'tenant isolation on %s',
    type => {
      const escapes = [
        'up',
        '{__name__=~".+"}',
        `up{${METRIC_LABELS.cluster}="billing"}`,
        `up{${METRIC_LABELS.cluster}=~".+"}`,
        `up or up{${METRIC_LABELS.cluster}="billing"}`,
        `up or on() {${METRIC_LABELS.cluster}="billing"}`,
        'max_over_time(up[5m:30s])',
        `max_over_time({${METRIC_LABELS.cluster}="billing"}[5m:30s])`,
        `label_replace(up, "${METRIC_LABELS.cluster}", "shop", "", "")`,
        `count by (${METRIC_LABELS.cluster}) ({__name__=~"up|etcd.+"})`,
        `sum by (${METRIC_LABELS.cluster}, ${METRIC_LABELS.owner}) (rate(apiserver_request_total[2m]))`,
      ];

      it('the store holds both tenants, so a leak would show', async () => {
        const clusters = new Set(
          (
            await storeQuery(
              type === 'victoriametrics'
                ? pipeline.victoriaMetricsUrl
                : pipeline.prometheusUrl!,
              'up',
            )
          ).map(s => s.metric[METRIC_LABELS.cluster]),
        );
        expect(clusters).toEqual(new Set(['shop', 'billing']));
      });

      it.each(escapes)('%s sees only shop', async query => {
        const response = await api(type)
          .get('/api/hostplane/clusters/local/shop/metrics/query')
          .query({ query, range: '1h' });
        expect(response.status).toBe(200);
        const seen = response.body.series.map(
          (s: any) => s.labels[METRIC_LABELS.cluster],
        );
        for (const cluster of seen) {
          // An aggregation may drop the label; no series may name billing.
          expect([undefined, 'shop']).toContain(cluster);
        }
        const owners = response.body.series.map(
          (s: any) => s.labels[METRIC_LABELS.owner],
        );
        expect(owners).not.toContain('group:default/team-b');
        // A query for billing alone sees nothing; the others see shop.
        const billingAlone =
          query.includes('"billing"}') && !query.includes(' or ');
        expect(response.body.series.length > 0).toBe(!billingAlone);
      });

      it("serves billing's own series to a billing query", async () => {
        const response = await api(type)
          .get('/api/hostplane/clusters/local/billing/metrics/query')
          .query({ query: 'up', range: '1h' });
        expect(response.status).toBe(200);
        expect(
          new Set(
            response.body.series.map(
              (s: any) => s.labels[METRIC_LABELS.cluster],
            ),
          ),
        ).toEqual(new Set(['billing']));
      });
    },
  );

  it('refuses a query that does not parse on Prometheus, with the reason', async () => {
    const response = await api('prometheus')
      .get('/api/hostplane/clusters/local/shop/metrics/query')
      .query({ query: 'up{', range: '1h' });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('does not parse');
  });

  it('stops scraping a deleted tenant', async () => {
    const deleted = await api().delete('/api/hostplane/clusters/local/billing');
    expect(deleted.status).toBe(202);
    await waitForOperation(backends.victoriametrics!.server, deleted.body.id);
    expect(pipeline.scrapedTenants().map(t => t.cluster)).not.toContain(
      'billing',
    );
    await waitFor(
      'billing to have no live series in VictoriaMetrics',
      async () =>
        (
          await storeQuery(
            pipeline.victoriaMetricsUrl,
            `up{${METRIC_LABELS.cluster}="billing"}`,
          )
        ).length === 0
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 2_000 },
    );
    // shop goes on being scraped.
    expect(
      (
        await storeQuery(
          pipeline.victoriaMetricsUrl,
          `up{${METRIC_LABELS.cluster}="shop"} == 1`,
        )
      ).length,
    ).toBeGreaterThan(0);
  });
});
