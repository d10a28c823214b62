export { hostplaneApiRef } from './HostplaneApi';
export type { HostplaneApi, OperationsQuery } from './HostplaneApi';
export { HostplaneClient } from './HostplaneClient';
