import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  CLUSTER_ANNOTATION,
  CLUSTER_API_ANNOTATION,
  CLUSTER_NAMESPACE_ANNOTATION,
  ClusterSummary,
  HUB_ANNOTATION,
  PHASE_LABEL,
  VERSION_LABEL,
  clusterEntityName,
  clusterApiPath,
} from '@hostplane/plugin-hostplane-common';

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Where the provider says its entities come from (one per cluster). */
export function clusterLocation(hub: string, name: string): string {
  return `hostplane:${hub}/${name}`;
}

/**
 * The catalog's view of a tenant cluster: a Resource of type `kubernetes-cluster`. Everything in
 * it comes from the cluster's status, which carries no credentials; the endpoint is an address.
 * Resources have no `lifecycle` of their own in the catalog model; the schema allows it, and the
 * catalog's lifecycle filter reads it.
 *
 * Nothing in it only restates another field: the catalog writes a search row for every label,
 * annotation, tag and link field of every entity, and those rows were most of the database's
 * work while 10,000 clusters came in (bench/catalog-ingest). So no tags (`spec.type` says what
 * they said), the hub as an annotation only, and no link to the Clusters page (the sidebar has it).
 */
export function clusterEntity(cluster: ClusterSummary): Entity {
  const location = clusterLocation(cluster.hub, cluster.name);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(cluster.labels)) {
    if (LABEL_VALUE.test(value)) labels[key] = value;
  }
  labels[PHASE_LABEL] = cluster.phase.toLowerCase();
  if (cluster.version) labels[VERSION_LABEL] = cluster.version;

  const version = cluster.version
    ? `Kubernetes ${cluster.version}`
    : 'Kubernetes';
  const links = cluster.endpoint
    ? [{ url: cluster.endpoint, title: 'API server', icon: 'cloud' }]
    : [];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: clusterEntityName(cluster.hub, cluster.name),
      namespace: 'default',
      title: cluster.name,
      description: `${version} tenant cluster on hub ${cluster.hub}: ${
        cluster.phase
      }${
        cluster.reason && cluster.phase !== 'Ready'
          ? ` (${cluster.reason})`
          : ''
      }`,
      labels,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [HUB_ANNOTATION]: cluster.hub,
        [CLUSTER_ANNOTATION]: cluster.name,
        [CLUSTER_NAMESPACE_ANNOTATION]: cluster.namespace,
        [CLUSTER_API_ANNOTATION]: `/api/hostplane${clusterApiPath(
          cluster.hub,
          cluster.name,
        )}`,
      },
      links,
    },
    spec: {
      type: 'kubernetes-cluster',
      owner: cluster.owner,
      lifecycle: cluster.labels.lifecycle ?? cluster.labels.env ?? 'production',
      ...(cluster.labels.system ? { system: cluster.labels.system } : {}),
    },
  };
}
