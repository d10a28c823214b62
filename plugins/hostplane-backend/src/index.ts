/**
 * The Hostplane backend plugin.
 *
 * @packageDocumentation
 */
export { hostplanePlugin as default } from './plugin';
