import {
  ClusterStatus,
  ProviderCapabilities,
} from '@hostplane/plugin-hostplane-common';

/** The features a provider declares it has or lacks. */
export type ProviderFeature = {
  [K in keyof ProviderCapabilities]: ProviderCapabilities[K] extends boolean
    ? K
    : never;
}[keyof ProviderCapabilities];

/**
 * Whether the cluster's provider can do `feature`, so that the pages offer it. A cluster
 * answered without capabilities (by a backend that does not send them) is offered everything,
 * and the server refuses what its provider cannot do.
 */
export function providerSupports(
  cluster: ClusterStatus,
  feature: ProviderFeature,
): boolean {
  return cluster.capabilities?.[feature] ?? true;
}
