/**
 * Hostplane's frontend plugin.
 *
 * @packageDocumentation
 */
export { hostplanePlugin as default } from './plugin';
export { hostplaneApiRef, HostplaneClient } from './api';
export type { HostplaneApi } from './api';
