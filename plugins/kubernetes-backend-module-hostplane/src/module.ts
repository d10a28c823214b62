import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  KubernetesClustersSupplier,
  kubernetesAuthStrategyExtensionPoint,
  kubernetesClusterSupplierExtensionPoint,
} from '@backstage/plugin-kubernetes-node';
import {
  CLUSTER_EVENTS_TOPIC,
  HUB_EVENTS_TOPIC,
  ClusterEvent,
  HostplaneApiClient,
} from '@hostplane/plugin-hostplane-node';
import {
  HOSTPLANE_AUTH_PROVIDER,
  HostplaneAuthStrategy,
} from './HostplaneAuthStrategy';
import { HostplaneClusterSupplier } from './HostplaneClusterSupplier';

/**
 * Hostplane's tenant clusters in Backstage's Kubernetes plugin: a cluster supplier that lists
 * every tenant with an API endpoint, and the `hostplane` auth strategy, whose read-only client
 * certificates the Hostplane backend issues to this plugin.
 *
 * With `kubernetes.clusterLocatorMethods` configured, the clusters found there are listed too.
 * Adding an auth strategy replaces the Kubernetes plugin's default ones: those clusters need
 * theirs added by another module.
 */
export const kubernetesModuleHostplane = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'hostplane',
  register(reg) {
    reg.registerInit({
      deps: {
        clusterSuppliers: kubernetesClusterSupplierExtensionPoint,
        authStrategies: kubernetesAuthStrategyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
      },
      async init({
        clusterSuppliers,
        authStrategies,
        config,
        logger,
        discovery,
        auth,
        scheduler,
        lifecycle,
        events,
      }) {
        const api = new HostplaneApiClient({ discovery, auth });
        const strategy = new HostplaneAuthStrategy({ api });
        const supplier = new HostplaneClusterSupplier({
          api,
          logger,
          caDataFor: authMetadata => strategy.caDataFor(authMetadata),
        });
        authStrategies.addAuthStrategy(HOSTPLANE_AUTH_PROVIDER, strategy);

        const configured = config.getOptionalConfigArray(
          'kubernetes.clusterLocatorMethods',
        );
        clusterSuppliers.addClusterSupplier(async ({ getDefault }) => {
          if (!configured?.length) return supplier;
          const others = await getDefault();
          const combined: KubernetesClustersSupplier = {
            async getClusters(options) {
              const [ours, theirs] = await Promise.all([
                supplier.getClusters(),
                others.getClusters(options),
              ]);
              return [...theirs, ...ours];
            },
          };
          return combined;
        });

        await events.subscribe({
          id: 'kubernetes-hostplane-clusters',
          topics: [CLUSTER_EVENTS_TOPIC, HUB_EVENTS_TOPIC],
          onEvent: async ({ topic, eventPayload }) => {
            if (topic === HUB_EVENTS_TOPIC) supplier.hubListed();
            else supplier.apply(eventPayload as ClusterEvent);
          },
        });
        // The first list once the backend serves the Hostplane API; retried until it answers.
        lifecycle.addStartupHook(() => supplier.start());
        lifecycle.addShutdownHook(() => supplier.stop());
        // Events keep the list current; a periodic full list heals any that were missed. Each
        // instance holds its own list, so each refreshes it.
        await scheduler.scheduleTask({
          id: 'hostplane-kubernetes-clusters-refresh',
          scope: 'local',
          frequency: { minutes: 10 },
          initialDelay: { minutes: 10 },
          timeout: { minutes: 5 },
          fn: async () => {
            await supplier.refresh();
          },
        });
      },
    });
  },
});
