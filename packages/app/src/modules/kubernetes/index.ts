import {
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
} from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import {
  KubernetesAuthProviders,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { HostplaneKubernetesAuthProviders } from './HostplaneKubernetesAuthProviders';

/**
 * Replaces the Kubernetes plugin's auth providers API (`api:kubernetes/auth-providers`) with the
 * same providers plus Hostplane's, so that the Kubernetes tab shows tenant clusters.
 */
export const kubernetesModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [
    ApiBlueprint.make({
      name: 'auth-providers',
      params: defineParams =>
        defineParams({
          api: kubernetesAuthProvidersApiRef,
          deps: {
            gitlabAuthApi: gitlabAuthApiRef,
            googleAuthApi: googleAuthApiRef,
            microsoftAuthApi: microsoftAuthApiRef,
            oktaAuthApi: oktaAuthApiRef,
            oneloginAuthApi: oneloginAuthApiRef,
          },
          factory: ({
            gitlabAuthApi,
            googleAuthApi,
            microsoftAuthApi,
            oktaAuthApi,
            oneloginAuthApi,
          }) =>
            new HostplaneKubernetesAuthProviders(
              new KubernetesAuthProviders({
                microsoftAuthApi,
                googleAuthApi,
                oidcProviders: {
                  gitlab: gitlabAuthApi,
                  google: googleAuthApi,
                  microsoft: microsoftAuthApi,
                  okta: oktaAuthApi,
                  onelogin: oneloginAuthApi,
                },
              }),
            ),
        }),
    }),
  ],
});
