/**
 * How a tenant cluster is named and marked in the software catalog, shared by the catalog module
 * that emits the entities and the pages that find and link to them.
 */

/** On a cluster's entity: the hub that runs the cluster. */
export const HUB_ANNOTATION = 'hostplane.io/hub';
/** On a cluster's entity: the cluster's name on its hub. */
export const CLUSTER_ANNOTATION = 'hostplane.io/cluster';
/** On a cluster's entity: the hub namespace that holds the cluster's objects. */
export const CLUSTER_NAMESPACE_ANNOTATION = 'hostplane.io/hub-namespace';
/** On a cluster's entity: where the Hostplane API serves the cluster (for the entity page's tabs). */
export const CLUSTER_API_ANNOTATION = 'hostplane.io/api';
/** On a cluster's entity: its phase in lower case, for catalog filters. */
export const PHASE_LABEL = 'hostplane.io/phase';
/** On a cluster's entity: the Kubernetes version its control plane runs, for catalog filters. */
export const VERSION_LABEL = 'hostplane.io/version';

/** The entity name of a cluster: unique across hubs, since names are unique per hub only. */
export function clusterEntityName(hub: string, name: string): string {
  return `${name}.${hub}`;
}

/** The ref of a cluster's catalog entity (a Resource in the default namespace). */
export function clusterEntityRef(hub: string, name: string) {
  return {
    kind: 'Resource',
    namespace: 'default',
    name: clusterEntityName(hub, name),
  };
}
