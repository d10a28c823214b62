import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { HostplanePermissionPolicy } from './HostplanePermissionPolicy';

/** Sets the permission backend's policy to Hostplane's (`hostplane.permissions`). */
export const permissionModuleHostplanePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'hostplane-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(
          new HostplanePermissionPolicy({
            platformGroups:
              config.getOptionalStringArray(
                'hostplane.permissions.platformGroups',
              ) ?? [],
            othersMayRead:
              config.getOptionalBoolean(
                'hostplane.permissions.othersMayRead',
              ) ?? true,
          }),
        );
      },
    });
  },
});
