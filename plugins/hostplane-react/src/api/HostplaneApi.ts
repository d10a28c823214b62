import { createApiRef } from '@backstage/core-plugin-api';
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
} from '@hostplane/plugin-hostplane-common';

/** The frontend's view of `/api/hostplane`. */
export interface HostplaneApi {
  listHubs(): Promise<HubListResponse>;
  /** Whom the signed-in user may create clusters for. */
  listOwnerChoices(): Promise<OwnerChoicesResponse>;
  /** One page of clusters, filtered and sorted by the server. */
  listClusters(query: ListClustersQuery): Promise<ListClustersResponse>;
  getCluster(hub: string, name: string): Promise<ClusterStatus>;
  /** Starts one change (scale, upgrade, hibernate, ...) as an operation. */
  changeCluster(
    hub: string,
    name: string,
    change: ClusterChange,
  ): Promise<Operation>;
  deleteCluster(hub: string, name: string): Promise<Operation>;
  /** The newest operations first. */
  listOperations(query: OperationsQuery): Promise<ListOperationsResponse>;
  getOperation(id: string): Promise<Operation>;
  /** Runs a failed operation again from its failed step; answers with it, running again. */
  retryOperation(id: string): Promise<Operation>;
  /** A short-lived kubeconfig: hand it to the user and drop it, never keep or log it. */
  issueKubeconfig(
    hub: string,
    name: string,
    request: { ttlHours: number },
  ): Promise<KubeconfigResponse>;
  listKubeconfigIssuances(
    hub: string,
    name: string,
  ): Promise<ListKubeconfigIssuancesResponse>;
  /** The Kubernetes versions a hub offers for new clusters and upgrades. */
  listHubVersions(hub: string): Promise<HubVersionsResponse>;
}

/** Query of `GET /operations`. */
export interface OperationsQuery {
  hub?: string;
  cluster?: string;
  offset?: number;
  limit?: number;
}

export const hostplaneApiRef = createApiRef<HostplaneApi>({
  id: 'plugin.hostplane.api',
});
