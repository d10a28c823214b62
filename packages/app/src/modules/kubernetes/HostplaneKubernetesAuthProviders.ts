import {
  KubernetesAuthProvidersApi,
  ServerSideKubernetesAuthProvider,
} from '@backstage/plugin-kubernetes-react';

/** The `kubernetes.io/auth-provider` of Hostplane's tenant clusters (its backend module). */
export const HOSTPLANE_AUTH_PROVIDER = 'hostplane';

/**
 * The Kubernetes plugin's auth providers, plus `hostplane`: a server-side one, since the backend
 * gets each tenant's credentials from Hostplane itself and the browser adds nothing. Without it,
 * the Kubernetes tab refuses every cluster whose auth provider it does not know.
 */
export class HostplaneKubernetesAuthProviders
  implements KubernetesAuthProvidersApi
{
  private readonly hostplane = new ServerSideKubernetesAuthProvider();

  constructor(private readonly others: KubernetesAuthProvidersApi) {}

  decorateRequestBodyForAuth(
    authProvider: string,
    requestBody: Parameters<
      KubernetesAuthProvidersApi['decorateRequestBodyForAuth']
    >[1],
  ) {
    return authProvider === HOSTPLANE_AUTH_PROVIDER
      ? this.hostplane.decorateRequestBodyForAuth(requestBody)
      : this.others.decorateRequestBodyForAuth(authProvider, requestBody);
  }

  getCredentials(authProvider: string) {
    return authProvider === HOSTPLANE_AUTH_PROVIDER
      ? this.hostplane.getCredentials()
      : this.others.getCredentials(authProvider);
  }
}
