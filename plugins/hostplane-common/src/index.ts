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
export * from './etcd';
export * from './transferProgress';
export * from './threats';
export * from './logs';
export * from './monitoring';
