import { createApiRef } from '@backstage/core-plugin-api';
import {
  HubListResponse,
  ListClustersQuery,
  ListClustersResponse,
} from '@hostplane/plugin-hostplane-common';

/** The frontend's view of `/api/hostplane`. */
export interface HostplaneApi {
  listHubs(): Promise<HubListResponse>;
  /** One page of clusters, filtered and sorted by the server. */
  listClusters(query: ListClustersQuery): Promise<ListClustersResponse>;
}

export const hostplaneApiRef = createApiRef<HostplaneApi>({
  id: 'plugin.hostplane.api',
});
