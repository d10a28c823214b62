/**
 * Hostplane's frontend plugin. Its API client and hooks, for other plugins' cards and tabs, are
 * in `@hostplane/plugin-hostplane-react`.
 *
 * @packageDocumentation
 */
export { hostplanePlugin as default } from './plugin';
