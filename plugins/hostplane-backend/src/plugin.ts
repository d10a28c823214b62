import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { hostplanePermissions } from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  hostplaneProvidersExtensionPoint,
  readHubDefinitions,
} from '@hostplane/plugin-hostplane-node';
import { ClusterCache } from './cache/ClusterCache';
import { IssuanceStore } from './database/IssuanceStore';
import { OperationStore } from './database/OperationStore';
import { KubeconfigService } from './kubeconfig/KubeconfigService';
import { OperationRunner } from './operations/OperationRunner';
import {
  clusterPermissionResourceRef,
  clusterPermissionRules,
} from './permissions';
import { ClusterService } from './service/ClusterService';
import { HubStatusChecker } from './service/HubStatusChecker';
import { createRouter } from './service/router';

const MIGRATIONS = resolvePackagePath(
  '@hostplane/plugin-hostplane-backend',
  'migrations',
);

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
          throw new Error(`Hostplane provider '${provider.id}' is installed twice`);
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
      },
      async init(deps) {
        const { config, logger, database, lifecycle } = deps;
        const hubs = readHubDefinitions(config);
        logger.info(`Hostplane hubs: ${hubs.map(h => h.name).join(', ')}`);

        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await db.migrate.latest({ directory: MIGRATIONS });
        }

        deps.permissionsRegistry.addResourceType({
          resourceRef: clusterPermissionResourceRef,
          permissions: hostplanePermissions,
          rules: Object.values(clusterPermissionRules),
        });

        const cache = new ClusterCache(hubs, providers, logger);
        const store = new OperationStore(db);
        const waitTimeoutMs = config.getOptionalNumber(
          'hostplane.operations.waitTimeoutSeconds',
        );
        const runner = new OperationRunner({
          store,
          cache,
          hubs,
          providers,
          logger,
          ...(waitTimeoutMs ? { waitTimeoutMs: waitTimeoutMs * 1000 } : {}),
        });
        const clusters = new ClusterService(hubs, providers, cache, store, runner);
        const kubeconfigs = new KubeconfigService(
          hubs,
          providers,
          new IssuanceStore(db),
          deps.userInfo,
          deps.auditor,
        );

        cache.start();
        lifecycle.addStartupHook(async () => {
          const resumed = await runner.resume();
          if (resumed) logger.info(`Resumed ${resumed} operation(s)`);
        });
        lifecycle.addShutdownHook(async () => {
          await runner.stop();
          cache.stop();
        });

        deps.httpRouter.use(
          await createRouter({
            hubs: new HubStatusChecker(hubs),
            clusters,
            kubeconfigs,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            permissionsRegistry: deps.permissionsRegistry,
          }),
        );
      },
    });
  },
});
