import {
  BackstageCredentials,
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
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  CLUSTER_RESOURCE_TYPE,
  ClusterSpec,
  ClusterStatus,
  HubListResponse,
  HubVersionsResponse,
  ListOperationsResponse,
  OwnerChoicesResponse,
  PlannedOperationView,
  clusterCreatePermission,
  clusterDeletePermission,
  clusterReadPermission,
  clusterUpdatePermission,
  clusterChangeSchema,
  kubeconfigIssuePermission,
  listClustersQuerySchema,
} from '@hostplane/plugin-hostplane-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { KubeconfigService } from '../kubeconfig/KubeconfigService';
import { ServiceCredentialService } from '../kubeconfig/ServiceCredentialService';
import { PlannedOperation } from '../operations/plan';
import { ClusterService } from './ClusterService';
import { DecisionCache } from './DecisionCache';
import { HubStatusChecker } from './HubStatusChecker';
import { ListResponseJson } from './ListResponseJson';
import { openApiDocument } from './openapi';
import { ValidationError } from './ValidationError';
import {
  ClusterPermissionResource,
  clusterPermissionResourceRef,
  transientHubError,
} from '@hostplane/plugin-hostplane-node';

export interface RouterOptions {
  hubs: HubStatusChecker;
  clusters: ClusterService;
  kubeconfigs: KubeconfigService;
  /** Read-only tenant credentials for backend plugins (the Kubernetes plugin). */
  serviceCredentials: ServiceCredentialService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  /** How long a caller's permission decision is reused (policy changes take this long). */
  decisionTtlMs?: number;
}

/** `?dryRun=true`: make every check and start nothing (as Kubernetes' dryRun=All). */
const dryRunQuerySchema = z.strictObject({
  dryRun: z
    .enum(['true', 'false'], 'dryRun must be true or false')
    .optional()
    .transform(value => value === 'true'),
});

const operationsQuerySchema = z.strictObject({
  hub: z.string().max(63).optional(),
  cluster: z.string().max(63).optional(),
  offset: z.coerce
    .number()
    .int()
    .min(0, 'offset must be at least 0')
    .default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'limit must be at least 1')
    .max(200, 'limit must be at most 200')
    .default(50),
});

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

export async function createRouter({
  hubs,
  clusters,
  kubeconfigs,
  serviceCredentials,
  httpAuth,
  permissions,
  permissionsRegistry,
  userInfo,
  decisionTtlMs,
}: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  const decisions = new DecisionCache(permissions, decisionTtlMs);
  const listResponseJson = new ListResponseJson();
  const isAllowed = createConditionAuthorizer(
    permissionsRegistry.getPermissionRuleset(clusterPermissionResourceRef),
  );

  /** Whether a decision allows each cluster; conditions are applied here. */
  function filterOf(
    decision: PolicyDecision,
  ): (cluster: ClusterPermissionResource) => boolean {
    if (decision.result === AuthorizeResult.ALLOW) return () => true;
    if (decision.result === AuthorizeResult.DENY) return () => false;
    return cluster => isAllowed(decision, cluster);
  }

  /** Whether the caller may do `permission` to each cluster. */
  async function clusterFilter(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof CLUSTER_RESOURCE_TYPE>,
  ): Promise<(cluster: ClusterPermissionResource) => boolean> {
    return filterOf(await decisions.decide(credentials, permission));
  }

  async function authorizeCluster(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof CLUSTER_RESOURCE_TYPE>,
    cluster: ClusterStatus,
  ): Promise<void> {
    if (!(await clusterFilter(credentials, permission))(cluster)) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not ${
          permission.attributes.action ?? permission.name
        } cluster '${cluster.name}'`,
      );
    }
  }

  /**
   * Whom the caller may create clusters for: owners whose clusters they may operate, so that
   * nobody makes a cluster in the name of a group they could not act for. Of the caller's own
   * groups, those; and whether that is anyone's (a platform team).
   */
  async function ownerChoices(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<OwnerChoicesResponse> {
    const [create] = await permissions.authorize(
      [{ permission: clusterCreatePermission }],
      { credentials },
    );
    if (create.result !== AuthorizeResult.ALLOW) {
      return { anyOwner: false, owners: [] };
    }
    const update = await decisions.decide(credentials, clusterUpdatePermission);
    const mayOperate = filterOf(update);
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
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

  async function authorizeBasic(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not ${permission.name}`,
      );
    }
  }

  /** Reads a cluster the caller may see; one they may not see is reported as missing. */
  async function readableCluster(req: express.Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const cluster = clusters.get(req.params.hub, req.params.name);
    try {
      await authorizeCluster(credentials, clusterReadPermission, cluster);
    } catch {
      throw new NotAllowedError(
        `${userOf(credentials)} may not read cluster '${cluster.name}'`,
      );
    }
    return { credentials, cluster };
  }

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  router.get('/owners', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body: OwnerChoicesResponse = await ownerChoices(credentials);
    res.json(body);
  });

  router.get('/hubs', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: HubListResponse = { items: await hubs.checkAll() };
    res.json(body);
  });

  router.get('/hubs/:hub/versions', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const hub = clusters.hub(req.params.hub);
    const body: HubVersionsResponse = {
      hub: hub.name,
      versions: hub.releases.map(r => ({ version: r.version })),
    };
    res.json(body);
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(listClustersQuerySchema, req.query);
    const allowed = await clusterFilter(credentials, clusterReadPermission);
    res
      .type('json')
      .send(listResponseJson.write(clusters.cache.list(query, allowed)));
  });

  router.post('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorizeBasic(credentials, clusterCreatePermission);
    const { dryRun } = parse(dryRunQuerySchema, req.query);
    const authorizeOwner = async (spec: ClusterSpec) => {
      const mayOperate = await clusterFilter(
        credentials,
        clusterUpdatePermission,
      );
      if (!mayOperate({ owner: spec.owner })) {
        throw new NotAllowedError(
          `${userOf(credentials)} may not create a cluster owned by ${
            spec.owner
          }: only for an owner whose clusters they may operate`,
        );
      }
    };
    if (dryRun) {
      const { spec, planned } = await clusters.planCreation(
        req.body,
        authorizeOwner,
      );
      res.json(plannedView(spec.hub, spec.name, planned));
      return;
    }
    const operation = await clusters.create(
      req.body,
      userOf(credentials),
      authorizeOwner,
    );
    res.status(202).json(operation);
  });

  router.get('/clusters/:hub/:name', async (req, res) => {
    const { cluster } = await readableCluster(req);
    res.json(cluster);
  });

  router.patch('/clusters/:hub/:name', async (req, res) => {
    const { dryRun } = parse(dryRunQuerySchema, req.query);
    const change = parse(clusterChangeSchema, req.body);
    const { credentials, cluster } = await readableCluster(req);
    await authorizeCluster(credentials, clusterUpdatePermission, cluster);
    if (dryRun) {
      const planned = await clusters.planChangeOf(cluster, change);
      res.json(plannedView(cluster.hub, cluster.name, planned));
      return;
    }
    const operation = await clusters.change(
      cluster,
      change,
      userOf(credentials),
    );
    res.status(202).json(operation);
  });

  router.delete('/clusters/:hub/:name', async (req, res) => {
    const { dryRun } = parse(dryRunQuerySchema, req.query);
    const { credentials, cluster } = await readableCluster(req);
    await authorizeCluster(credentials, clusterDeletePermission, cluster);
    if (dryRun) {
      const planned = await clusters.planDeletionOf(cluster);
      res.json(plannedView(cluster.hub, cluster.name, planned));
      return;
    }
    const operation = await clusters.delete(cluster, userOf(credentials));
    res.status(202).json(operation);
  });

  router.post('/clusters/:hub/:name/kubeconfig', async (req, res) => {
    const { credentials, cluster } = await readableCluster(req);
    await authorizeCluster(credentials, kubeconfigIssuePermission, cluster);
    const issued = await kubeconfigs.issue(
      cluster,
      credentials as BackstageCredentials<BackstageUserPrincipal>,
      req.body ?? {},
    );
    res.setHeader('Cache-Control', 'no-store');
    res.json(issued);
  });

  // For backend plugins only (the Kubernetes plugin): a user gets 403 whatever the cluster.
  router.post('/clusters/:hub/:name/service-credentials', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const cluster = clusters.get(req.params.hub, req.params.name);
    await authorizeCluster(credentials, clusterReadPermission, cluster);
    const issued = await serviceCredentials.issue(cluster, credentials);
    res.setHeader('Cache-Control', 'no-store');
    res.json(issued);
  });

  router.get('/clusters/:hub/:name/kubeconfig-issuances', async (req, res) => {
    const { cluster } = await readableCluster(req);
    res.json({ items: await kubeconfigs.issuances(cluster) });
  });

  router.get('/operations', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(operationsQuerySchema, req.query);
    const cluster =
      query.hub && query.cluster
        ? clusters.cache.get(query.hub, query.cluster)
        : undefined;
    if (cluster) {
      await authorizeCluster(credentials, clusterReadPermission, cluster);
    } else {
      // Across clusters, operations are for those who may read every cluster.
      if (!(await mayReadAll(credentials))) {
        throw new NotAllowedError(
          'Listing operations across clusters, or of a cluster that is gone, needs read access to all clusters',
        );
      }
    }
    const body: ListOperationsResponse = await clusters.operations(query);
    res.json(body);
  });

  async function mayReadAll(credentials: BackstageCredentials) {
    const decision = await decisions.decide(credentials, clusterReadPermission);
    return decision.result === AuthorizeResult.ALLOW;
  }

  async function readableOperation(req: express.Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const operation = await clusters.operation(req.params.id);
    const cluster = clusters.cache.get(operation.hub, operation.cluster);
    // Without its cluster (a create not yet visible, a finished delete), an operation is visible
    // to whoever asked for it and to those who may read every cluster.
    if (cluster) {
      await authorizeCluster(credentials, clusterReadPermission, cluster);
    } else if (
      operation.createdBy !== userOf(credentials) &&
      !(await mayReadAll(credentials))
    ) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not read operations of cluster '${
          operation.cluster
        }', which is gone`,
      );
    }
    return { credentials, operation, cluster };
  }

  router.get('/operations/:id', async (req, res) => {
    const { operation } = await readableOperation(req);
    res.json(operation);
  });

  router.post('/operations/:id/retry', async (req, res) => {
    const { credentials, operation, cluster } = await readableOperation(req);
    const permission =
      operation.type === 'delete'
        ? clusterDeletePermission
        : clusterUpdatePermission;
    if (cluster) {
      await authorizeCluster(credentials, permission, cluster);
    } else if (
      operation.type !== 'create' ||
      !(await mayReadAll(credentials))
    ) {
      throw new NotAllowedError(
        `${userOf(credentials)} may not retry ${operation.id}`,
      );
    }
    res.status(202).json(await clusters.retry(operation.id));
  });

  router.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof ValidationError) {
        res.status(400).json({
          error: { name: 'InputError', message: error.message },
          issues: error.issues,
        });
        return;
      }
      // A hub or a tenant's API server that refused or did not answer only for now (a restart, a
      // 429) is the caller's to try again, not a fault of Hostplane's.
      const transient = transientHubError(error);
      if (transient) {
        if (transient.retryAfterMs !== undefined) {
          res.setHeader(
            'Retry-After',
            String(Math.ceil(transient.retryAfterMs / 1000)),
          );
        }
        next(
          new ServiceUnavailableError(
            `The Kubernetes API server Hostplane asked ${transient.reason}; try again shortly`,
          ),
        );
        return;
      }
      if ((error as { type?: string }).type === 'entity.parse.failed') {
        res.status(400).json({
          error: { name: 'InputError', message: `The body is not valid JSON` },
          issues: [{ path: [], message: 'the body is not valid JSON' }],
        });
        return;
      }
      next(error);
    },
  );

  return router;
}

/** What a dry run answers: the operation the request would start. */
function plannedView(
  hub: string,
  cluster: string,
  planned: PlannedOperation,
): PlannedOperationView {
  return { hub, cluster, type: planned.type, steps: planned.steps };
}

function userOf(credentials: BackstageCredentials): string {
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
