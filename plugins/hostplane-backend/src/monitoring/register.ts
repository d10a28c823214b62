import {
  HttpAuthService,
  HttpRouterService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import { ClusterService } from '../service/ClusterService';
import type { ThreatStore } from '../threats/ThreatStore';
import { AlertStore } from './alerts/AlertStore';
import { notifyFiring } from './alerts/notifyFiring';
import { ALERT_WEBHOOK_PATH, createAlertsRouter } from './alerts/router';
import { ClusterMetrics } from './ClusterMetrics';
import { readAlertmanagers, readMetricsStores } from './config';
import { createMonitoringRouter } from './router';

/**
 * Mounts the metrics routes and the alert routes (the Alertmanager webhook among them, which
 * Backstage lets through unauthenticated: it checks the hub's token itself).
 */
export function registerMonitoring(deps: {
  config: RootConfigService;
  httpRouter: HttpRouterService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  logger: LoggerService;
  notifications: NotificationService;
  clusters: ClusterService;
  decisionTtlMs: number;
  /** The plugin's database, migrated: where alerts and who acknowledged them are kept. */
  db: Knex;
  /** Threat detection's alerts, counted in the alert summary. */
  threats?: ThreatStore;
}): void {
  deps.httpRouter.use(
    createMonitoringRouter({
      ...deps,
      metrics: new ClusterMetrics(readMetricsStores(deps.config)),
    }),
  );
  deps.httpRouter.addAuthPolicy({
    path: ALERT_WEBHOOK_PATH,
    allow: 'unauthenticated',
  });
  deps.httpRouter.use(
    createAlertsRouter({
      ...deps,
      alertmanagers: readAlertmanagers(deps.config),
      store: new AlertStore(deps.db),
      onFiring: notifyFiring({
        notifications: deps.notifications,
        logger: deps.logger,
        ownerOf: (hub, cluster) => deps.clusters.cache.get(hub, cluster)?.owner,
      }),
      ...(deps.threats
        ? {
            openThreats: () => deps.threats!.countAlertsByCluster(['open']),
          }
        : {}),
    }),
  );
}
