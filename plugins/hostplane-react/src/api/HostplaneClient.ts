import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  ClusterChange,
  ClusterStatus,
  HubListResponse,
  HubVersionsResponse,
  KubeconfigResponse,
  ListClustersQuery,
  ListClustersResponse,
  ListKubeconfigIssuancesResponse,
  ListOperationsResponse,
  Operation,
  OwnerChoicesResponse,
  clusterApiPath,
} from '@hostplane/plugin-hostplane-common';
import { HostplaneApi, OperationsQuery } from './HostplaneApi';
import { responseError } from './responseError';

export class HostplaneClient implements HostplaneApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listHubs(): Promise<HubListResponse> {
    return this.get('/hubs');
  }

  async listOwnerChoices(): Promise<OwnerChoicesResponse> {
    return this.get('/owners');
  }

  async listClusters(query: ListClustersQuery): Promise<ListClustersResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    return this.get(`/clusters?${params}`);
  }

  async getCluster(hub: string, name: string): Promise<ClusterStatus> {
    return this.get(clusterApiPath(hub, name));
  }

  async changeCluster(
    hub: string,
    name: string,
    change: ClusterChange,
  ): Promise<Operation> {
    return this.send('PATCH', clusterApiPath(hub, name), change);
  }

  async deleteCluster(hub: string, name: string): Promise<Operation> {
    return this.send('DELETE', clusterApiPath(hub, name));
  }

  async listOperations(
    query: OperationsQuery,
  ): Promise<ListOperationsResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    return this.get(`/operations?${params}`);
  }

  async getOperation(id: string): Promise<Operation> {
    return this.get(`/operations/${encodeURIComponent(id)}`);
  }

  async retryOperation(id: string): Promise<Operation> {
    return this.send('POST', `/operations/${encodeURIComponent(id)}/retry`);
  }

  async issueKubeconfig(
    hub: string,
    name: string,
    request: { ttlHours: number },
  ): Promise<KubeconfigResponse> {
    return this.send(
      'POST',
      `${clusterApiPath(hub, name)}/kubeconfig`,
      request,
    );
  }

  async listKubeconfigIssuances(
    hub: string,
    name: string,
  ): Promise<ListKubeconfigIssuancesResponse> {
    return this.get(`${clusterApiPath(hub, name)}/kubeconfig-issuances`);
  }

  async listHubVersions(hub: string): Promise<HubVersionsResponse> {
    return this.get(`/hubs/${encodeURIComponent(hub)}/versions`);
  }

  private async send<T>(
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    if (!response.ok) {
      throw await responseError(response);
    }
    return response.json();
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await responseError(response);
    }
    return response.json();
  }
}
