import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  HUB_EVENTS_TOPIC,
  HostplaneApiClient,
} from '@hostplane/plugin-hostplane-node';
import { HostplaneClusterProvider } from './HostplaneClusterProvider';

/** Puts Hostplane's tenant clusters in the catalog. */
export const catalogModuleHostplane = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'hostplane',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        catalog,
        discovery,
        auth,
        events,
        logger,
        scheduler,
        lifecycle,
      }) {
        const provider = new HostplaneClusterProvider({
          api: new HostplaneApiClient({ discovery, auth }),
          events,
          logger,
        });
        catalog.addEntityProvider(provider);

        // The first full mutation as soon as the Hostplane API answers with every hub listed in
        // full (asked again at once when a hub's listing ends); additions only until then.
        await events.subscribe({
          id: 'catalog-hostplane-hubs',
          topics: [HUB_EVENTS_TOPIC],
          onEvent: async () => provider.hubListed(),
        });
        lifecycle.addStartupHook(() => provider.start());
        lifecycle.addShutdownHook(() => provider.stop());
        // Events keep entities current; a periodic full mutation heals any that were missed.
        await scheduler.scheduleTask({
          id: 'hostplane-clusters-full-refresh',
          frequency: { minutes: 30 },
          initialDelay: { minutes: 30 },
          timeout: { minutes: 10 },
          fn: async () => {
            await provider.refresh();
          },
        });
      },
    });
  },
});
