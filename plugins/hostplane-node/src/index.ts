/**
 * The hub client and the backend contracts of Hostplane.
 *
 * @packageDocumentation
 */
export * from './clusterList';
export * from './hubs';
export * from './kube';
export * from './permissions';
export * from './pooledKubeConfig';
export * from './provider';
export * from './transientHubErrors';
