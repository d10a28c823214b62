/**
 * Types shared by the Hostplane frontend and backend.
 *
 * @packageDocumentation
 */
export * from './hubs';
export * from './labels';
export * from './clusterSpec';
export * from './nodePoolSizes';
export * from './clusters';
export * from './permissions';
export * from './catalog';
export * from './errors';
export * from './kubernetesPlugin';
export * from './versions';
