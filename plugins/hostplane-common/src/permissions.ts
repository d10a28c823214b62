import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of a tenant cluster in the permission framework. */
export const CLUSTER_RESOURCE_TYPE = 'hostplane-cluster';

export const clusterCreatePermission = createPermission({
  name: 'hostplane.cluster.create',
  attributes: { action: 'create' },
});

export const clusterReadPermission = createPermission({
  name: 'hostplane.cluster.read',
  attributes: { action: 'read' },
  resourceType: CLUSTER_RESOURCE_TYPE,
});

export const clusterUpdatePermission = createPermission({
  name: 'hostplane.cluster.update',
  attributes: { action: 'update' },
  resourceType: CLUSTER_RESOURCE_TYPE,
});

export const clusterDeletePermission = createPermission({
  name: 'hostplane.cluster.delete',
  attributes: { action: 'delete' },
  resourceType: CLUSTER_RESOURCE_TYPE,
});

/** Issuing a short-lived kubeconfig: the one way a tenant credential reaches a user. */
export const kubeconfigIssuePermission = createPermission({
  name: 'hostplane.kubeconfig.issue',
  attributes: {},
  resourceType: CLUSTER_RESOURCE_TYPE,
});

export const hostplanePermissions = [
  clusterCreatePermission,
  clusterReadPermission,
  clusterUpdatePermission,
  clusterDeletePermission,
  kubeconfigIssuePermission,
];
