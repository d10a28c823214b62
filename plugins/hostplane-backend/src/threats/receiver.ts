import { k8sAuditEventListSchema } from '@hostplane/plugin-hostplane-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { ClusterRef } from './detector';
import type { AuditWebhookCredentials } from './webhookCredentials';

/** Where tenants post their audit events: `<plugin base>/threats/audit/<hub>/<cluster>`. */
export const AUDIT_WEBHOOK_PATH = '/threats/audit';

export interface AuditReceiverOptions {
  credentials: AuditWebhookCredentials;
  /** Stores a batch durably; resolves once it would survive a crash. */
  store: (
    cluster: ClusterRef,
    events: import('@hostplane/plugin-hostplane-common').K8sAuditEvent[],
  ) => Promise<number>;
  /** Events received and not yet through detection. */
  backlog: () => number;
  /** Tells detection how many events were stored for it. */
  wake: (stored: number) => void;
  logger: LoggerService;
  /** The largest batch accepted, in bytes (a kube-apiserver's default batch is far smaller). */
  maxBatchBytes?: number;
  /** Backlog above which posts are refused with 429 until detection catches up. */
  maxBacklog?: number;
  /** Posts being stored at once above which new ones get 429. */
  maxInFlight?: number;
}

export const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_BACKLOG = 50_000;
const DEFAULT_MAX_IN_FLIGHT = 32;
const RETRY_AFTER_SECONDS = 2;

function problem(res: express.Response, status: number, message: string) {
  res.status(status).json({ error: { name: 'AuditWebhookError', message } });
}

/**
 * The audit webhook receiver. It checks the cluster's credential, refuses malformed or
 * oversized batches with 4xx, stores the batch before answering 200, and answers 429 with
 * Retry-After when detection is behind, so memory stays bounded and the API server retries.
 */
export function createAuditReceiver(
  options: AuditReceiverOptions,
): express.Router {
  const maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  let inFlight = 0;
  const router = Router();

  const busy = (res: express.Response) => {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    problem(res, 429, 'Detection is behind; retry later');
  };

  router.post(
    `${AUDIT_WEBHOOK_PATH}/:hub/:cluster`,
    // Credentials and load are checked before the body is read: a refused post costs nothing.
    (req, res, next) => {
      const cluster = { hub: req.params.hub, name: req.params.cluster };
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!token || !options.credentials.verify(cluster, token)) {
        problem(res, 401, "Not this cluster's audit webhook credential");
        return;
      }
      if (options.backlog() >= maxBacklog || inFlight >= maxInFlight) {
        busy(res);
        return;
      }
      next();
    },
    express.raw({
      type: () => true,
      limit: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    }),
    async (req, res) => {
      const cluster = { hub: req.params.hub, name: req.params.cluster };
      let body: unknown;
      try {
        body = JSON.parse(
          Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
        );
      } catch {
        problem(res, 400, 'The body is not JSON');
        return;
      }
      const parsed = k8sAuditEventListSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        problem(
          res,
          400,
          `Not an audit.k8s.io/v1 EventList: ${issue.path.join('.')}: ${
            issue.message
          }`,
        );
        return;
      }
      inFlight += 1;
      let stored: number;
      try {
        stored = await options.store(cluster, parsed.data.items);
      } catch (error) {
        options.logger.warn(
          `Could not store ${parsed.data.items.length} audit events of ${
            cluster.hub
          }/${cluster.name}: ${(error as Error).message}`,
        );
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        problem(res, 503, 'The events could not be stored; retry later');
        return;
      } finally {
        inFlight -= 1;
      }
      options.wake(stored);
      res.status(200).json({ accepted: parsed.data.items.length });
    },
  );

  // The body parser's refusals (too large, bad encoding, aborted) are the client's: 4xx.
  router.use(
    (
      error: Error & { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      const status =
        error.status && error.status >= 400 && error.status < 500
          ? error.status
          : 400;
      problem(
        res,
        status,
        error.type === 'entity.too.large'
          ? 'The batch is too large'
          : 'The request could not be read',
      );
    },
  );
  return router;
}
