import { createPermission } from '@backstage/plugin-permission-common';
import { z } from 'zod';

/** The resource type of a tenant cluster in the permission framework. */
export const CLUSTER_RESOURCE_TYPE = 'hostplane-cluster';

/**
 * Creating a cluster at all. Which owner it may have is decided by `hostplane.cluster.update`:
 * a cluster may be made only for an owner whose clusters its maker may operate.
 */
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

/** Listing a cluster's etcd backups and its etcd members' health. */
export const backupReadPermission = createPermission({
  name: 'hostplane.backup.read',
  attributes: { action: 'read' },
  resourceType: CLUSTER_RESOURCE_TYPE,
});

/** Taking a backup now, changing the schedule, and etcd maintenance (defragment, recover space, replace a member). */
export const backupCreatePermission = createPermission({
  name: 'hostplane.backup.create',
  attributes: { action: 'create' },
  resourceType: CLUSTER_RESOURCE_TYPE,
});

/** Restoring a backup: in place (rolls the cluster back), or into a new cluster (also needs `hostplane.cluster.create`). */
export const backupRestorePermission = createPermission({
  name: 'hostplane.backup.restore',
  attributes: { action: 'update' },
  resourceType: CLUSTER_RESOURCE_TYPE,
});

export const hostplanePermissions = [
  clusterCreatePermission,
  clusterReadPermission,
  clusterUpdatePermission,
  clusterDeletePermission,
  kubeconfigIssuePermission,
  backupReadPermission,
  backupCreatePermission,
  backupRestorePermission,
];

export const ownerChoicesResponseSchema = z
  .object({
    anyOwner: z
      .boolean()
      .describe(
        'True when the caller may create clusters for any owner (a platform team, say).',
      ),
    owners: z
      .array(z.string())
      .describe(
        "The caller's own groups (entity refs) they may create clusters for, sorted.",
      ),
  })
  .describe(
    'Whom the caller may create clusters for: an owner whose clusters they may operate.',
  );
export type OwnerChoicesResponse = z.output<typeof ownerChoicesResponseSchema>;
