import { KubernetesObject } from '@kubernetes/client-node';
import {
  ClusterSpec,
  OWNER_LABEL,
  ownerName,
} from '@hostplane/plugin-hostplane-common';

/** The hub namespace of an owner's clusters. */
export function tenantNamespace(spec: ClusterSpec): string {
  return `tenants-${ownerName(spec.owner)}`;
}

/**
 * The namespace a cluster's objects go into. All clusters of one owner share it, so it carries
 * the owner label only: no cluster label, or the engine would count it among one cluster's
 * objects and delete it with that cluster.
 */
export function renderNamespace(spec: ClusterSpec): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: tenantNamespace(spec),
      labels: { [OWNER_LABEL]: ownerName(spec.owner) },
    },
  };
}
