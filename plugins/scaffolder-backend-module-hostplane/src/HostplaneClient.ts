import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterChange,
  ClusterSpecInput,
  ClusterStatus,
  Operation,
  PlannedOperationView,
} from '@hostplane/plugin-hostplane-common';

/** One problem with a request, at the path of the field it is about (as the Hostplane API reports it). */
export interface FieldIssue {
  path: Array<string | number>;
  message: string;
}

export function describeIssues(issues: FieldIssue[]): string {
  return issues
    .map(issue =>
      issue.path.length
        ? `${issue.path.join('.')}: ${issue.message}`
        : issue.message,
    )
    .join('; ');
}

/** Bad input found before anything is sent: every field issue with its path, as the API reports them. */
export class FieldIssuesError extends InputError {
  constructor(message: string, readonly issues: FieldIssue[]) {
    super(message);
  }
}

/** Keeps a proxy's error page from flooding the task log. */
function truncate(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/**
 * A refusal as a task error: what was asked, the API's own message (or, for bad input, each field
 * issue with its path) and the status. It stays a ResponseError, so the status and the API's
 * error (as `cause`) remain there for code that looks.
 */
async function refusal(
  response: Response,
  what: string,
): Promise<ResponseError> {
  const issues = await response
    .clone()
    .json()
    .then(body =>
      Array.isArray(body?.issues) ? (body.issues as FieldIssue[]) : undefined,
    )
    .catch(() => undefined);
  const error = await ResponseError.fromResponse(response);
  const detail = issues?.length
    ? describeIssues(issues)
    : truncate(error.cause.message);
  error.message = `Could not ${what}: ${detail} (Hostplane answered ${error.statusCode})`;
  // The scaffolder logs a failed step's stack, whose first line must be this message too.
  Error.captureStackTrace(error, refusal);
  return error;
}

/**
 * A refusal, with the same message, as the error Backstage's error handler answers with the same
 * status (a ResponseError becomes a 500 there): for what is answered over HTTP, as a dry run is.
 */
function withRefusalStatus(error: unknown): unknown {
  if (!(error instanceof ResponseError)) return error;
  switch (error.statusCode) {
    case 400:
      return new InputError(error.message);
    case 403:
      return new NotAllowedError(error.message);
    case 404:
      return new NotFoundError(error.message);
    case 409:
      return new ConflictError(error.message);
    case 503:
      return new ServiceUnavailableError(error.message);
    default:
      return error;
  }
}

/**
 * How often a submitted create, change or delete that Hostplane refuses only for now (503: its hub
 * not listed yet since a restart, or not answering) is sent again, and the longest wait between
 * two tries. With waits of 1, 2, 4, 8, 16 and 30 s, or the Retry-After Hostplane gives, a task
 * rides out about a minute of it. A 503 means nothing was started, so sending again is safe.
 */
export const UNAVAILABLE_RETRIES = 6;
const MAX_RETRY_WAIT_MS = 30_000;

function retryWaitMs(response: Response, retry: number): number {
  const retryAfter = Number(response.headers.get('retry-after'));
  const wait =
    Number.isFinite(retryAfter) && response.headers.has('retry-after')
      ? retryAfter * 1000
      : 1000 * 2 ** (retry - 1);
  return Math.min(wait, MAX_RETRY_WAIT_MS);
}

/**
 * The Hostplane API, called on behalf of the task's initiator: the user's own permissions decide
 * what the actions may do.
 */
export class HostplaneClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      credentials: BackstageCredentials;
      signal?: AbortSignal;
      /** Where a submitted request that is tried again says so: the task's log. */
      logger?: LoggerService;
    },
  ) {}

  createCluster(spec: ClusterSpecInput): Promise<Operation> {
    return this.submit(
      `create cluster '${spec.name}' on hub '${spec.hub}'`,
      'POST',
      '/clusters',
      spec,
    );
  }

  /** Every check `createCluster` would make, as a dry run of the API: nothing is started. */
  planCluster(spec: ClusterSpecInput): Promise<PlannedOperationView> {
    return this.dryRun(
      `create cluster '${spec.name}' on hub '${spec.hub}' (dry run)`,
      'POST',
      '/clusters?dryRun=true',
      spec,
    );
  }

  changeCluster(
    hub: string,
    name: string,
    change: ClusterChange,
  ): Promise<Operation> {
    return this.submit(
      `${change.action} cluster '${name}' on hub '${hub}'`,
      'PATCH',
      clusterPath(hub, name),
      change,
    );
  }

  /** Every check `changeCluster` would make, as a dry run of the API: nothing is started. */
  planChange(
    hub: string,
    name: string,
    change: ClusterChange,
  ): Promise<PlannedOperationView> {
    return this.dryRun(
      `${change.action} cluster '${name}' on hub '${hub}' (dry run)`,
      'PATCH',
      `${clusterPath(hub, name)}?dryRun=true`,
      change,
    );
  }

  /** Every check `deleteCluster` would make, as a dry run of the API: nothing is started. */
  planDeletion(hub: string, name: string): Promise<PlannedOperationView> {
    return this.dryRun(
      `delete cluster '${name}' on hub '${hub}' (dry run)`,
      'DELETE',
      `${clusterPath(hub, name)}?dryRun=true`,
    );
  }

  deleteCluster(hub: string, name: string): Promise<Operation> {
    return this.submit(
      `delete cluster '${name}' on hub '${hub}'`,
      'DELETE',
      clusterPath(hub, name),
    );
  }

  getCluster(hub: string, name: string): Promise<ClusterStatus> {
    return this.request(
      `show cluster '${name}' on hub '${hub}'`,
      'GET',
      clusterPath(hub, name),
    );
  }

  getOperation(id: string): Promise<Operation> {
    return this.request(
      `show operation ${id}`,
      'GET',
      `/operations/${encodeURIComponent(id)}`,
    );
  }

  /** A dry run's refusal keeps its status when the scaffolder answers a dry run over HTTP. */
  private dryRun(
    what: string,
    method: string,
    path: string,
    body?: object,
  ): Promise<PlannedOperationView> {
    return this.request<PlannedOperationView>(what, method, path, body).catch(
      error => {
        throw withRefusalStatus(error);
      },
    );
  }

  /**
   * A create, change or delete: sent again while Hostplane refuses it only for now (see
   * {@link UNAVAILABLE_RETRIES}). A dry run is not: it answers a form, which should say at once.
   */
  private async submit(
    what: string,
    method: string,
    path: string,
    body?: object,
  ): Promise<Operation> {
    const { logger, signal } = this.options;
    for (let retry = 1; ; retry++) {
      const response = await this.send(what, method, path, body);
      if (response.ok) return response.json();
      const error = await refusal(response, what);
      if (response.status !== 503 || retry > UNAVAILABLE_RETRIES) throw error;
      const waitMs = retryWaitMs(response, retry);
      logger?.warn(
        `${error.message}; trying again in ${Math.round(
          waitMs / 1000,
        )} s (retry ${retry} of ${UNAVAILABLE_RETRIES})`,
      );
      await sleep(waitMs, undefined, { signal });
    }
  }

  private async request<T>(
    what: string,
    method: string,
    path: string,
    body?: object,
  ): Promise<T> {
    const response = await this.send(what, method, path, body);
    if (!response.ok) throw await refusal(response, what);
    return response.json();
  }

  private async send(
    what: string,
    method: string,
    path: string,
    body?: object,
  ): Promise<Response> {
    const { discovery, auth, credentials, signal } = this.options;
    const baseUrl = await discovery.getBaseUrl('hostplane');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'hostplane',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal,
    }).catch(error => {
      if (signal?.aborted) throw error;
      // Not passed on as the cause: its message is already here, and a cause would add "fetch failed".
      throw new ServiceUnavailableError(
        `Could not reach Hostplane to ${what}: ${
          error.cause?.message ?? error.message
        }`,
      );
    });
    return response;
  }
}

function clusterPath(hub: string, name: string): string {
  return `/clusters/${encodeURIComponent(hub)}/${encodeURIComponent(name)}`;
}
