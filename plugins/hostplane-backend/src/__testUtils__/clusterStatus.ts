import { ClusterStatus } from '@hostplane/plugin-hostplane-common';

/** A cluster's status as the cache holds it, for tests of what reads the cache. */
export const clusterStatus = (
  name: string,
  owner: string,
  phase: ClusterStatus['phase'],
  version: string,
): ClusterStatus => ({
  hub: 'local',
  name,
  namespace: `tenants-${owner}`,
  owner: `group:default/${owner}`,
  phase,
  version,
  nodePools: [],
  conditions: [],
  deletionProtection: false,
  labels: { env: name.includes('prod') ? 'production' : 'staging' },
});
