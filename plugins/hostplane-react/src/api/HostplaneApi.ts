import { createApiRef } from '@backstage/core-plugin-api';
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
  AlertStatus,
  AlertStatusChange,
  ClusterResponsePolicy,
  ListThreatAlertsResponse,
  ResponseAction,
  ResponseActionRequest,
  ResponsePolicy,
  ThreatAlert,
  ThreatReport,
} from '@hostplane/plugin-hostplane-common';

/** The frontend's view of `/api/hostplane`. */
export interface HostplaneApi {
  listHubs(): Promise<HubListResponse>;
  /** Whom the signed-in user may create clusters for. */
  listOwnerChoices(): Promise<OwnerChoicesResponse>;
  /** One page of clusters, filtered and sorted by the server. */
  listClusters(query: ListClustersQuery): Promise<ListClustersResponse>;
  getCluster(hub: string, name: string): Promise<ClusterStatus>;
  /** Starts one change (scale, upgrade, hibernate, ...) as an operation. */
  changeCluster(
    hub: string,
    name: string,
    change: ClusterChange,
  ): Promise<Operation>;
  deleteCluster(hub: string, name: string): Promise<Operation>;
  /** The newest operations first. */
  listOperations(query: OperationsQuery): Promise<ListOperationsResponse>;
  getOperation(id: string): Promise<Operation>;
  /** Runs a failed operation again from its failed step; answers with it, running again. */
  retryOperation(id: string): Promise<Operation>;
  /** A short-lived kubeconfig: hand it to the user and drop it, never keep or log it. */
  issueKubeconfig(
    hub: string,
    name: string,
    request: { ttlHours: number },
  ): Promise<KubeconfigResponse>;
  listKubeconfigIssuances(
    hub: string,
    name: string,
  ): Promise<ListKubeconfigIssuancesResponse>;
  /** The Kubernetes versions a hub offers for new clusters and upgrades. */
  listHubVersions(hub: string): Promise<HubVersionsResponse>;
  /** Starts creating a cluster (from a backup, with `restoreFrom`) as an operation. */
  createCluster(spec: ClusterSpecInput): Promise<Operation>;
  /** The cluster's etcd backups, newest first, with its schedule and retention. */
  listBackups(hub: string, name: string): Promise<ListBackupsResponse>;
  /** The cluster's etcd members as the hub reaches them now. */
  getEtcdHealth(hub: string, name: string): Promise<EtcdHealthResponse>;
  /** Named panels of the cluster's control-plane metrics over a range ending now. */
  getClusterMetrics(
    hub: string,
    name: string,
    query: { range: MetricsRange; panels?: MetricPanelId[] },
  ): Promise<ClusterMetricsResponse>;
  /** The cluster's control-plane alerts: firing first, then resolved. */
  listClusterAlerts(hub: string, name: string): Promise<ClusterAlertsResponse>;
  /**
   * What fires on every cluster the user may read (one request for a whole page of clusters);
   * clusters with nothing firing are left out.
   */
  getAlertSummary(): Promise<AlertSummaryResponse>;
  /** Silences one alert in the hub's Alertmanager, recorded with the signed-in user. */
  silenceAlert(
    hub: string,
    name: string,
    request: AlertSilenceRequest,
  ): Promise<AlertSilenceResponse>;
  /** Records that the signed-in user has seen to one alert. */
  acknowledgeAlert(
    hub: string,
    name: string,
    fingerprint: string,
  ): Promise<void>;
  /** The cluster's control-plane containers whose logs can be followed. */
  listLogPods(hub: string, name: string): Promise<LogPodsResponse>;
  /**
   * A control-plane container's log as it is written, secrets redacted. It is read as it is
   * pulled: stop pulling to pause (the backend then pauses reading the hub); abort to end.
   */
  streamLiveLog(
    hub: string,
    name: string,
    request: LiveLogRequest,
    signal: AbortSignal,
  ): Promise<AsyncIterable<LiveLogEvent>>;
  /** Whether the hub has a log store that answers, and its bounds. */
  getLogStoreStatus(hub: string, name: string): Promise<LogStoreStatus>;
  /** The cluster's control-plane lines in the log store, newest first. */
  searchLogs(
    hub: string,
    name: string,
    request: LogSearchRequest,
  ): Promise<LogSearchResponse>;
  /** How many lines match over time. */
  getLogHits(
    hub: string,
    name: string,
    request: LogSearchRequest,
  ): Promise<LogHitsResponse>;
  /** The tenant API server's audit events, newest first. */
  searchAuditEvents(
    hub: string,
    name: string,
    request: AuditSearchRequest,
  ): Promise<AuditSearchResponse>;
  /** The tenant's Kubernetes events, warnings first. */
  listTenantEvents(hub: string, name: string): Promise<TenantEventsResponse>;
  /** Threat alerts of every cluster the user may read, the most recently seen first. */
  listThreatAlerts(
    query?: ThreatAlertsQuery,
  ): Promise<ListThreatAlertsResponse>;
  /** One cluster's threat alerts, the most recently seen first. */
  listClusterThreatAlerts(
    hub: string,
    name: string,
    query?: ThreatAlertsQuery,
  ): Promise<ListThreatAlertsResponse>;
  /** Moves a threat alert through its lifecycle (acknowledge, resolve, reopen). */
  changeThreatAlertStatus(
    hub: string,
    name: string,
    alertId: string,
    change: AlertStatusChange,
  ): Promise<ThreatAlert>;
  /** Marks a threat alert a false positive; its rule stays quiet for the scope given. */
  markThreatAlertFalsePositive(
    hub: string,
    name: string,
    alertId: string,
    request: AlertFalsePositive,
  ): Promise<ThreatAlert>;
  /** How the cluster answers its threat alerts. */
  getThreatResponsePolicy(
    hub: string,
    name: string,
  ): Promise<ClusterResponsePolicy>;
  setThreatResponsePolicy(
    hub: string,
    name: string,
    policy: ResponsePolicy,
  ): Promise<ClusterResponsePolicy>;
  /** A threat alert with its context, suggestions and the actions taken on it. */
  getThreatReport(
    hub: string,
    name: string,
    alertId: string,
  ): Promise<ThreatReport>;
  /** Takes (or, with `dryRun`, plans) a response action on a threat alert. */
  takeThreatAction(
    hub: string,
    name: string,
    alertId: string,
    request: ResponseActionRequest,
  ): Promise<ResponseAction>;
  /** The response actions taken on the cluster's alerts, newest first. */
  listThreatActions(
    hub: string,
    name: string,
  ): Promise<{ items: ResponseAction[] }>;
  /** Undoes a reversible response action. */
  revertThreatAction(
    hub: string,
    name: string,
    actionId: string,
  ): Promise<ResponseAction>;
}

/** Query of the threat alert lists. */
export interface ThreatAlertsQuery {
  /** Only alerts in these statuses; every status when absent. */
  status?: AlertStatus[];
  limit?: number;
}

/** Query of `GET /operations`. */
export interface OperationsQuery {
  hub?: string;
  cluster?: string;
  offset?: number;
  limit?: number;
}

export const hostplaneApiRef = createApiRef<HostplaneApi>({
  id: 'plugin.hostplane.api',
});
