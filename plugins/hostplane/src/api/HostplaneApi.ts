import { createApiRef } from '@backstage/core-plugin-api';
import { HubListResponse } from '@hostplane/plugin-hostplane-common';

/** The frontend's view of `/api/hostplane`. */
export interface HostplaneApi {
  listHubs(): Promise<HubListResponse>;
}

export const hostplaneApiRef = createApiRef<HostplaneApi>({
  id: 'plugin.hostplane.api',
});
