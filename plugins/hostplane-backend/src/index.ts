/**
 * The Hostplane backend plugin: the tenant-cluster lifecycle engine and `/api/hostplane`.
 *
 * @packageDocumentation
 */
export { hostplanePlugin as default } from './plugin';
