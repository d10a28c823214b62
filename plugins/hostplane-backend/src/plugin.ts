import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readHubDefinitions } from '@hostplane/plugin-hostplane-node';
import { createRouter } from './service/router';
import { HubStatusChecker } from './service/HubStatusChecker';

/** Hostplane's backend: serves `/api/hostplane`. */
export const hostplanePlugin = createBackendPlugin({
  pluginId: 'hostplane',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, logger, httpAuth, httpRouter }) {
        const hubs = readHubDefinitions(config);
        logger.info(`Hostplane hubs: ${hubs.map(h => h.name).join(', ')}`);
        httpRouter.use(
          await createRouter({ hubs: new HubStatusChecker(hubs), httpAuth }),
        );
      },
    });
  },
});
