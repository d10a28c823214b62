import { ResourcePermission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CLUSTER_RESOURCE_TYPE,
  clusterDeletePermission,
  clusterUpdatePermission,
  kubeconfigIssuePermission,
} from '@hostplane/plugin-hostplane-common';
import { useClusterView } from './ClusterViewContext';

type ClusterPermission = ResourcePermission<typeof CLUSTER_RESOURCE_TYPE>;

const WHAT: Record<string, string> = {
  [clusterUpdatePermission.name]: 'change this cluster',
  [clusterDeletePermission.name]: 'delete this cluster',
  [kubeconfigIssuePermission.name]: 'download a kubeconfig for this cluster',
};

/**
 * Why the user may not do what `permission` guards to this cluster, if they may not. The
 * resource is the cluster as `<hub>/<name>`. When the decision cannot be had, nothing is
 * blocked: the server checks again and refuses with its reason.
 */
export function usePermissionBlock(
  permission: ClusterPermission,
): string | undefined {
  const { clusterRef } = useClusterView();
  const { loading, allowed, error } = usePermission({
    permission,
    resourceRef: clusterRef.resourceRef,
  });
  if (loading) return 'Checking your permissions…';
  if (error || allowed) return undefined;
  return `You are not allowed to ${WHAT[permission.name] ?? permission.name} (${
    permission.name
  })`;
}

/** Why a change guarded by `permission` cannot start now, if it cannot. */
export function useChangeBlock(
  permission: ClusterPermission = clusterUpdatePermission,
): string | undefined {
  const { busyReason, unmanagedReason } = useClusterView();
  return usePermissionBlock(permission) ?? unmanagedReason ?? busyReason;
}
