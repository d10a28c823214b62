import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  HubListResponse,
  ListClustersQuery,
  ListClustersResponse,
} from '@hostplane/plugin-hostplane-common';
import { HostplaneApi } from './HostplaneApi';

export class HostplaneClient implements HostplaneApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listHubs(): Promise<HubListResponse> {
    return this.get('/hubs');
  }

  async listClusters(query: ListClustersQuery): Promise<ListClustersResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    return this.get(`/clusters?${params}`);
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
