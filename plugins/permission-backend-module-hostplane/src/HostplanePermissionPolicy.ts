import { parseEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  CLUSTER_RESOURCE_TYPE,
  clusterCreatePermission,
} from '@hostplane/plugin-hostplane-common';
import {
  clusterConditions,
  createClusterConditionalDecision,
} from '@hostplane/plugin-hostplane-node';

export interface HostplanePolicyOptions {
  /** Members of these groups may do anything with every cluster. */
  platformGroups: string[];
  /** Whether users may read clusters their groups do not own. */
  othersMayRead: boolean;
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

const isGroup = (ref: string) =>
  parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group';

/**
 * Hostplane's permissions by ownership; every other permission is allowed, as the portal's
 * allow-all policy did before. Members of a platform group may do anything with any cluster.
 * Members of the owning group operate their clusters (update, delete, kubeconfigs); others read
 * them, unless `othersMayRead` is off. Anyone in a group may create clusters, and the Hostplane
 * API lets them do so only for an owner whose clusters they may update: their own groups.
 * Backend plugins (no user) may read, as the Kubernetes plugin does to reach a tenant.
 *
 * The options are read at every decision, so a change to them applies at once.
 */
export class HostplanePermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: HostplanePolicyOptions) {}

  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = query;
    if (!permission.name.startsWith('hostplane.')) return ALLOW;
    if (!user) return permission.attributes.action === 'read' ? ALLOW : DENY;

    const claims = user.info.ownershipEntityRefs;
    if (claims.some(ref => this.options.platformGroups.includes(ref))) {
      return ALLOW;
    }
    if (isPermission(permission, clusterCreatePermission)) {
      return claims.some(isGroup) ? ALLOW : DENY;
    }
    if (isResourcePermission(permission, CLUSTER_RESOURCE_TYPE)) {
      if (
        permission.attributes.action === 'read' &&
        this.options.othersMayRead
      ) {
        return ALLOW;
      }
      return createClusterConditionalDecision(
        permission,
        clusterConditions.isClusterOwner({ claims }),
      );
    }
    return DENY;
  }
}
