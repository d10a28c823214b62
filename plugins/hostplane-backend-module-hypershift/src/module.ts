import { createBackendModule } from '@backstage/backend-plugin-api';
import { hostplaneProvidersExtensionPoint } from '@hostplane/plugin-hostplane-node';
import { HypershiftKubevirtProvider } from './HypershiftKubevirtProvider';

/** Adds HyperShift on KubeVirt to the hosted-control-plane providers of the Hostplane backend. */
export const hostplaneModuleHypershift = createBackendModule({
  pluginId: 'hostplane',
  moduleId: 'hypershift',
  register(reg) {
    reg.registerInit({
      deps: { providers: hostplaneProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProvider(new HypershiftKubevirtProvider());
      },
    });
  },
});
