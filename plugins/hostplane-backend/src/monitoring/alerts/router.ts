import { timingSafeEqual } from 'node:crypto';
import {
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import {
  AlertSilenceResponse,
  AlertSummaryResponse,
  ClusterAlertSummary,
  ClusterAlertsResponse,
  alertSilenceRequestSchema,
  clusterReadPermission,
  clusterUpdatePermission,
} from '@hostplane/plugin-hostplane-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterAuthorizer, userOf } from '../../service/ClusterAuthorizer';
import { ClusterService } from '../../service/ClusterService';
import { ValidationError } from '../../service/ValidationError';
import { AlertmanagerConfig } from '../config';
import { AlertmanagerClient } from './AlertmanagerClient';
import { AlertStore, StoredAlert, webhookPayloadSchema } from './AlertStore';

/** How many open threat alerts a cluster has. */
export interface ClusterThreatCount {
  hub: string;
  cluster: string;
  count: number;
}

/** Where each hub's Alertmanager posts; unauthenticated for Backstage, checked by its token. */
export const ALERT_WEBHOOK_PATH = '/alerts/webhook';

export interface AlertsRouterOptions {
  alertmanagers: Map<string, AlertmanagerConfig>;
  store: AlertStore;
  clusters: ClusterService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  decisionTtlMs: number;
  logger: LoggerService;
  /** Told of each alert that begins firing (once per alert). */
  onFiring?: (hub: string, alerts: StoredAlert[]) => void;
  /** Each cluster's open threat alerts, for the summary; none when threat detection is off. */
  openThreats?: () => Promise<ClusterThreatCount[]>;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The alerts of each cluster: Alertmanager's webhook in (`POST /alerts/webhook/:hub`, with the
 * hub's token), and for whoever may read the cluster `GET /clusters/:hub/:name/alerts`; for the
 * Clusters page, `GET /alerts/summary`: what fires on every cluster the caller may read; silencing
 * (through Alertmanager, for 5 minutes to a week, with a comment) and acknowledging for whoever may
 * change it, each recorded with who did it.
 */
export function createAlertsRouter(
  options: AlertsRouterOptions,
): express.Router {
  const { alertmanagers, store, logger } = options;
  const authorizer = new ClusterAuthorizer(options);
  const router = Router();
  router.use(express.json({ limit: '5mb' }));

  const alertmanagerOf = (hub: string) => {
    const config = alertmanagers.get(hub);
    if (!config) {
      throw new NotFoundError(
        `Hub '${hub}' has no Alertmanager (hostplane.hubs[].monitoring.alertmanager)`,
      );
    }
    return { config, client: new AlertmanagerClient(config.url) };
  };

  router.post(`${ALERT_WEBHOOK_PATH}/:hub`, async (req, res) => {
    const { config } = alertmanagerOf(req.params.hub);
    const expected = config.webhookToken();
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!expected || !given || !sameToken(given, expected)) {
      // The token is never logged or echoed.
      throw new AuthenticationError(
        `The alert webhook of hub '${req.params.hub}' needs its token`,
      );
    }
    const payload = parse(webhookPayloadSchema, req.body);
    const started = await store.receive(req.params.hub, payload.alerts);
    if (started.length > 0) options.onFiring?.(req.params.hub, started);
    logger.debug(
      `hub ${req.params.hub}: ${payload.alerts.length} alert(s) received, ${started.length} new`,
    );
    res.status(204).end();
  });

  /**
   * The fingerprints Alertmanager holds silenced, per hub: one call per hub whatever the number
   * of clusters. A hub whose Alertmanager does not answer counts its alerts as not silenced (the
   * badge then shows more, never less, than fires).
   */
  const silencedIn = async (hubs: string[]) => {
    const silenced = new Set<string>();
    await Promise.all(
      hubs.map(async hub => {
        const config = alertmanagers.get(hub);
        if (!config) return;
        try {
          for (const alert of await new AlertmanagerClient(
            config.url,
          ).hubAlerts(hub)) {
            if (
              alert.status.state === 'suppressed' &&
              alert.status.silencedBy.length > 0
            ) {
              silenced.add(`${hub}/${alert.fingerprint}`);
            }
          }
        } catch (error) {
          logger.warn(
            `alert summary: the Alertmanager of hub ${hub} did not say what is silenced: ${error}`,
          );
        }
      }),
    );
    return silenced;
  };

  router.get('/alerts/summary', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const readable = await authorizer.clusterFilter(
      credentials,
      clusterReadPermission,
    );
    const mayRead = (hub: string, cluster: string) => {
      try {
        return readable(options.clusters.get(hub, cluster));
      } catch {
        // A deleted cluster's alerts are nobody's badge.
        return false;
      }
    };
    const [firing, threats] = await Promise.all([
      store.firing(),
      options.openThreats?.() ?? [],
    ]);
    const summaries = new Map<string, ClusterAlertSummary>();
    const summaryOf = (hub: string, cluster: string) => {
      const key = `${hub}/${cluster}`;
      let summary = summaries.get(key);
      if (!summary) {
        summary = {
          hub,
          cluster,
          firing: { critical: 0, warning: 0, info: 0 },
          silenced: 0,
          openThreats: 0,
        };
        summaries.set(key, summary);
      }
      return summary;
    };
    const readableFiring = firing.filter(a => mayRead(a.hub, a.cluster));
    const silenced = await silencedIn([
      ...new Set(readableFiring.map(a => a.hub)),
    ]);
    for (const alert of readableFiring) {
      const summary = summaryOf(alert.hub, alert.cluster);
      if (silenced.has(`${alert.hub}/${alert.fingerprint}`)) {
        summary.silenced += 1;
      } else if (alert.severity === 'critical' || alert.severity === 'info') {
        summary.firing[alert.severity] += 1;
      } else {
        // Rules name no other severity; anything else is at least worth a look.
        summary.firing.warning += 1;
      }
    }
    for (const { hub, cluster, count } of threats) {
      if (count > 0 && mayRead(hub, cluster)) {
        summaryOf(hub, cluster).openThreats = count;
      }
    }
    const body: AlertSummaryResponse = {
      items: [...summaries.values()].sort(
        (a, b) =>
          a.hub.localeCompare(b.hub) || a.cluster.localeCompare(b.cluster),
      ),
    };
    res.json(body);
  });

  router.get('/clusters/:hub/:name/alerts', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    const { client } = alertmanagerOf(cluster.hub);
    const statuses = new Map(
      (await client.clusterAlerts(cluster.hub, cluster.name)).map(a => [
        a.fingerprint,
        a.status,
      ]),
    );
    const body: ClusterAlertsResponse = {
      items: (await store.list(cluster.hub, cluster.name)).map(alert => {
        const status = statuses.get(alert.fingerprint);
        const silenced =
          alert.state === 'firing' &&
          status?.state === 'suppressed' &&
          status.silencedBy.length > 0;
        const { silencedBy, ...rest } = alert;
        return {
          ...rest,
          silenced,
          ...(silenced && silencedBy ? { silencedBy } : {}),
        };
      }),
    };
    res.json(body);
  });

  const changeableAlert = async (req: express.Request) => {
    const { credentials, cluster } = await authorizer.readableCluster(req, [
      'user',
    ]);
    await authorizer.authorizeCluster(
      credentials,
      clusterUpdatePermission,
      cluster,
    );
    return { credentials, cluster };
  };

  router.post('/clusters/:hub/:name/alerts/silences', async (req, res) => {
    const request = parse(alertSilenceRequestSchema, req.body);
    const { credentials, cluster } = await changeableAlert(req);
    const alert = await store.get(
      cluster.hub,
      cluster.name,
      request.fingerprint,
    );
    if (!alert) {
      throw new NotFoundError(
        `Cluster '${cluster.name}' has no alert ${request.fingerprint}`,
      );
    }
    const { client } = alertmanagerOf(cluster.hub);
    const createdBy = userOf(credentials);
    const endsAt = new Date(Date.now() + request.durationMinutes * 60_000);
    // Every label of the alert: the silence holds this alert of this cluster and nothing else.
    const silenceId = await client.silence({
      labels: alert.labels,
      endsAt,
      createdBy,
      comment: request.comment,
    });
    await store.silenced(cluster.hub, cluster.name, alert, createdBy);
    const body: AlertSilenceResponse = {
      silenceId,
      endsAt: endsAt.toISOString(),
      createdBy,
    };
    res.status(201).json(body);
  });

  router.post(
    '/clusters/:hub/:name/alerts/:fingerprint/acknowledge',
    async (req, res) => {
      const { credentials, cluster } = await changeableAlert(req);
      const alert = await store.get(
        cluster.hub,
        cluster.name,
        req.params.fingerprint,
      );
      if (!alert) {
        throw new NotFoundError(
          `Cluster '${cluster.name}' has no alert ${req.params.fingerprint}`,
        );
      }
      await store.acknowledge(
        cluster.hub,
        cluster.name,
        alert,
        userOf(credentials),
      );
      res.status(204).end();
    },
  );

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
