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
import { readHostplaneSettings } from './config';
import { IssuanceStore } from './database/IssuanceStore';
import { KubeconfigService } from './kubeconfig/KubeconfigService';
import { ServiceCredentialService } from './kubeconfig/ServiceCredentialService';
import { migrationsDirectory } from './database/migrations';
import { createEngine } from './engine';
import { announceListedHubs } from './events/announceListedHubs';
import { publishClusterChanges } from './events/publishClusterChanges';
import { HubStatusChecker } from './service/HubStatusChecker';
import { createRouter } from './service/router';

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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
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

        const engine = createEngine({
          hubs,
          providers,
          db,
          logger,
          operations: settings.operations,
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
      },
    });
  },
});
