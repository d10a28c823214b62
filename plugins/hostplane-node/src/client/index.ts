export { HostplaneApiClient, UNAVAILABLE_RETRIES } from './HostplaneApiClient';
export type { HostplaneRequestOptions } from './HostplaneApiClient';
