import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { hostplanePermissions } from '@hostplane/plugin-hostplane-common';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  CLUSTER_EVENTS_TOPIC,
  ClusterEvent,
  HUB_EVENTS_TOPIC,
  HostedControlPlaneProvider,
  HubListedEvent,
  clusterPermissionResourceRef,
  clusterPermissionRules,
  hostplaneProvidersExtensionPoint,
  readHubDefinitions,
} from '@hostplane/plugin-hostplane-node';
import { IssuanceStore } from './database/IssuanceStore';
import { KubeconfigService } from './kubeconfig/KubeconfigService';
import { ServiceCredentialService } from './kubeconfig/ServiceCredentialService';
import { migrationsDirectory } from './database/migrations';
import { createEngine } from './engine';
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
        const { config, logger, database, lifecycle } = deps;
        const hubs = readHubDefinitions(config);
        logger.info(`Hostplane hubs: ${hubs.map(h => h.name).join(', ')}`);

        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await db.migrate.latest({ directory: migrationsDirectory });
        }

        const waitTimeoutSeconds = config.getOptionalNumber(
          'hostplane.operations.waitTimeoutSeconds',
        );
        const leaseSeconds = config.getOptionalNumber(
          'hostplane.operations.leaseSeconds',
        );
        const engine = createEngine({
          hubs,
          providers,
          db,
          logger,
          instanceId: config.getOptionalString(
            'hostplane.operations.instanceId',
          ),
          ...(waitTimeoutSeconds
            ? { waitTimeoutMs: waitTimeoutSeconds * 1000 }
            : {}),
          ...(leaseSeconds ? { leaseMs: leaseSeconds * 1000 } : {}),
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

        // Every change, for the catalog and anyone else who follows clusters without polling.
        engine.cache.subscribe((hub, { namespace, name }, cluster) => {
          const event: ClusterEvent = {
            hub,
            namespace,
            name,
            cluster: cluster ?? null,
          };
          deps.events
            .publish({ topic: CLUSTER_EVENTS_TOPIC, eventPayload: event })
            .catch(error =>
              logger.warn(
                `Could not publish a change of ${hub}/${name}: ${error.message}`,
              ),
            );
        });
        lifecycle.addStartupHook(async () => {
          const resumed = await engine.start();
          if (resumed) logger.info(`Resumed ${resumed} operation(s)`);
          // What a hub's first listing finds is not announced cluster by cluster; this tells the
          // consumers that keep their own list to read it now.
          for (const hub of engine.cache.hubNames()) {
            void engine.cache
              .hub(hub)
              .whenSynced()
              .then(() => {
                const event: HubListedEvent = { hub };
                return deps.events.publish({
                  topic: HUB_EVENTS_TOPIC,
                  eventPayload: event,
                });
              })
              .catch(error =>
                logger.warn(
                  `Could not announce that hub ${hub} is listed: ${error.message}`,
                ),
              );
          }
        });
        lifecycle.addShutdownHook(() => engine.stop());

        deps.httpRouter.use(
          await createRouter({
            hubs: new HubStatusChecker(hubs),
            clusters: engine.clusters,
            kubeconfigs,
            serviceCredentials,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            permissionsRegistry: deps.permissionsRegistry,
            userInfo: deps.userInfo,
            decisionTtlMs:
              (config.getOptionalNumber(
                'hostplane.permissions.decisionCacheSeconds',
              ) ?? 5) * 1000,
          }),
        );
      },
    });
  },
});
