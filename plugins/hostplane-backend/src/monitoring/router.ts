import {
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  clusterMetricsQuerySchema,
  clusterMetricsRawQuerySchema,
} from '@hostplane/plugin-hostplane-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterAuthorizer } from '../service/ClusterAuthorizer';
import { ClusterService } from '../service/ClusterService';
import { ValidationError } from '../service/ValidationError';
import { ClusterMetrics } from './ClusterMetrics';
import { MetricsStore, MetricsStoreError } from './MetricsStore';
import { UnenforceableQueryError } from './promqlTenancy';

export interface MonitoringRouterOptions {
  metrics: ClusterMetrics;
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
 * `GET /clusters/:hub/:name/metrics` (named panels) and `GET /clusters/:hub/:name/metrics/query`
 * (one PromQL query): a cluster's control-plane metrics for whoever may read the cluster, never
 * another cluster's series.
 */
export function createMonitoringRouter(
  options: MonitoringRouterOptions,
): express.Router {
  const { metrics } = options;
  const authorizer = new ClusterAuthorizer(options);
  const router = Router();

  const storeOf = (hub: string): MetricsStore => {
    const store = metrics.store(hub);
    if (!store) {
      throw new NotFoundError(
        `Hub '${hub}' has no metrics store (hostplane.hubs[].monitoring)`,
      );
    }
    return store;
  };

  router.get('/clusters/:hub/:name/metrics', async (req, res) => {
    const query = parse(clusterMetricsQuerySchema, req.query);
    const { cluster } = await authorizer.readableCluster(req);
    const store = storeOf(cluster.hub);
    res.json(await metrics.panels(store, cluster, query.panels, query.range));
  });

  router.get('/clusters/:hub/:name/metrics/query', async (req, res) => {
    const query = parse(clusterMetricsRawQuerySchema, req.query);
    const { cluster } = await authorizer.readableCluster(req);
    const store = storeOf(cluster.hub);
    try {
      res.json(await metrics.query(store, cluster, query.query, query.range));
    } catch (error) {
      if (error instanceof UnenforceableQueryError) {
        throw new InputError(error.message);
      }
      if (error instanceof MetricsStoreError) {
        throw error.refused
          ? new InputError(error.message)
          : new ServiceUnavailableError(`${error.message}; try again shortly`);
      }
      throw error;
    }
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
      next(error);
    },
  );
  return router;
}
