/**
 * The hub client, the Hostplane API client and cluster mirror for backend plugins, and the
 * backend contracts of Hostplane.
 *
 * @packageDocumentation
 */
export * from './backups';
export * from './client';
export * from './hubs';
export * from './kube';
export * from './mirror';
export * from './permissions';
export * from './pooledKubeConfig';
export * from './provider';
export * from './providerContract';
export * from './transientHubErrors';
