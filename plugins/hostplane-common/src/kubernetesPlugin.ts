/**
 * How a tenant cluster is described to Backstage's Kubernetes plugin: the keys of its cluster
 * details' `authMetadata`, written by the cluster supplier and read by the `hostplane` auth
 * strategy.
 */

/** The hub that runs the cluster. */
export const HUB_AUTH_METADATA = 'hostplane.io/hub';
/** The cluster's name on its hub. */
export const CLUSTER_AUTH_METADATA = 'hostplane.io/cluster';
/**
 * Which incarnation of the tenant's credentials: its creation time and last credential rotation.
 * A credential issued for another is not reused.
 */
export const CREDENTIALS_EPOCH_AUTH_METADATA = 'hostplane.io/credentials-epoch';
