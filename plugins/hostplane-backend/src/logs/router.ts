import {
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  LogPodsResponse,
  TenantEventsResponse,
  auditSearchQuerySchema,
  liveLogQuerySchema,
  logSearchQuerySchema,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterAuthorizer, userOf } from '../service/ClusterAuthorizer';
import { ClusterService } from '../service/ClusterService';
import { ValidationError } from '../service/ValidationError';
import { ControlPlaneLogs } from './ControlPlaneLogs';
import { LogSearch } from './LogSearch';
import { readLogStores } from './logStores';
import { relayLog, serverSentEvent } from './relayLog';
import { TooManySearchesError } from './SearchRateLimiter';
import { TenantEvents } from './TenantEvents';

export interface LogsRouterOptions {
  config: RootConfigService;
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  clusters: ClusterService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  /** How long a caller's permission decision is reused. */
  decisionTtlMs: number;
  /** How often an idle live stream sends a comment, so that proxies keep it open. */
  keepAliveMs?: number;
}

/** How long a live log waits for the hub's answer before it starts its stream regardless. */
const HUB_ANSWER_WAIT_MS = 1_000;

/** A live stream with more than this waiting to be sent skips its keep-alive comment. */
const KEEP_ALIVE_SKIP_BYTES = 64 * 1024;

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

/**
 * A cluster's control-plane logs, for whoever may read the cluster: its log pods, a live log
 * streamed as server-sent events, search and audit events from the hub's log store, and the
 * tenant's Kubernetes events; every line redacted.
 */
export function createLogsRouter(options: LogsRouterOptions): express.Router {
  const router = Router();
  const authorizer = new ClusterAuthorizer(options);
  const logs = new ControlPlaneLogs(options.hubs, options.providers);
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const search = new LogSearch(readLogStores(options.config));
  const events = new TenantEvents(options.hubs, options.providers);

  router.get('/clusters/:hub/:name/logs/store', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    res.json(await search.status(cluster));
  });

  router.get('/clusters/:hub/:name/logs/search', async (req, res) => {
    const query = parse(logSearchQuerySchema, req.query);
    const { credentials, cluster } = await authorizer.readableCluster(req);
    res.json(await search.search(cluster, query, userOf(credentials)));
  });

  router.get('/clusters/:hub/:name/logs/hits', async (req, res) => {
    const query = parse(logSearchQuerySchema, req.query);
    const { credentials, cluster } = await authorizer.readableCluster(req);
    res.json(await search.hits(cluster, query, userOf(credentials)));
  });

  router.get('/clusters/:hub/:name/logs/audit', async (req, res) => {
    const query = parse(auditSearchQuerySchema, req.query);
    const { credentials, cluster } = await authorizer.readableCluster(req);
    res.json(await search.audit(cluster, query, userOf(credentials)));
  });

  router.get('/clusters/:hub/:name/logs/events', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    const body: TenantEventsResponse = { items: await events.list(cluster) };
    res.json(body);
  });

  router.get('/clusters/:hub/:name/logs/pods', async (req, res) => {
    const { cluster } = await authorizer.readableCluster(req);
    const body: LogPodsResponse = { items: await logs.pods(cluster) };
    res.json(body);
  });

  router.get('/clusters/:hub/:name/logs/live', async (req, res) => {
    const query = parse(liveLogQuerySchema, req.query);
    const { cluster } = await authorizer.readableCluster(req);
    // Refusals (no such pod, no previous container) are answered as errors, before the stream.
    // A followed log with no lines yet may keep the hub from answering at all until its first
    // line: after a moment the stream starts anyway, and a late refusal is an `error` event.
    const opening = logs.open(cluster, query);
    const answered = await Promise.race([
      opening.then(
        () => true,
        () => true,
      ),
      new Promise<false>(resolve =>
        setTimeout(() => resolve(false), HUB_ANSWER_WAIT_MS),
      ),
    ]);
    if (answered) await opening;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform keeps compression from holding lines back until a buffer fills.
      'Cache-Control': 'no-cache, no-store, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    let source: Awaited<typeof opening>;
    try {
      source = await opening;
    } catch (error) {
      res.end(serverSentEvent('error', { message: (error as Error).message }));
      return;
    }
    if (res.destroyed) {
      // The reader left while the hub was answering.
      source.destroy();
      return;
    }
    const keepAlive = setInterval(() => {
      if (res.writableLength < KEEP_ALIVE_SKIP_BYTES)
        res.write(': keep-alive\n\n');
    }, keepAliveMs);
    res.on('close', () => {
      clearInterval(keepAlive);
      source.destroy();
    });
    try {
      await relayLog(source, res);
      if (!res.destroyed) res.write(serverSentEvent('end', {}));
    } catch (error) {
      if (!res.destroyed) {
        res.write(
          serverSentEvent('error', {
            message: `The hub ended the log: ${(error as Error).message}`,
          }),
        );
      }
    } finally {
      clearInterval(keepAlive);
      res.end();
    }
  });

  router.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof TooManySearchesError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        res.status(429).json({
          error: { name: error.name, message: error.message },
        });
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
