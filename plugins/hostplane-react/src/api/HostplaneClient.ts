import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  ClusterChange,
  ClusterStatus,
  HubListResponse,
  HubVersionsResponse,
  KubeconfigResponse,
  ListClustersQuery,
  ListClustersResponse,
  ListKubeconfigIssuancesResponse,
  ListOperationsResponse,
  Operation,
  OwnerChoicesResponse,
  clusterApiPath,
  ClusterSpecInput,
  EtcdHealthResponse,
  ListBackupsResponse,
  ClusterMetricsResponse,
  MetricPanelId,
  MetricsRange,
  AlertSilenceRequest,
  AlertSilenceResponse,
  AlertSummaryResponse,
  ClusterAlertsResponse,
  AuditSearchRequest,
  AuditSearchResponse,
  LiveLogEvent,
  LiveLogRequest,
  LogHitsResponse,
  LogPodsResponse,
  LogSearchRequest,
  LogSearchResponse,
  LogStoreStatus,
  TenantEventsResponse,
  AlertFalsePositive,
  AlertStatusChange,
  ClusterResponsePolicy,
  ListThreatAlertsResponse,
  ResponseAction,
  ResponseActionRequest,
  ResponsePolicy,
  ThreatAlert,
  ThreatReport,
} from '@hostplane/plugin-hostplane-common';
import {
  HostplaneApi,
  OperationsQuery,
  ThreatAlertsQuery,
} from './HostplaneApi';
import { responseError } from './responseError';
import { liveLogEvents } from './serverSentEvents';

/** `?status=a,b&limit=n` of the threat alert lists; unset fields left out. */
function threatAlertsQueryString(query: ThreatAlertsQuery = {}): string {
  return queryString({
    status: query.status?.length ? query.status.join(',') : undefined,
    limit: query.limit,
  });
}

/** Query parameters from a request object; unset fields left out. */
function queryString(request: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API path of one threat alert of a cluster. */
function threatAlertPath(hub: string, name: string, alertId: string): string {
  return `${clusterApiPath(hub, name)}/threats/alerts/${encodeURIComponent(
    alertId,
  )}`;
}

export class HostplaneClient implements HostplaneApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listHubs(): Promise<HubListResponse> {
    return this.get('/hubs');
  }

  async listOwnerChoices(): Promise<OwnerChoicesResponse> {
    return this.get('/owners');
  }

  async listClusters(query: ListClustersQuery): Promise<ListClustersResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    return this.get(`/clusters?${params}`);
  }

  async getCluster(hub: string, name: string): Promise<ClusterStatus> {
    return this.get(clusterApiPath(hub, name));
  }

  async changeCluster(
    hub: string,
    name: string,
    change: ClusterChange,
  ): Promise<Operation> {
    return this.send('PATCH', clusterApiPath(hub, name), change);
  }

  async deleteCluster(hub: string, name: string): Promise<Operation> {
    return this.send('DELETE', clusterApiPath(hub, name));
  }

  async listOperations(
    query: OperationsQuery,
  ): Promise<ListOperationsResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    return this.get(`/operations?${params}`);
  }

  async getOperation(id: string): Promise<Operation> {
    return this.get(`/operations/${encodeURIComponent(id)}`);
  }

  async retryOperation(id: string): Promise<Operation> {
    return this.send('POST', `/operations/${encodeURIComponent(id)}/retry`);
  }

  async issueKubeconfig(
    hub: string,
    name: string,
    request: { ttlHours: number },
  ): Promise<KubeconfigResponse> {
    return this.send(
      'POST',
      `${clusterApiPath(hub, name)}/kubeconfig`,
      request,
    );
  }

  async listKubeconfigIssuances(
    hub: string,
    name: string,
  ): Promise<ListKubeconfigIssuancesResponse> {
    return this.get(`${clusterApiPath(hub, name)}/kubeconfig-issuances`);
  }

  async listHubVersions(hub: string): Promise<HubVersionsResponse> {
    return this.get(`/hubs/${encodeURIComponent(hub)}/versions`);
  }

  async createCluster(spec: ClusterSpecInput): Promise<Operation> {
    return this.send('POST', '/clusters', spec);
  }

  async listBackups(hub: string, name: string): Promise<ListBackupsResponse> {
    return this.get(`${clusterApiPath(hub, name)}/backups`);
  }

  async getEtcdHealth(hub: string, name: string): Promise<EtcdHealthResponse> {
    return this.get(`${clusterApiPath(hub, name)}/etcd`);
  }

  async getClusterMetrics(
    hub: string,
    name: string,
    query: { range: MetricsRange; panels?: MetricPanelId[] },
  ): Promise<ClusterMetricsResponse> {
    const params = new URLSearchParams({ range: query.range });
    if (query.panels) params.set('panels', query.panels.join(','));
    return this.get(`${clusterApiPath(hub, name)}/metrics?${params}`);
  }

  async listClusterAlerts(
    hub: string,
    name: string,
  ): Promise<ClusterAlertsResponse> {
    return this.get(`${clusterApiPath(hub, name)}/alerts`);
  }

  async getAlertSummary(): Promise<AlertSummaryResponse> {
    return this.get('/alerts/summary');
  }

  async silenceAlert(
    hub: string,
    name: string,
    request: AlertSilenceRequest,
  ): Promise<AlertSilenceResponse> {
    return this.send(
      'POST',
      `${clusterApiPath(hub, name)}/alerts/silences`,
      request,
    );
  }

  async acknowledgeAlert(
    hub: string,
    name: string,
    fingerprint: string,
  ): Promise<void> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${clusterApiPath(hub, name)}/alerts/${encodeURIComponent(
        fingerprint,
      )}/acknowledge`,
      { method: 'POST' },
    );
    if (!response.ok) {
      throw await responseError(response);
    }
  }

  async listLogPods(hub: string, name: string): Promise<LogPodsResponse> {
    return this.get(`${clusterApiPath(hub, name)}/logs/pods`);
  }

  async streamLiveLog(
    hub: string,
    name: string,
    request: LiveLogRequest,
    signal: AbortSignal,
  ): Promise<AsyncIterable<LiveLogEvent>> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${clusterApiPath(hub, name)}/logs/live${queryString(request)}`,
      { headers: { Accept: 'text/event-stream' }, signal },
    );
    if (!response.ok || !response.body) {
      throw await responseError(response);
    }
    return liveLogEvents(response.body, signal);
  }

  async getLogStoreStatus(hub: string, name: string): Promise<LogStoreStatus> {
    return this.get(`${clusterApiPath(hub, name)}/logs/store`);
  }

  async searchLogs(
    hub: string,
    name: string,
    request: LogSearchRequest,
  ): Promise<LogSearchResponse> {
    return this.get(
      `${clusterApiPath(hub, name)}/logs/search${queryString(request)}`,
    );
  }

  async getLogHits(
    hub: string,
    name: string,
    request: LogSearchRequest,
  ): Promise<LogHitsResponse> {
    return this.get(
      `${clusterApiPath(hub, name)}/logs/hits${queryString(request)}`,
    );
  }

  async searchAuditEvents(
    hub: string,
    name: string,
    request: AuditSearchRequest,
  ): Promise<AuditSearchResponse> {
    return this.get(
      `${clusterApiPath(hub, name)}/logs/audit${queryString(request)}`,
    );
  }

  async listTenantEvents(
    hub: string,
    name: string,
  ): Promise<TenantEventsResponse> {
    return this.get(`${clusterApiPath(hub, name)}/logs/events`);
  }

  async listThreatAlerts(
    query?: ThreatAlertsQuery,
  ): Promise<ListThreatAlertsResponse> {
    return this.get(`/threats/alerts${threatAlertsQueryString(query)}`);
  }

  async listClusterThreatAlerts(
    hub: string,
    name: string,
    query?: ThreatAlertsQuery,
  ): Promise<ListThreatAlertsResponse> {
    return this.get(
      `${clusterApiPath(hub, name)}/threats/alerts${threatAlertsQueryString(
        query,
      )}`,
    );
  }

  async changeThreatAlertStatus(
    hub: string,
    name: string,
    alertId: string,
    change: AlertStatusChange,
  ): Promise<ThreatAlert> {
    return this.send(
      'POST',
      `${threatAlertPath(hub, name, alertId)}/status`,
      change,
    );
  }

  async markThreatAlertFalsePositive(
    hub: string,
    name: string,
    alertId: string,
    request: AlertFalsePositive,
  ): Promise<ThreatAlert> {
    return this.send(
      'POST',
      `${threatAlertPath(hub, name, alertId)}/false-positive`,
      request,
    );
  }

  async getThreatResponsePolicy(
    hub: string,
    name: string,
  ): Promise<ClusterResponsePolicy> {
    return this.get(`${clusterApiPath(hub, name)}/threats/policy`);
  }

  async setThreatResponsePolicy(
    hub: string,
    name: string,
    policy: ResponsePolicy,
  ): Promise<ClusterResponsePolicy> {
    return this.send(
      'PUT',
      `${clusterApiPath(hub, name)}/threats/policy`,
      policy,
    );
  }

  async getThreatReport(
    hub: string,
    name: string,
    alertId: string,
  ): Promise<ThreatReport> {
    return this.get(`${threatAlertPath(hub, name, alertId)}/report`);
  }

  async takeThreatAction(
    hub: string,
    name: string,
    alertId: string,
    request: ResponseActionRequest,
  ): Promise<ResponseAction> {
    return this.send(
      'POST',
      `${threatAlertPath(hub, name, alertId)}/actions`,
      request,
    );
  }

  async listThreatActions(
    hub: string,
    name: string,
  ): Promise<{ items: ResponseAction[] }> {
    return this.get(`${clusterApiPath(hub, name)}/threats/actions`);
  }

  async revertThreatAction(
    hub: string,
    name: string,
    actionId: string,
  ): Promise<ResponseAction> {
    return this.send(
      'POST',
      `${clusterApiPath(hub, name)}/threats/actions/${encodeURIComponent(
        actionId,
      )}/revert`,
    );
  }

  private async send<T>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    if (!response.ok) {
      throw await responseError(response);
    }
    return response.json();
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hostplane');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await responseError(response);
    }
    return response.json();
  }
}
