import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ephemeralPort } from '../ports';
import { AlertWebhook, renderAlertmanagerConfig } from './alertingConfig';
import { renderAlertRules } from './alertRules';
import { MetricsProcess } from './MetricsProcess';
import { ScrapeTargetReconciler } from './ScrapeTargetReconciler';

/** Debian's binaries (packages victoria-metrics and prometheus). */
export const METRICS_BINARIES = {
  victoriaMetrics: '/usr/bin/victoria-metrics',
  vmagent: '/usr/bin/vmagent',
  vmalert: '/usr/bin/vmalert',
  prometheus: '/usr/bin/prometheus',
  alertmanager: '/usr/bin/prometheus-alertmanager',
};

export interface MonitoringOptions {
  hubKubeConfig: KubeConfig;
  /** The hub as the portal names it (`hostplane.hubs[].name`); `local` by default. */
  hubName?: string;
  /** Where the stores keep their data, and the servers' logs and pid files. */
  workdir: string;
  /** Where the stand-in keeps its tenants' processes. */
  tenantsWorkdir?: string;
  /** 15 s by default. */
  scrapeIntervalSeconds?: number;
  /**
   * `host:port` of the hub's KWOK controller when it simulates resource usage (see
   * nodeResourceUsage.ts): the tenants' machines are scraped there.
   */
  hubKwokController?: string;
  /** VictoriaMetrics' loopback port; a free one by default. */
  victoriaMetricsPort?: number;
  /**
   * Also run Prometheus, as the second store, receiving what vmagent scrapes by remote write
   * (the same series in both, for comparing the two).
   */
  prometheus?: boolean;
  /**
   * Evaluate the control-plane alert rules (vmalert) and route what fires through Alertmanager.
   */
  alerting?: {
    /** Alertmanager's loopback port; a free one by default. */
    alertmanagerPort?: number;
    /** Hostplane's webhook; it can also be set later (`routeAlertsTo`). */
    webhook?: AlertWebhook;
    /** Replaces every rule's `for` (tests). */
    forOverride?: string;
    /** How often vmalert evaluates the rules; 15 s by default. */
    evaluationIntervalSeconds?: number;
    /** How long Alertmanager waits to group a new alert with others; 10 s by default. */
    groupWaitSeconds?: number;
    /** How long Alertmanager waits before it sends a group's changes; 5 minutes by default. */
    groupIntervalSeconds?: number;
  };
  log?: (message: string) => void;
}

/**
 * The local hub's metrics pipeline: VictoriaMetrics as the store and vmagent scraping every real
 * tenant's control plane into it (and into Prometheus, when asked), its targets kept in step with
 * the hub by a {@link ScrapeTargetReconciler}. Everything listens on loopback only.
 */
export class MonitoringPipeline {
  private constructor(
    /** The Prometheus-API base URL of VictoriaMetrics. */
    readonly victoriaMetricsUrl: string,
    /** The base URL of Prometheus, when it runs. */
    readonly prometheusUrl: string | undefined,
    /** The base URL of Alertmanager, when alerting runs. */
    readonly alertmanagerUrl: string | undefined,
    private readonly processes: MetricsProcess[],
    private readonly reconciler: ScrapeTargetReconciler,
    private readonly workdir: string,
    private readonly grouping: {
      groupWaitSeconds: number;
      groupIntervalSeconds: number;
    },
  ) {}

  static async start(options: MonitoringOptions): Promise<MonitoringPipeline> {
    const log = options.log ?? (() => {});
    const workdir = options.workdir;
    fs.mkdirSync(workdir, { recursive: true });
    const processes: MetricsProcess[] = [];
    let reconciler: ScrapeTargetReconciler | undefined;
    try {
      const vmPort = options.victoriaMetricsPort ?? (await ephemeralPort());
      const victoriaMetricsUrl = `http://127.0.0.1:${vmPort}`;
      processes.push(
        await MetricsProcess.start({
          name: 'victoria-metrics',
          workdir,
          binary: METRICS_BINARIES.victoriaMetrics,
          args: [
            `-httpListenAddr=127.0.0.1:${vmPort}`,
            `-storageDataPath=${path.join(workdir, 'victoria-metrics-data')}`,
            '-retentionPeriod=31d',
            // Points this recent are answered too: a chart's right edge is now, not 30 s ago.
            '-search.latencyOffset=5s',
          ],
          healthUrl: `${victoriaMetricsUrl}/health`,
        }),
      );
      let prometheusUrl: string | undefined;
      if (options.prometheus) {
        const promPort = await ephemeralPort();
        prometheusUrl = `http://127.0.0.1:${promPort}`;
        // Prometheus here only stores what vmagent sends it; it scrapes nothing itself.
        const promConfig = path.join(workdir, 'prometheus.yml');
        fs.writeFileSync(promConfig, stringify({ scrape_configs: [] }));
        processes.push(
          await MetricsProcess.start({
            name: 'prometheus',
            workdir,
            binary: METRICS_BINARIES.prometheus,
            args: [
              `--config.file=${promConfig}`,
              `--storage.tsdb.path=${path.join(workdir, 'prometheus-data')}`,
              `--web.listen-address=127.0.0.1:${promPort}`,
              '--web.enable-remote-write-receiver',
            ],
            healthUrl: `${prometheusUrl}/-/ready`,
          }),
        );
      }

      const scrapeConfigPath = path.join(workdir, 'scrape.yml');
      const scrapeIntervalSeconds = options.scrapeIntervalSeconds ?? 15;
      reconciler = new ScrapeTargetReconciler({
        hubKubeConfig: options.hubKubeConfig,
        hubName: options.hubName ?? 'local',
        tenantsWorkdir: options.tenantsWorkdir,
        configPath: scrapeConfigPath,
        scrapeIntervalSeconds,
        hubKwokController: options.hubKwokController,
        log,
      });
      await reconciler.start();

      const agentPort = await ephemeralPort();
      processes.push(
        await MetricsProcess.start({
          name: 'vmagent',
          workdir,
          binary: METRICS_BINARIES.vmagent,
          args: [
            `-httpListenAddr=127.0.0.1:${agentPort}`,
            `-promscrape.config=${scrapeConfigPath}`,
            // A new or deleted tenant changes the file; vmagent picks it up within this.
            '-promscrape.configCheckInterval=5s',
            `-remoteWrite.tmpDataPath=${path.join(workdir, 'vmagent-data')}`,
            `-remoteWrite.url=${victoriaMetricsUrl}/api/v1/write`,
            ...(prometheusUrl
              ? [`-remoteWrite.url=${prometheusUrl}/api/v1/write`]
              : []),
          ],
          healthUrl: `http://127.0.0.1:${agentPort}/health`,
        }),
      );
      let alertmanagerUrl: string | undefined;
      const groupWaitSeconds = options.alerting?.groupWaitSeconds ?? 10;
      const groupIntervalSeconds =
        options.alerting?.groupIntervalSeconds ?? 300;
      if (options.alerting) {
        const alerting = options.alerting;
        const amPort = alerting.alertmanagerPort ?? (await ephemeralPort());
        alertmanagerUrl = `http://127.0.0.1:${amPort}`;
        const amConfig = path.join(workdir, 'alertmanager.yml');
        fs.writeFileSync(
          amConfig,
          stringify(
            renderAlertmanagerConfig({
              webhook: alerting.webhook,
              groupWaitSeconds,
              groupIntervalSeconds,
            }),
          ),
        );
        processes.push(
          await MetricsProcess.start({
            name: 'alertmanager',
            workdir,
            binary: METRICS_BINARIES.alertmanager,
            args: [
              `--config.file=${amConfig}`,
              `--storage.path=${path.join(workdir, 'alertmanager-data')}`,
              `--web.listen-address=127.0.0.1:${amPort}`,
              // One Alertmanager: no gossip port to hold.
              '--cluster.listen-address=',
            ],
            healthUrl: `${alertmanagerUrl}/-/ready`,
          }),
        );
        const rules = path.join(workdir, 'control-plane-rules.yml');
        fs.writeFileSync(
          rules,
          stringify(renderAlertRules({ forOverride: alerting.forOverride })),
        );
        const vmalertPort = await ephemeralPort();
        processes.push(
          await MetricsProcess.start({
            name: 'vmalert',
            workdir,
            binary: METRICS_BINARIES.vmalert,
            args: [
              `-httpListenAddr=127.0.0.1:${vmalertPort}`,
              `-rule=${rules}`,
              `-datasource.url=${victoriaMetricsUrl}`,
              `-notifier.url=${alertmanagerUrl}`,
              // Alert state is written back to the store and read on start, so a restart keeps
              // how long each alert has been pending.
              `-remoteWrite.url=${victoriaMetricsUrl}`,
              `-remoteRead.url=${victoriaMetricsUrl}`,
              `-evaluationInterval=${
                alerting.evaluationIntervalSeconds ?? 15
              }s`,
            ],
            healthUrl: `http://127.0.0.1:${vmalertPort}/health`,
          }),
        );
      }
      log(
        `monitoring: VictoriaMetrics at ${victoriaMetricsUrl}${
          prometheusUrl ? `, Prometheus at ${prometheusUrl}` : ''
        }${
          alertmanagerUrl ? `, Alertmanager at ${alertmanagerUrl}` : ''
        }; vmagent scrapes the real tenants every ${scrapeIntervalSeconds} s`,
      );
      return new MonitoringPipeline(
        victoriaMetricsUrl,
        prometheusUrl,
        alertmanagerUrl,
        processes,
        reconciler,
        workdir,
        { groupWaitSeconds, groupIntervalSeconds },
      );
    } catch (error) {
      await reconciler?.stop().catch(() => {});
      for (const p of processes.reverse()) await p.stop();
      throw error;
    }
  }

  /** Sends what Alertmanager routes to this webhook from now on (Alertmanager reloads). */
  async routeAlertsTo(webhook: AlertWebhook): Promise<void> {
    if (!this.alertmanagerUrl) {
      throw new Error('This pipeline was started without alerting');
    }
    fs.writeFileSync(
      path.join(this.workdir, 'alertmanager.yml'),
      stringify(renderAlertmanagerConfig({ webhook, ...this.grouping })),
    );
    const response = await fetch(`${this.alertmanagerUrl}/-/reload`, {
      method: 'POST',
    });
    if (!response.ok) {
      throw new Error(
        `Alertmanager refused its new configuration: ${await response.text()}`,
      );
    }
  }

  /** The tenants vmagent is told to scrape now. */
  scrapedTenants() {
    return this.reconciler.tenants();
  }

  /** Stops scraping and the stores; their data stays in the workdir for the next start. */
  async stop(): Promise<void> {
    await this.reconciler.stop();
    for (const process of [...this.processes].reverse()) {
      await process.stop();
    }
  }
}
