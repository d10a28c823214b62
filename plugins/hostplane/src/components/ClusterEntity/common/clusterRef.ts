import { Entity } from '@backstage/catalog-model';

/*
 * Set by the catalog module (catalog-backend-module-hostplane, `clusterEntity.ts`) on every
 * cluster it puts in the catalog. A frontend package cannot import a backend module, so the names
 * are repeated here.
 */
export const HUB_ANNOTATION = 'hostplane.io/hub';
export const CLUSTER_ANNOTATION = 'hostplane.io/cluster';

/** The entities the cluster tabs are for: Hostplane's tenant clusters in the catalog. */
export const hostplaneClusterFilter = {
  kind: 'resource',
  'spec.type': 'kubernetes-cluster',
  [`metadata.annotations.${HUB_ANNOTATION}`]: { $exists: true },
  [`metadata.annotations.${CLUSTER_ANNOTATION}`]: { $exists: true },
};

/** Which cluster an entity stands for. */
export interface ClusterRef {
  hub: string;
  name: string;
  /** The cluster as a permission resource: `<hub>/<name>`. */
  resourceRef: string;
}

export function clusterRefOf(entity: Entity): ClusterRef | undefined {
  const hub = entity.metadata.annotations?.[HUB_ANNOTATION];
  const name = entity.metadata.annotations?.[CLUSTER_ANNOTATION];
  if (!hub || !name) return undefined;
  return { hub, name, resourceRef: `${hub}/${name}` };
}
