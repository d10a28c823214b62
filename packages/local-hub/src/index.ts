export { KwokctlCluster } from './KwokctlCluster';
export { ephemeralPort } from './ports';
export type { KwokctlClusterConfig } from './KwokctlCluster';
export { LocalHub, LOCAL_HUB_FIELD_MANAGER } from './LocalHub';
export { HYPERSHIFT_NODE_POOL_LABEL, TenantProcesses } from './TenantProcesses';
export type { LocalHubOptions } from './LocalHub';
export { ensureHubBinaries } from './binaries';
export * from './s3';
// What the local hub offers, for a configuration that lists it among `hostplane.hubs`.
export { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
export { cacheDir, hubBinaries, upstreamCrdFiles, versions } from './paths';
export type { HubBinaries } from './paths';

export * from './stages';
export * from './seed';
export { useTestHub } from './testing/useTestHub';
export { expectToMatchGolden } from './testing/golden';
export { startBackend } from './testing/startBackend';
export type { Database, RunningBackend } from './testing/startBackend';
export { relayAuditEvents } from './testing/auditRelay';
export {
  backendPidsOf,
  databasesWithPrefix,
  dropDatabasesWithPrefix,
} from './testing/postgres';
export {
  StandinLog,
  describeClusterStatus,
  describeConditions,
} from './testing/realTenantWait';
export * from './controlplane';
export * from './standin';
export { failingNodePoolConditions } from './upstream/hypershiftConditions';
export type { PoolMachines } from './upstream/hypershiftConditions';
export * from './monitoring';
export * from './logs';
export * from './etcd';
