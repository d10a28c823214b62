import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import { createHostplaneActions } from './actions';
import { hostplaneTemplateFilters } from './templating';

/**
 * The scaffolder actions that create, scale, upgrade and delete Hostplane tenant clusters, and the
 * template filters of Hostplane's templates (`hostplaneNodePools`).
 */
export const scaffolderModuleHostplane = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'hostplane',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        templating: scaffolderTemplatingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, templating, discovery, auth }) {
        scaffolder.addActions(...createHostplaneActions({ discovery, auth }));
        templating.addTemplateFilters(hostplaneTemplateFilters);
      },
    });
  },
});
