import {
  BackstageCredentials,
  BackstagePrincipalTypes,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  Permission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  CLUSTER_RESOURCE_TYPE,
  ClusterStatus,
  Operation,
  OwnerChoicesResponse,
  clusterCreatePermission,
  clusterDeletePermission,
  clusterReadPermission,
  clusterUpdatePermission,
} from '@hostplane/plugin-hostplane-common';
import {
  ClusterPermissionResource,
  clusterPermissionResourceRef,
} from '@hostplane/plugin-hostplane-node';
import express from 'express';
import { ClusterService } from './ClusterService';
import { DecisionCache } from './DecisionCache';

type ClusterPermission = ResourcePermission<typeof CLUSTER_RESOURCE_TYPE>;

export interface ClusterAuthorizerOptions {
  clusters: ClusterService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  /** How long a caller's permission decision is reused (policy changes take this long). */
  decisionTtlMs: number;
}

/**
 * Who may do what to which cluster. A DENY (or a condition the cluster does not meet) is a 403
 * that names the caller and the action; a permission backend that does not answer is a 503 with
 * its reason, since nothing was decided.
 */
export class ClusterAuthorizer {
  private readonly clusters: ClusterService;
  private readonly httpAuth: HttpAuthService;
  private readonly permissions: PermissionsService;
  private readonly userInfo: UserInfoService;
  private readonly decisions: DecisionCache;
  private readonly isAllowed: (
    decision: PolicyDecision,
    cluster: ClusterPermissionResource,
  ) => boolean;

  constructor(options: ClusterAuthorizerOptions) {
    this.clusters = options.clusters;
    this.httpAuth = options.httpAuth;
    this.permissions = options.permissions;
    this.userInfo = options.userInfo;
    this.decisions = new DecisionCache(
      options.permissions,
      options.decisionTtlMs,
    );
    this.isAllowed = createConditionAuthorizer(
      options.permissionsRegistry.getPermissionRuleset(
        clusterPermissionResourceRef,
      ),
    );
  }

  /** Whether the caller may do `permission` to each cluster. */
  async clusterFilter(
    credentials: BackstageCredentials,
    permission: ClusterPermission,
  ): Promise<(cluster: ClusterPermissionResource) => boolean> {
    return this.filterOf(await this.decide(credentials, permission));
  }

  async authorizeCluster(
    credentials: BackstageCredentials,
    permission: ClusterPermission,
    cluster: ClusterStatus,
  ): Promise<void> {
    if (!(await this.clusterFilter(credentials, permission))(cluster)) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not ${
          permission.attributes.action ?? permission.name
        } cluster '${cluster.name}'`,
      );
    }
  }

  async authorizeBasic(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const decision = await this.authorizeOnce(credentials, permission);
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not ${permission.name}`,
      );
    }
  }

  /**
   * Whether the caller may create a cluster for `owner`: only for an owner whose clusters they
   * may operate, so that nobody makes a cluster in the name of a group they could not act for.
   */
  async authorizeOwner(
    credentials: BackstageCredentials,
    owner: string,
  ): Promise<void> {
    const mayOperate = await this.clusterFilter(
      credentials,
      clusterUpdatePermission,
    );
    if (!mayOperate({ owner })) {
      throw new NotAllowedError(
        `${userOf(
          credentials,
        )} may not create a cluster owned by ${owner}: only for an owner whose clusters they may operate`,
      );
    }
  }

  /** Whether the caller may read every cluster, whatever its owner. */
  async mayReadAll(credentials: BackstageCredentials): Promise<boolean> {
    const decision = await this.decide(credentials, clusterReadPermission);
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * Whom the caller may create clusters for: owners whose clusters they may operate, so that
   * nobody makes a cluster in the name of a group they could not act for. Of the caller's own
   * groups, those; and whether that is anyone's (a platform team).
   */
  async ownerChoices(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<OwnerChoicesResponse> {
    const create = await this.authorizeOnce(
      credentials,
      clusterCreatePermission,
    );
    if (create.result !== AuthorizeResult.ALLOW) {
      return { anyOwner: false, owners: [] };
    }
    const update = await this.decide(credentials, clusterUpdatePermission);
    const mayOperate = this.filterOf(update);
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    return {
      anyOwner: update.result === AuthorizeResult.ALLOW,
      owners: ownershipEntityRefs
        .filter(
          ref =>
            parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
        )
        .filter(owner => mayOperate({ owner }))
        .sort(),
    };
  }

  /**
   * The caller and the cluster the request names, which the caller may read; a cluster they may
   * not see is refused like one they may not touch. `allow` says which principals the route
   * serves: users and services unless it says otherwise.
   */
  async readableCluster<
    TAllowed extends 'user' | 'service' = 'user' | 'service',
  >(
    req: express.Request,
    allow = ['user', 'service'] as TAllowed[],
  ): Promise<{
    credentials: BackstageCredentials<BackstagePrincipalTypes[TAllowed]>;
    cluster: ClusterStatus;
  }> {
    const credentials = await this.httpAuth.credentials(req, { allow });
    const cluster = this.clusters.get(req.params.hub, req.params.name);
    await this.authorizeCluster(credentials, clusterReadPermission, cluster);
    return { credentials, cluster };
  }

  /**
   * The operation the request names, which the caller may read. Without its cluster (a create
   * not yet visible, a finished delete), an operation is visible to whoever asked for it and to
   * those who may read every cluster.
   */
  async readableOperation(req: express.Request): Promise<{
    credentials: BackstageCredentials;
    operation: Operation;
    cluster: ClusterStatus | undefined;
  }> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const operation = await this.clusters.operation(req.params.id);
    const cluster = this.clusters.cache.get(operation.hub, operation.cluster);
    if (cluster) {
      await this.authorizeCluster(credentials, clusterReadPermission, cluster);
    } else if (
      operation.createdBy !== userOf(credentials) &&
      !(await this.mayReadAll(credentials))
    ) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not read operations of cluster '${
          operation.cluster
        }', which is gone`,
      );
    }
    return { credentials, operation, cluster };
  }

  /**
   * Whether the caller may list these operations: those of one cluster for whoever may read it;
   * across clusters, or of a cluster that is gone, for those who may read every cluster.
   */
  async authorizeOperationList(
    credentials: BackstageCredentials,
    query: { hub?: string; cluster?: string },
  ): Promise<void> {
    const cluster =
      query.hub && query.cluster
        ? this.clusters.cache.get(query.hub, query.cluster)
        : undefined;
    if (cluster) {
      await this.authorizeCluster(credentials, clusterReadPermission, cluster);
    } else if (!(await this.mayReadAll(credentials))) {
      throw new NotAllowedError(
        'Listing operations across clusters, or of a cluster that is gone, needs read access to all clusters',
      );
    }
  }

  /**
   * The operation the request names, which the caller may retry: as they may change (or delete)
   * its cluster; a create whose cluster is not there, for those who may read every cluster.
   */
  async retryableOperation(req: express.Request) {
    const readable = await this.readableOperation(req);
    const { credentials, operation, cluster } = readable;
    const permission =
      operation.type === 'delete'
        ? clusterDeletePermission
        : clusterUpdatePermission;
    if (cluster) {
      await this.authorizeCluster(credentials, permission, cluster);
    } else if (
      operation.type !== 'create' ||
      !(await this.mayReadAll(credentials))
    ) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not retry ${operation.id}`,
      );
    }
    return readable;
  }

  /** Whether a decision allows each cluster; conditions are applied here. */
  private filterOf(
    decision: PolicyDecision,
  ): (cluster: ClusterPermissionResource) => boolean {
    if (decision.result === AuthorizeResult.ALLOW) return () => true;
    if (decision.result === AuthorizeResult.DENY) return () => false;
    return cluster => this.isAllowed(decision, cluster);
  }

  /** A conditional decision, reused for a few seconds (see `DecisionCache`). */
  private async decide(
    credentials: BackstageCredentials,
    permission: ClusterPermission,
  ): Promise<PolicyDecision> {
    try {
      return await this.decisions.decide(credentials, permission);
    } catch (error) {
      throw undecided(credentials, permission, error);
    }
  }

  /** A definitive decision, asked for each time. */
  private async authorizeOnce(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<PolicyDecision> {
    try {
      const [decision] = await this.permissions.authorize([{ permission }], {
        credentials,
      });
      return decision;
    } catch (error) {
      throw undecided(credentials, permission, error);
    }
  }
}

/** The permission backend failed to answer: nothing was decided, so it is not a 403. */
function undecided(
  credentials: BackstageCredentials,
  permission: Permission,
  error: unknown,
): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `The permission backend did not decide whether ${userOf(credentials)} may ${
      permission.name
    }: ${(error as Error)?.message ?? String(error)}; try again shortly`,
  );
}

/** The caller as operations record it: a user's entity ref, or the principal's type and name. */
export function userOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return (
    principal.userEntityRef ??
    `${principal.type}:${principal.subject ?? 'unknown'}`
  );
}
