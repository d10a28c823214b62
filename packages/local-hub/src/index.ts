export { KwokctlCluster } from './KwokctlCluster';
export { ephemeralPort } from './ports';
export type { KwokctlClusterConfig } from './KwokctlCluster';
export { LocalHub, LOCAL_HUB_FIELD_MANAGER } from './LocalHub';
export { NODE_POOL_LABEL, TenantProcesses } from './TenantProcesses';
export type { LocalHubOptions } from './LocalHub';
export { ensureHubBinaries } from './binaries';
export { cacheDir, hubBinaries, upstreamCrdFiles, versions } from './paths';
export type { HubBinaries } from './paths';

export * from './stages';
export * from './seed';
export { useTestHub } from './testing/useTestHub';
export { expectToMatchGolden } from './testing/golden';
export {
  StandinLog,
  describeClusterStatus,
  describeConditions,
} from './testing/realTenantWait';
export * from './controlplane';
export * from './standin';
export { failingNodePoolConditions } from './upstream/hypershiftConditions';
export type { PoolMachines } from './upstream/hypershiftConditions';
