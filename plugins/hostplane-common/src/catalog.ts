/**
 * How a tenant cluster is named in the software catalog, shared by the catalog module that emits
 * the entities and the pages that link to them.
 */

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
