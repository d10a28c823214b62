export { REAL, STANDIN_FIELD_MANAGER, StandinOperator } from './StandinOperator';
export type { StandinOptions } from './StandinOperator';
export { hostedClusterStatus, releaseVersion } from './status';
