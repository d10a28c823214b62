export {
  LocalLogStore,
  ensureVictoriaLogsBinaries,
  victoriaLogsBinaries,
  standinTenantLogFiles,
} from './LocalLogStore';
export type {
  LocalLogStoreOptions,
  VictoriaLogsBinaries,
} from './LocalLogStore';
export { FileLogCollector } from './FileLogCollector';
export type { FileLogCollectorOptions } from './FileLogCollector';
export { tenantLogSources } from './logSources';
export type { LogSource, TenantLogFiles } from './logSources';
