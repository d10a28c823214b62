import {
  CLUSTER_RESOURCE_TYPE,
  ClusterStatus,
} from '@hostplane/plugin-hostplane-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/** Conditions narrow the clusters a user may see or operate to those their groups own. */
export interface ClusterQueryFilter {
  ownerIn: string[];
}

/**
 * What the rules see of a cluster: its owner, which a cluster about to be created has too, so that
 * whom it may be created for is decided by the same rules as who may operate it.
 */
export type ClusterPermissionResource = Pick<ClusterStatus, 'owner'>;

export const clusterPermissionResourceRef = createPermissionResourceRef<
  ClusterPermissionResource,
  ClusterQueryFilter
>().with({ pluginId: 'hostplane', resourceType: CLUSTER_RESOURCE_TYPE });

/** True when the cluster's owner is one of the claims (a user's ownership entity refs). */
export const isClusterOwner = createPermissionRule({
  name: 'IS_CLUSTER_OWNER',
  description:
    'Allow clusters owned by one of the given entity refs (the user and their groups)',
  resourceRef: clusterPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, usually the ownership refs of the user asking'),
  }),
  apply: (cluster, { claims }) => claims.includes(cluster.owner),
  toQuery: ({ claims }) => ({ ownerIn: claims }),
});

export const clusterPermissionRules = { isClusterOwner };

/** For permission policies: `clusterConditions.isClusterOwner({ claims: user.info.ownershipEntityRefs })`. */
export const {
  conditions: clusterConditions,
  createConditionalDecision: createClusterConditionalDecision,
} = createConditionExports({
  resourceRef: clusterPermissionResourceRef,
  rules: clusterPermissionRules,
});
