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
export { tenantLogSources, vlagentArgs } from './collectorArgs';
export type { LogSource, TenantLogFiles } from './collectorArgs';
