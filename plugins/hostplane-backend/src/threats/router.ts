import {
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ThreatAlert,
  alertFalsePositiveSchema,
  alertStatusChangeSchema,
  clusterReadPermission,
  clusterUpdatePermission,
  listThreatAlertsQuerySchema,
  responseActionRequestSchema,
  responsePolicySchema,
} from '@hostplane/plugin-hostplane-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterAuthorizer, userOf } from '../service/ClusterAuthorizer';
import { ClusterService } from '../service/ClusterService';
import { ValidationError } from '../service/ValidationError';
import { AlertTransitionError, transition } from './alerts';
import type { ResponseService } from './respond/ResponseService';
import type { ThreatDetection } from './ThreatDetection';

export interface ThreatsRouterOptions {
  threats: ThreatDetection;
  /** Threat response: policies, reports, actions. */
  responses: ResponseService;
  clusters: ClusterService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  decisionTtlMs: number;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

/**
 * Threat alerts: a cluster's for whoever may read it, changes to them for whoever may update
 * it, and every readable cluster's at once for the portal-wide Security page. Threat response
 * likewise: the policy, reports and actions are read with the cluster, and set, taken or
 * reverted by whoever may update it.
 */
export function createThreatsRouter(
  options: ThreatsRouterOptions,
): express.Router {
  const { threats, responses, clusters } = options;
  const authorizer = new ClusterAuthorizer(options);
  const router = Router();
  router.use('/clusters/:hub/:name/threats', express.json({ limit: '64kb' }));

  const alertOf = async (req: express.Request): Promise<ThreatAlert> => {
    const alert = await threats.store.getAlert(req.params.id);
    if (
      !alert ||
      alert.hub !== req.params.hub ||
      alert.cluster !== req.params.name
    ) {
      throw new NotFoundError(
        `No alert '${req.params.id}' on cluster '${req.params.name}'`,
      );
    }
    return alert;
  };

  router.get('/threats/alerts', async (req, res) => {
    const query = parse(listThreatAlertsQuerySchema, req.query);
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const readable = await authorizer.clusterFilter(
      credentials,
      clusterReadPermission,
    );
    const alerts = await threats.store.listAlerts({
      statuses: query.status,
      limit: Math.min(5000, (query.limit ?? 500) * 4),
    });
    const items = alerts
      .filter(alert => {
        try {
          return readable(clusters.get(alert.hub, alert.cluster));
        } catch {
          // A deleted cluster's alerts: for those who may read every cluster.
          return false;
        }
      })
      .slice(0, query.limit ?? 500);
    res.json({ items });
  });

  router.get('/clusters/:hub/:name/threats/alerts', async (req, res) => {
    const query = parse(listThreatAlertsQuerySchema, req.query);
    const { cluster } = await authorizer.readableCluster(req);
    const items = await threats.store.listAlerts({
      hub: cluster.hub,
      cluster: cluster.name,
      statuses: query.status,
      limit: query.limit,
    });
    res.json({ items });
  });

  router.get('/clusters/:hub/:name/threats/alerts/:id', async (req, res) => {
    await authorizer.readableCluster(req);
    res.json(await alertOf(req));
  });

  /** The cluster, once the caller is known to be allowed to change it. */
  const updatableCluster = async (req: express.Request) => {
    const { credentials } = await authorizer.readableCluster(req);
    const cluster = clusters.get(req.params.hub, req.params.name);
    await authorizer.authorizeCluster(
      credentials,
      clusterUpdatePermission,
      cluster,
    );
    return { cluster, by: userOf(credentials) };
  };

  /** Moves an alert through its lifecycle from its stored state; 404 if it is not this cluster's. */
  const changeAlert = async (
    req: express.Request,
    change: (alert: ThreatAlert) => ThreatAlert,
  ) => {
    await alertOf(req);
    const next = await threats.changeAlert(req.params.id, change);
    if (!next) throw new NotFoundError(`No alert '${req.params.id}'`);
    return next;
  };

  router.post(
    '/clusters/:hub/:name/threats/alerts/:id/status',
    async (req, res) => {
      const change = parse(alertStatusChangeSchema, req.body);
      const { by } = await updatableCluster(req);
      res.json(
        await changeAlert(req, alert =>
          transition(alert, change.status, by, new Date(), change.note),
        ),
      );
    },
  );

  router.post(
    '/clusters/:hub/:name/threats/alerts/:id/false-positive',
    async (req, res) => {
      const request = parse(alertFalsePositiveSchema, req.body);
      const { by } = await updatableCluster(req);
      const alert = await alertOf(req);
      // Refused before the exception is made, if the alert cannot become a false positive.
      transition(alert, 'falsePositive', by, new Date(), request.reason);
      await threats.addException(alert, request.scope, request.reason, by);
      res.json(
        await changeAlert(req, current =>
          transition(current, 'falsePositive', by, new Date(), request.reason),
        ),
      );
    },
  );

  router.get('/clusters/:hub/:name/threats/policy', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    res.json(await responses.policy(cluster.hub, cluster.name));
  });

  router.put('/clusters/:hub/:name/threats/policy', async (req, res) => {
    const policy = parse(responsePolicySchema, req.body);
    const { cluster, by } = await updatableCluster(req);
    res.json(await responses.setPolicy(cluster, policy, by));
  });

  router.get(
    '/clusters/:hub/:name/threats/alerts/:id/report',
    async (req, res) => {
      const { cluster } = await authorizer.readableCluster(req);
      res.json(await responses.report(cluster, await alertOf(req)));
    },
  );

  router.post(
    '/clusters/:hub/:name/threats/alerts/:id/actions',
    async (req, res) => {
      const actionRequest = parse(responseActionRequestSchema, req.body);
      const { cluster, by } = await updatableCluster(req);
      const alert = await alertOf(req);
      const action = await responses.act(cluster, alert, actionRequest, by);
      res.status(action.status === 'dryRun' ? 200 : 201).json(action);
    },
  );

  router.get('/clusters/:hub/:name/threats/actions', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    res.json({ items: await responses.actions(cluster) });
  });

  router.post(
    '/clusters/:hub/:name/threats/actions/:actionId/revert',
    async (req, res) => {
      const { cluster, by } = await updatableCluster(req);
      res.json(await responses.revert(cluster, req.params.actionId, by));
    },
  );

  router.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof AlertTransitionError) {
        res
          .status(409)
          .json({ error: { name: 'ConflictError', message: error.message } });
        return;
      }
      if (error instanceof ValidationError) {
        res.status(400).json({
          error: { name: 'InputError', message: error.message },
          issues: error.issues,
        });
        return;
      }
      next(error);
    },
  );
  return router;
}
