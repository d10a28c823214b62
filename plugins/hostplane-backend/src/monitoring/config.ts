import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  LOCAL_HUB_ALERTMANAGER_URL,
  LOCAL_HUB_METRICS_URL,
  METRICS_STORE_TYPES,
  MetricsStoreType,
} from '@hostplane/plugin-hostplane-common';
import { MetricsStoreConfig } from './MetricsStore';

/**
 * Each hub's metrics store (`hostplane.hubs[].monitoring`). Without `hostplane.hubs`, the implicit
 * local hub's is the VictoriaMetrics that `yarn hub start` runs; a listed hub without
 * `monitoring` has none.
 */
export function readMetricsStores(
  config: RootConfigService,
): Map<string, MetricsStoreConfig> {
  const hubs = config.getOptionalConfigArray('hostplane.hubs');
  if (!hubs) {
    return new Map([
      ['local', { type: 'victoriametrics', url: LOCAL_HUB_METRICS_URL }],
    ]);
  }
  const stores = new Map<string, MetricsStoreConfig>();
  for (const hub of hubs) {
    const monitoring = hub.getOptionalConfig('monitoring');
    if (!monitoring) continue;
    const name = hub.getString('name');
    const type = monitoring.getString('type');
    if (!(METRICS_STORE_TYPES as readonly string[]).includes(type)) {
      throw new Error(
        `hostplane.hubs: hub '${name}' has monitoring.type '${type}'; it must be one of ${METRICS_STORE_TYPES.join(
          ', ',
        )}`,
      );
    }
    const url = monitoring.getString('url');
    if (!URL.canParse(url)) {
      throw new Error(
        `hostplane.hubs: hub '${name}' has a monitoring.url that is not a URL`,
      );
    }
    stores.set(name, { type: type as MetricsStoreType, url });
  }
  return stores;
}

/** A hub's Alertmanager and the token its webhook calls Hostplane with. */
export interface AlertmanagerConfig {
  url: string;
  /** Read when a call comes: the local hub writes it when it starts. */
  webhookToken: () => string | undefined;
}

/** Where the local hub keeps the token its Alertmanager calls Hostplane's webhook with. */
export function localHubWebhookTokenPath(): string {
  const cache =
    process.env.HOSTPLANE_CACHE ??
    path.join(os.homedir(), '.cache', 'hostplane');
  return path.join(cache, 'hubs', 'monitoring', 'hub', 'webhook-token');
}

/**
 * Each hub's Alertmanager (`hostplane.hubs[].monitoring.alertmanager`). Without
 * `hostplane.hubs`, the implicit local hub's is the one `yarn hub start` runs, with the token it
 * wrote beside its data.
 */
export function readAlertmanagers(
  config: RootConfigService,
): Map<string, AlertmanagerConfig> {
  const hubs = config.getOptionalConfigArray('hostplane.hubs');
  if (!hubs) {
    return new Map([
      [
        'local',
        {
          url: LOCAL_HUB_ALERTMANAGER_URL,
          webhookToken: () => {
            try {
              return fs.readFileSync(localHubWebhookTokenPath(), 'utf8').trim();
            } catch {
              return undefined;
            }
          },
        },
      ],
    ]);
  }
  const alertmanagers = new Map<string, AlertmanagerConfig>();
  for (const hub of hubs) {
    const alertmanager = hub.getOptionalConfig('monitoring.alertmanager');
    if (!alertmanager) continue;
    const url = alertmanager.getString('url');
    const token = alertmanager.getString('webhookToken');
    alertmanagers.set(hub.getString('name'), {
      url,
      webhookToken: () => token,
    });
  }
  return alertmanagers;
}
