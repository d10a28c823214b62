import { Entity } from '@backstage/catalog-model';
import {
  CLUSTER_ANNOTATION,
  HUB_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';

/**
 * The entities a cluster's tabs and cards are for: Hostplane's tenant clusters in the catalog.
 * An entity content or card extension takes it as its `filter`.
 */
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

/** The cluster a catalog entity stands for, or `undefined` if it is not a Hostplane cluster. */
export function clusterRefOf(entity: Entity): ClusterRef | undefined {
  const hub = entity.metadata.annotations?.[HUB_ANNOTATION];
  const name = entity.metadata.annotations?.[CLUSTER_ANNOTATION];
  if (!hub || !name) return undefined;
  return { hub, name, resourceRef: `${hub}/${name}` };
}
