import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ClusterChange,
  ClusterSpecInput,
  ClusterStatus,
  HubListResponse,
  HubVersionsResponse,
  ListClustersQuery,
  ListClustersResponse,
  ListBackupsResponse,
  ListKubeconfigIssuancesResponse,
  Operation,
  PlannedOperationView,
  ServiceCredentialResponse,
  serviceCredentialResponseSchema,
  clusterApiPath,
} from '@hostplane/plugin-hostplane-common';
import { refusal, withRefusalStatus } from './refusals';

/** How one call to the Hostplane API is made. */
export interface HostplaneRequestOptions {
  /**
   * On whose behalf: a user's or a scaffolder task initiator's credentials, whose permissions then
   * decide what the call may do. Left out, the calling plugin's own service credentials.
   */
  credentials?: BackstageCredentials;
  signal?: AbortSignal;
  /** Where a create, change or delete that is sent again says so (a task's log). */
  logger?: LoggerService;
}

/**
 * How often a create, change or delete that Hostplane refuses only for now (503: its hub not
 * listed yet since a restart, or not answering) is sent again, and the longest wait between two
 * tries. With waits of 1, 2, 4, 8, 16 and 30 s, or the Retry-After Hostplane gives, a caller rides
 * out about a minute of it. A 503 means nothing was started, so sending again is safe.
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
 * The Hostplane API (`/api/hostplane`) for backend plugins: one method per route, each with the
 * API's own types. A refusal is a ResponseError whose message says what was asked, why it was
 * refused (each field issue with its path) and the status; an API that does not answer is a
 * ServiceUnavailableError.
 */
export class HostplaneApiClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  /** Every configured hub, with whether it answers and what its provider supports. */
  listHubs(options?: HostplaneRequestOptions): Promise<HubListResponse> {
    return this.request('list hubs', 'GET', '/hubs', options);
  }

  /** The Kubernetes versions a hub offers for new clusters and upgrades. */
  listHubVersions(
    hub: string,
    options?: HostplaneRequestOptions,
  ): Promise<HubVersionsResponse> {
    return this.request(
      `list the versions of hub '${hub}'`,
      'GET',
      `/hubs/${encodeURIComponent(hub)}/versions`,
      options,
    );
  }

  /** One page of clusters, filtered and sorted by the API. */
  listClusters(
    query: ListClustersQuery,
    options?: HostplaneRequestOptions,
  ): Promise<ListClustersResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    return this.request('list clusters', 'GET', `/clusters?${params}`, options);
  }

  getCluster(
    hub: string,
    name: string,
    options?: HostplaneRequestOptions,
  ): Promise<ClusterStatus> {
    return this.request(
      `show cluster '${name}' on hub '${hub}'`,
      'GET',
      clusterApiPath(hub, name),
      options,
    );
  }

  /** The cluster's etcd backups, newest first, with its schedule and retention. */
  listBackups(
    hub: string,
    name: string,
    options?: HostplaneRequestOptions,
  ): Promise<ListBackupsResponse> {
    return this.request(
      `list the backups of cluster '${name}' on hub '${hub}'`,
      'GET',
      `${clusterApiPath(hub, name)}/backups`,
      options,
    );
  }

  createCluster(
    spec: ClusterSpecInput,
    options?: HostplaneRequestOptions,
  ): Promise<Operation> {
    return this.submit(
      `create cluster '${spec.name}' on hub '${spec.hub}'`,
      'POST',
      '/clusters',
      options,
      spec,
    );
  }

  /** Every check `createCluster` would make, as a dry run of the API: nothing is started. */
  planCluster(
    spec: ClusterSpecInput,
    options?: HostplaneRequestOptions,
  ): Promise<PlannedOperationView> {
    return this.dryRun(
      `create cluster '${spec.name}' on hub '${spec.hub}' (dry run)`,
      'POST',
      '/clusters?dryRun=true',
      options,
      spec,
    );
  }

  /** Starts one change (scale, upgrade, hibernate, ...) as an operation. */
  changeCluster(
    hub: string,
    name: string,
    change: ClusterChange,
    options?: HostplaneRequestOptions,
  ): Promise<Operation> {
    return this.submit(
      `${change.action} cluster '${name}' on hub '${hub}'`,
      'PATCH',
      clusterApiPath(hub, name),
      options,
      change,
    );
  }

  /** Every check `changeCluster` would make, as a dry run of the API: nothing is started. */
  planChange(
    hub: string,
    name: string,
    change: ClusterChange,
    options?: HostplaneRequestOptions,
  ): Promise<PlannedOperationView> {
    return this.dryRun(
      `${change.action} cluster '${name}' on hub '${hub}' (dry run)`,
      'PATCH',
      `${clusterApiPath(hub, name)}?dryRun=true`,
      options,
      change,
    );
  }

  deleteCluster(
    hub: string,
    name: string,
    options?: HostplaneRequestOptions,
  ): Promise<Operation> {
    return this.submit(
      `delete cluster '${name}' on hub '${hub}'`,
      'DELETE',
      clusterApiPath(hub, name),
      options,
    );
  }

  /** Every check `deleteCluster` would make, as a dry run of the API: nothing is started. */
  planDeletion(
    hub: string,
    name: string,
    options?: HostplaneRequestOptions,
  ): Promise<PlannedOperationView> {
    return this.dryRun(
      `delete cluster '${name}' on hub '${hub}' (dry run)`,
      'DELETE',
      `${clusterApiPath(hub, name)}?dryRun=true`,
      options,
    );
  }

  getOperation(
    id: string,
    options?: HostplaneRequestOptions,
  ): Promise<Operation> {
    return this.request(
      `show operation ${id}`,
      'GET',
      `/operations/${encodeURIComponent(id)}`,
      options,
    );
  }

  /** Runs a failed operation again from its failed step; answers with it, running again. */
  retryOperation(
    id: string,
    options?: HostplaneRequestOptions,
  ): Promise<Operation> {
    return this.request(
      `retry operation ${id}`,
      'POST',
      `/operations/${encodeURIComponent(id)}/retry`,
      options,
    );
  }

  /** The kubeconfigs handed out for a cluster, as recorded (never the credentials). */
  listKubeconfigIssuances(
    hub: string,
    name: string,
    options?: HostplaneRequestOptions,
  ): Promise<ListKubeconfigIssuancesResponse> {
    return this.request(
      `list the kubeconfigs issued for cluster '${name}' on hub '${hub}'`,
      'GET',
      `${clusterApiPath(hub, name)}/kubeconfig-issuances`,
      options,
    );
  }

  /**
   * A short-lived, read-only client certificate for the tenant, issued to the calling plugin (the
   * API refuses users). Checked against its schema: it goes straight into TLS connections, where
   * a malformed one would fail far from here.
   */
  async issueServiceCredential(
    hub: string,
    name: string,
    options?: HostplaneRequestOptions,
  ): Promise<ServiceCredentialResponse> {
    const body = await this.request(
      `issue a service credential for cluster '${name}' on hub '${hub}'`,
      'POST',
      `${clusterApiPath(hub, name)}/service-credentials`,
      options,
    );
    return serviceCredentialResponseSchema.parse(body);
  }

  /** A dry run's refusal keeps its status when the caller answers a dry run over HTTP. */
  private dryRun(
    what: string,
    method: string,
    path: string,
    options: HostplaneRequestOptions | undefined,
    body?: object,
  ): Promise<PlannedOperationView> {
    return this.request<PlannedOperationView>(
      what,
      method,
      path,
      options,
      body,
    ).catch(error => {
      throw withRefusalStatus(error);
    });
  }

  /**
   * A create, change or delete: sent again while Hostplane refuses it only for now (see
   * {@link UNAVAILABLE_RETRIES}). A dry run is not: it answers a form, which should say at once.
   */
  private async submit(
    what: string,
    method: string,
    path: string,
    options: HostplaneRequestOptions | undefined,
    body?: object,
  ): Promise<Operation> {
    for (let retry = 1; ; retry++) {
      const response = await this.send(what, method, path, options, body);
      if (response.ok) return response.json();
      const error = await refusal(response, what);
      if (response.status !== 503 || retry > UNAVAILABLE_RETRIES) throw error;
      const waitMs = retryWaitMs(response, retry);
      options?.logger?.warn(
        `${error.message}; trying again in ${Math.round(
          waitMs / 1000,
        )} s (retry ${retry} of ${UNAVAILABLE_RETRIES})`,
      );
      await sleep(waitMs, undefined, { signal: options?.signal });
    }
  }

  private async request<T>(
    what: string,
    method: string,
    path: string,
    options: HostplaneRequestOptions | undefined,
    body?: object,
  ): Promise<T> {
    const response = await this.send(what, method, path, options, body);
    if (!response.ok) throw await refusal(response, what);
    return response.json();
  }

  private async send(
    what: string,
    method: string,
    path: string,
    options: HostplaneRequestOptions | undefined,
    body?: object,
  ): Promise<Response> {
    const { discovery, auth } = this.options;
    const signal = options?.signal;
    const baseUrl = await discovery.getBaseUrl('hostplane');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf:
        options?.credentials ?? (await auth.getOwnServiceCredentials()),
      targetPluginId: 'hostplane',
    });
    return fetch(`${baseUrl}${path}`, {
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
  }
}
