import { ResourcePermission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CLUSTER_RESOURCE_TYPE,
  Operation,
  backupCreatePermission,
  backupReadPermission,
  backupRestorePermission,
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
  [backupReadPermission.name]: "see this cluster's backups and etcd members",
  [backupCreatePermission.name]: 'back up this cluster or maintain its etcd',
  [backupRestorePermission.name]: "restore this cluster's backups",
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

/**
 * Why a failed operation may not be run again, if it may not: it needs the permission its kind
 * needs on the server (delete for a delete, update for the rest). A cluster being deleted blocks
 * retrying anything but the delete, whose failure is what leaves the cluster so.
 */
export function useRetryBlock(operation: Operation): string | undefined {
  const { busyReason } = useClusterView();
  const deleting = operation.type === 'delete';
  const permissionBlock = usePermissionBlock(
    deleting ? clusterDeletePermission : clusterUpdatePermission,
  );
  return permissionBlock ?? (deleting ? undefined : busyReason);
}
