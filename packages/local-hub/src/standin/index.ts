export { STANDIN_FIELD_MANAGER } from './fieldManager';
export { REAL, StandinOperator } from './StandinOperator';
export type { StandinOptions } from './StandinOperator';
export { hostedClusterStatus, releaseVersion } from './status';
