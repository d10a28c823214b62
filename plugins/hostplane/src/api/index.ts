export { hostplaneApiRef } from './HostplaneApi';
export type { HostplaneApi } from './HostplaneApi';
export { HostplaneClient } from './HostplaneClient';
