import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  ListClustersResponse,
  ServiceCredentialResponse,
  serviceCredentialResponseSchema,
} from '@hostplane/plugin-hostplane-common';

/** What the cluster supplier and the auth strategy ask of the Hostplane API. */
export interface HostplaneApi {
  /** One page of clusters, sorted by name. */
  listClusters(offset: number, limit: number): Promise<ListClustersResponse>;
  /** A read-only client certificate for the tenant, issued to this plugin. */
  issueServiceCredential(
    hub: string,
    name: string,
  ): Promise<ServiceCredentialResponse>;
}

/** Calls `/api/hostplane` with this plugin's own service token. */
export class HostplaneApiClient implements HostplaneApi {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  async listClusters(
    offset: number,
    limit: number,
  ): Promise<ListClustersResponse> {
    return this.request(
      'GET',
      `/clusters?offset=${offset}&limit=${limit}&sort=name`,
    );
  }

  async issueServiceCredential(
    hub: string,
    name: string,
  ): Promise<ServiceCredentialResponse> {
    const body = await this.request(
      'POST',
      `/clusters/${encodeURIComponent(hub)}/${encodeURIComponent(
        name,
      )}/service-credentials`,
    );
    return serviceCredentialResponseSchema.parse(body);
  }

  private async request(method: string, path: string): Promise<any> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('hostplane');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'hostplane',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      // Error bodies carry a message, never a credential.
      const text = await response.text();
      let message = text;
      try {
        message = JSON.parse(text).error?.message ?? text;
      } catch {
        // not JSON: the text as it is
      }
      throw new Error(
        `Hostplane API ${method} ${path.split('?')[0]} answered ${
          response.status
        }: ${message}`,
      );
    }
    return response.json();
  }
}
