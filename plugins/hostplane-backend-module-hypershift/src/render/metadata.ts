import {
  CLUSTER_LABEL,
  ClusterSpec,
  OWNER_LABEL,
  OWNER_REF_ANNOTATION,
  ownerName,
} from '@hostplane/plugin-hostplane-common';

/**
 * The labels every object of a cluster carries: the engine's cache groups a cluster's objects by
 * the cluster label, and the owner label lets a hub operator find a team's objects with a
 * selector.
 */
export function clusterLabels(spec: ClusterSpec): Record<string, string> {
  return {
    [CLUSTER_LABEL]: spec.name,
    [OWNER_LABEL]: ownerName(spec.owner),
  };
}

/** The owner's full entity ref, which does not fit in a label value. */
export function ownerAnnotations(spec: ClusterSpec): Record<string, string> {
  return { [OWNER_REF_ANNOTATION]: spec.owner };
}
