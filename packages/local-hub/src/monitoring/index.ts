import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LocalHub } from '../LocalHub';
import { AlertWebhook } from './alertingConfig';
import { MonitoringOptions, MonitoringPipeline } from './MonitoringPipeline';

export { METRICS_BINARIES, MonitoringPipeline } from './MonitoringPipeline';
export type { MonitoringOptions } from './MonitoringPipeline';
export { NODE_LABELS, renderScrapeConfig } from './scrapeConfig';
export {
  ALERT_RULE_GROUPS,
  BACKUP_RULES,
  CONTROL_PLANE_RULES,
  NODE_POOL_RULES,
  renderAlertRules,
} from './alertRules';
export type { AlertRule, AlertSeverity } from './alertRules';
export type { AlertWebhook } from './alertingConfig';
export type { ScrapedMachine, ScrapedTenant } from './scrapeConfig';

/** Where a hub's metrics pipeline keeps its data, logs and webhook token. */
export function monitoringWorkdir(hub: LocalHub): string {
  return path.join(hub.workdir, 'monitoring', hub.name);
}

/**
 * Hostplane's alert webhook for the portal `yarn start` runs (port 7007), with a token made once
 * and kept beside the hub's monitoring data (readable by its owner only), where the backend's
 * implicit local hub reads it.
 */
export function localPortalWebhook(hub: LocalHub): AlertWebhook {
  const tokenFile = path.join(monitoringWorkdir(hub), 'webhook-token');
  if (!fs.existsSync(tokenFile)) {
    fs.mkdirSync(path.dirname(tokenFile), { recursive: true });
    fs.writeFileSync(tokenFile, randomBytes(32).toString('hex'), {
      mode: 0o600,
    });
  }
  return {
    url: 'http://127.0.0.1:7007/api/hostplane/alerts/webhook/local',
    tokenFile,
  };
}

/** Starts the metrics pipeline of this hub, its data under the hub's workdir. */
export function startMonitoring(
  hub: LocalHub,
  options: Omit<MonitoringOptions, 'hubKubeConfig' | 'workdir'> = {},
): Promise<MonitoringPipeline> {
  return MonitoringPipeline.start({
    ...(hub.enabledKwokCrds().includes('Metric')
      ? { hubKwokController: `127.0.0.1:${hub.kwokControllerPort()}` }
      : {}),
    ...options,
    hubKubeConfig: hub.kubeConfig(),
    workdir: monitoringWorkdir(hub),
  });
}
