import {
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ClusterSpec,
  ClusterStatus,
  HubListResponse,
  HubVersionsResponse,
  ListOperationsResponse,
  OwnerChoicesResponse,
  PlannedOperationView,
  backupRestorePermission,
  clusterCreatePermission,
  clusterDeletePermission,
  clusterReadPermission,
  clusterChangeSchema,
  kubeconfigIssuePermission,
  listClustersQuerySchema,
} from '@hostplane/plugin-hostplane-common';
import { transientHubError } from '@hostplane/plugin-hostplane-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { changePermission } from '../backups/router';
import { KubeconfigService } from '../kubeconfig/KubeconfigService';
import { ServiceCredentialService } from '../kubeconfig/ServiceCredentialService';
import { PlannedOperation } from '../operations/plan';
import { ClusterAuthorizer, userOf } from './ClusterAuthorizer';
import { ClusterService } from './ClusterService';
import { HubStatusChecker } from './HubStatusChecker';
import { ListResponseJson } from './ListResponseJson';
import { openApiDocument } from './openapi';
import { ValidationError } from './ValidationError';

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
  decisionTtlMs: number;
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

  const authorizer = new ClusterAuthorizer({
    clusters,
    httpAuth,
    permissions,
    permissionsRegistry,
    userInfo,
    decisionTtlMs,
  });
  const listResponseJson = new ListResponseJson();

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  router.get('/owners', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body: OwnerChoicesResponse = await authorizer.ownerChoices(
      credentials,
    );
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
    const allowed = await authorizer.clusterFilter(
      credentials,
      clusterReadPermission,
    );
    res
      .type('json')
      .send(listResponseJson.write(clusters.cache.list(query, allowed)));
  });

  router.post('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorizer.authorizeBasic(credentials, clusterCreatePermission);
    const { dryRun } = parse(dryRunQuerySchema, req.query);
    const authorizeOwner = (spec: ClusterSpec) =>
      authorizer.authorizeOwner(credentials, spec.owner);
    // A cluster made from a backup: its maker may read the source and restore its backups.
    const authorizeRestore = async (source: ClusterStatus) => {
      await authorizer.authorizeCluster(
        credentials,
        clusterReadPermission,
        source,
      );
      await authorizer.authorizeCluster(
        credentials,
        backupRestorePermission,
        source,
      );
    };
    if (dryRun) {
      const { spec, planned } = await clusters.planCreation(
        req.body,
        authorizeOwner,
        { user: userOf(credentials), authorizeRestore },
      );
      res.json(plannedView(spec.hub, spec.name, planned));
      return;
    }
    const operation = await clusters.create(
      req.body,
      userOf(credentials),
      authorizeOwner,
      authorizeRestore,
    );
    res.status(202).json(operation);
  });

  router.get('/clusters/:hub/:name', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    const body: ClusterStatus = {
      ...cluster,
      capabilities: clusters.capabilities(cluster.hub),
    };
    res.json(body);
  });

  router.patch('/clusters/:hub/:name', async (req, res) => {
    const { dryRun } = parse(dryRunQuerySchema, req.query);
    const change = parse(clusterChangeSchema, req.body);
    const { credentials, cluster } = await authorizer.readableCluster(req);
    await authorizer.authorizeCluster(
      credentials,
      changePermission(change),
      cluster,
    );
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
    const { credentials, cluster } = await authorizer.readableCluster(req);
    await authorizer.authorizeCluster(
      credentials,
      clusterDeletePermission,
      cluster,
    );
    if (dryRun) {
      const planned = await clusters.planDeletionOf(cluster);
      res.json(plannedView(cluster.hub, cluster.name, planned));
      return;
    }
    const operation = await clusters.delete(cluster, userOf(credentials));
    res.status(202).json(operation);
  });

  // For people only: a kubeconfig is a user's, signed for their name and groups.
  router.post('/clusters/:hub/:name/kubeconfig', async (req, res) => {
    const { credentials, cluster } = await authorizer.readableCluster(req, [
      'user',
    ]);
    await authorizer.authorizeCluster(
      credentials,
      kubeconfigIssuePermission,
      cluster,
    );
    const issued = await kubeconfigs.issue(
      cluster,
      credentials,
      req.body ?? {},
    );
    res.setHeader('Cache-Control', 'no-store');
    res.json(issued);
  });

  // For backend plugins only (the Kubernetes plugin): a user gets 403 whatever the cluster.
  router.post('/clusters/:hub/:name/service-credentials', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const cluster = clusters.get(req.params.hub, req.params.name);
    await authorizer.authorizeCluster(
      credentials,
      clusterReadPermission,
      cluster,
    );
    const issued = await serviceCredentials.issue(cluster, credentials);
    res.setHeader('Cache-Control', 'no-store');
    res.json(issued);
  });

  router.get('/clusters/:hub/:name/kubeconfig-issuances', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    res.json({ items: await kubeconfigs.issuances(cluster) });
  });

  router.get('/operations', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(operationsQuerySchema, req.query);
    await authorizer.authorizeOperationList(credentials, query);
    const body: ListOperationsResponse = await clusters.operations(query);
    res.json(body);
  });

  router.get('/operations/:id', async (req, res) => {
    const { operation } = await authorizer.readableOperation(req);
    res.json(operation);
  });

  router.post('/operations/:id/retry', async (req, res) => {
    const { operation } = await authorizer.retryableOperation(req);
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
