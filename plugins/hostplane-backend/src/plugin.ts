import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { hostplanePermissions } from '@hostplane/plugin-hostplane-common';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  HostedControlPlaneProvider,
  clusterPermissionResourceRef,
  clusterPermissionRules,
  hostplaneProvidersExtensionPoint,
} from '@hostplane/plugin-hostplane-node';
import {
  readAutoDefragmentationConfig,
  readBackupScheduleSettings,
  readHostplaneSettings,
} from './config';
import { IssuanceStore } from './database/IssuanceStore';
import { KubeconfigService } from './kubeconfig/KubeconfigService';
import { ServiceCredentialService } from './kubeconfig/ServiceCredentialService';
import { migrationsDirectory } from './database/migrations';
import { createEngine } from './engine';
import { createEtcdServices } from './backups/createEtcdServices';
import { createBackupsRouter } from './backups/router';
import { RESTORE_SNAPSHOTS_PATH } from './backups/restoreUrls';
import { announceListedHubs } from './events/announceListedHubs';
import { publishClusterChanges } from './events/publishClusterChanges';
import { HubStatusChecker } from './service/HubStatusChecker';
import { createRouter } from './service/router';
import { registerMonitoring } from './monitoring/register';
import { createLogsRouter } from './logs/router';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AUDIT_WEBHOOK_PATH } from './threats/receiver';
import { createThreatsRouter } from './threats/router';
import { ThreatDetection, readThreatSettings } from './threats/ThreatDetection';
import { ResponseService } from './threats/respond/ResponseService';

/**
 * Hostplane's backend: the tenant-cluster lifecycle engine and `/api/hostplane`. Providers of
 * hosted control planes plug in through `hostplaneProvidersExtensionPoint`.
 */
export const hostplanePlugin = createBackendPlugin({
  pluginId: 'hostplane',
  register(env) {
    const providers = new Map<string, HostedControlPlaneProvider>();
    env.registerExtensionPoint(hostplaneProvidersExtensionPoint, {
      addProvider(provider) {
        if (providers.has(provider.id)) {
          throw new Error(
            `Hostplane provider '${provider.id}' is installed twice`,
          );
        }
        providers.set(provider.id, provider);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { logger, database, lifecycle } = deps;
        const settings = readHostplaneSettings(deps.config);
        const { hubs } = settings;
        logger.info(`Hostplane hubs: ${hubs.map(h => h.name).join(', ')}`);

        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await db.migrate.latest({ directory: migrationsDirectory });
        }

        const etcd = await createEtcdServices({
          config: deps.config,
          hubs,
          db,
          pluginBaseUrl: () => deps.discovery.getExternalBaseUrl('hostplane'),
        });
        const threatSettings = readThreatSettings(deps.config);
        const threats = await ThreatDetection.create({
          settings: threatSettings,
          db,
          logger,
        });
        const auditWebhookBaseUrl =
          threatSettings.webhookBaseUrl ??
          (await deps.discovery.getExternalBaseUrl('hostplane'));
        const engine = createEngine({
          hubs,
          providers,
          db,
          logger,
          operations: settings.operations,
          etcd,
          etcdAutomation: {
            schedule: readBackupScheduleSettings(deps.config),
            defragmentation: readAutoDefragmentationConfig(deps.config),
          },
          ...(threatSettings.enabled
            ? {
                auditWebhook: cluster =>
                  threats.webhookEndpoint(auditWebhookBaseUrl, cluster),
              }
            : {}),
        });
        // Clusters are named `<hub>/<name>` as permission resources, so that a frontend can ask
        // "may I update this cluster" and conditional decisions are applied to it here.
        const clusterOf = (resourceRef: string) => {
          const [hub, name] = resourceRef.split('/');
          try {
            return engine.cache.get(hub, name);
          } catch {
            return undefined;
          }
        };
        deps.permissionsRegistry.addResourceType({
          resourceRef: clusterPermissionResourceRef,
          permissions: hostplanePermissions,
          rules: Object.values(clusterPermissionRules),
          getResources: async resourceRefs => resourceRefs.map(clusterOf),
        });

        const issuances = new IssuanceStore(db);
        const kubeconfigs = new KubeconfigService(
          hubs,
          providers,
          issuances,
          deps.userInfo,
          deps.auditor,
        );
        const serviceCredentials = new ServiceCredentialService(
          hubs,
          providers,
          issuances,
          deps.auditor,
        );

        publishClusterChanges(engine.cache, deps.events, logger);
        lifecycle.addStartupHook(async () => {
          const resumed = await engine.start();
          if (resumed) logger.info(`Resumed ${resumed} operation(s)`);
          announceListedHubs(engine.cache, deps.events, logger);
        });
        lifecycle.addShutdownHook(() => engine.stop());

        // Tenants' audit webhooks authenticate with their cluster's own token, not Backstage's;
        // the receiver comes before the API's routes and their smaller body limit.
        deps.httpRouter.addAuthPolicy({
          path: AUDIT_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(threats.receiver());
        threats.notifyOwners(deps.notifications, (hub, name) => {
          try {
            return engine.cache.get(hub, name)?.owner;
          } catch {
            return undefined;
          }
        });
        lifecycle.addStartupHook(() => threats.start());
        lifecycle.addShutdownHook(() => threats.stop());
        const responses = new ResponseService({
          hubs,
          providers,
          clusters: engine.clusters,
          threats,
          db,
          issuances,
          auditor: deps.auditor,
          logger,
          defaults: threatSettings.response,
          trustedRegistries: threatSettings.detector.trustedRegistries,
        });
        responses.respondAutomatically(deps.notifications, (hub, name) => {
          try {
            return engine.cache.get(hub, name)?.owner;
          } catch {
            return undefined;
          }
        });
        lifecycle.addStartupHook(() => responses.resumePending());
        lifecycle.addShutdownHook(() => responses.stop());

        deps.httpRouter.use(
          await createRouter({
            hubs: new HubStatusChecker(hubs, providers),
            clusters: engine.clusters,
            kubeconfigs,
            serviceCredentials,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            permissionsRegistry: deps.permissionsRegistry,
            userInfo: deps.userInfo,
            decisionTtlMs: settings.decisionTtlMs,
          }),
        );
        // A hub fetches a restore's snapshot with the signed token in its URL, not Backstage's.
        deps.httpRouter.addAuthPolicy({
          path: RESTORE_SNAPSHOTS_PATH,
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createBackupsRouter({
            ...deps,
            hubs,
            providers,
            clusters: engine.clusters,
            backups: etcd.backups,
            etcd: etcd.etcd,
            defragmentation: readAutoDefragmentationConfig(deps.config),
            decisionTtlMs: settings.decisionTtlMs,
          }),
        );
        deps.httpRouter.use(
          createLogsRouter({
            ...deps,
            hubs,
            providers,
            clusters: engine.clusters,
            decisionTtlMs: settings.decisionTtlMs,
          }),
        );
        registerMonitoring({
          ...deps,
          clusters: engine.clusters,
          decisionTtlMs: settings.decisionTtlMs,
          db,
          threats: threats.store,
        });
        deps.httpRouter.use(
          createThreatsRouter({
            ...deps,
            threats,
            responses,
            clusters: engine.clusters,
            decisionTtlMs: settings.decisionTtlMs,
          }),
        );
      },
    });
  },
});
