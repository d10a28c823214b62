import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import {
  LOCAL_HUB_RELEASES,
  LocalHub,
  MonitoringPipeline,
  RunningBackend,
  startBackend,
  startMonitoring,
} from '@hostplane/local-hub';
import { e2eHub, e2eHubKubeconfig, e2eTenantsWorkdir } from './hub';

/** Seconds between scrapes: a chart has lines, and an alert fires, within a minute or so. */
export const SCRAPE_INTERVAL_SECONDS = 5;

export interface MonitoredBackend {
  backend: RunningBackend;
  pipeline: MonitoringPipeline;
}

/**
 * The real backend on SQLite with the e2e hub's metrics pipeline, started before a spec's tests and
 * stopped after them. Global setup runs no pipeline (other specs need none), so this one runs
 * here: VictoriaMetrics scraping the hub's real tenants, the control-plane alert rules with a `for`
 * of seconds, and Alertmanager posting to this backend's webhook with a token made for the run.
 */
export function useMonitoredE2eBackend(): () => MonitoredBackend {
  let running: Partial<MonitoredBackend> = {};
  let workdir: string | undefined;
  test.beforeAll(async () => {
    workdir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'hostplane-e2e-monitoring-'),
    );
    const hub = await LocalHub.open(e2eHub());
    const pipeline = await startMonitoring(hub, {
      tenantsWorkdir: e2eTenantsWorkdir(),
      scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
      alerting: {
        forOverride: '10s',
        evaluationIntervalSeconds: 2,
        groupWaitSeconds: 1,
        // Also how long Alertmanager gives the webhook to answer: generous on a busy machine.
        groupIntervalSeconds: 30,
      },
    });
    running.pipeline = pipeline;
    const token = randomBytes(32).toString('hex');
    const tokenFile = path.join(workdir, 'webhook-token');
    fs.writeFileSync(tokenFile, token, { mode: 0o600 });
    // `hostplane.hubs` is a list: a later config file replaces it whole, so the hub is given
    // again in full, with its monitoring. JSON is YAML, as config files are read.
    const monitoringConfig = path.join(workdir, 'app-config.monitoring.yaml');
    fs.writeFileSync(
      monitoringConfig,
      JSON.stringify({
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: e2eHubKubeconfig(),
              releases: LOCAL_HUB_RELEASES,
              backups: {
                directory: { path: path.join(workdir, 'backups') },
              },
              monitoring: {
                type: 'victoriametrics',
                url: pipeline.victoriaMetricsUrl,
                alertmanager: {
                  url: pipeline.alertmanagerUrl,
                  webhookToken: token,
                },
              },
            },
          ],
        },
      }),
      { mode: 0o600 },
    );
    const backend = await startBackend({
      database: 'sqlite',
      hubKubeconfig: e2eHubKubeconfig(),
      extraConfigs: [monitoringConfig],
    });
    running.backend = backend;
    await pipeline.routeAlertsTo({
      url: `${backend.baseUrl}/api/hostplane/alerts/webhook/local`,
      tokenFile,
    });
  });
  test.afterAll(async () => {
    await running.backend?.stop();
    await running.pipeline?.stop();
    running = {};
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });
  return () => running as MonitoredBackend;
}
