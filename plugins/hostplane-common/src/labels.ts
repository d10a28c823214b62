/**
 * Labels and annotations that tie hub objects to a Hostplane tenant cluster and its owner.
 * Label values must be valid label values, so the owner label holds the owning group's name;
 * the full entity ref is kept in an annotation.
 */
export const CLUSTER_LABEL = 'hostplane.io/cluster';
export const OWNER_LABEL = 'hostplane.io/owner';
export const OWNER_REF_ANNOTATION = 'hostplane.io/owner-ref';
/** On a NodePool scaled to zero by hibernation: the replicas to restore on resume. */
export const HIBERNATED_REPLICAS_ANNOTATION =
  'hostplane.io/hibernated-replicas';
/** On a cluster's per-pool objects (NodePools): the pool's name in the cluster spec. */
export const NODE_POOL_LABEL = 'hostplane.io/node-pool';
/** On a cluster's HostedCluster: the spec Hostplane applied, as JSON (it holds no secrets). */
export const SPEC_ANNOTATION = 'hostplane.io/spec';
/**
 * On a cluster's HostedCluster: asks its control plane to replace the root CA and every
 * credential signed by it (the admin kubeconfig, and with them every kubeconfig Hostplane issued).
 * The value names the request (the time it was made); a new value asks again.
 */
export const ROTATE_CREDENTIALS_ANNOTATION = 'hostplane.io/rotate-credentials';
/**
 * On the control plane's root CA and admin kubeconfig Secrets: the rotation request they answer.
 * When it equals the HostedCluster's request, the rotation is done.
 */
export const CREDENTIALS_ROTATION_ANNOTATION =
  'hostplane.io/credentials-rotation';
/**
 * On a cluster's HostedCluster: asks its control plane to roll its etcd back to a snapshot, in
 * place: API servers stopped, every member restored from the one snapshot (revision bumped, marked
 * compacted), started again. The value is JSON `{"id": "<request>", "url": "<snapshot URL>"}`; the
 * URL is short-lived and signed, and the cache keeps no copy of it. A new id asks again.
 */
export const ETCD_RESTORE_REQUEST_ANNOTATION = 'hostplane.io/etcd-restore';
/** On a cluster's HostedCluster, written by its control plane: the restore request it has completed. */
export const ETCD_RESTORED_ANNOTATION = 'hostplane.io/etcd-restored';
/**
 * What every Hostplane label and annotation key starts with: a cluster's status leaves keys with
 * it out of the labels it shows as the user's.
 */
export const HOSTPLANE_KEY_PREFIX = 'hostplane.io/';
