/**
 * Hostplane's frontend API and hooks, for the tabs and cards that other plugins put on a
 * cluster's entity page without depending on the Hostplane plugin itself.
 *
 * @packageDocumentation
 */
export { hostplaneApiRef } from './api/HostplaneApi';
export type { HostplaneApi, OperationsQuery } from './api/HostplaneApi';
export type { ThreatAlertsQuery } from './api/HostplaneApi';
export { HostplaneClient } from './api/HostplaneClient';
export { hostplaneClusterFilter, clusterRefOf } from './clusterRef';
export type { ClusterRef } from './clusterRef';
export { useCluster } from './hooks/useCluster';
export type { ClusterLoad } from './hooks/useCluster';
export { OPERATION_POLL_MS, useLiveOperation } from './hooks/useLiveOperation';
