import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  CLUSTER_ANNOTATION,
  ClusterStatus,
  HUB_ANNOTATION,
  Operation,
  OperationStep,
  ProviderCapabilities,
} from '@hostplane/plugin-hostplane-common';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';

export const HUB = 'local';
export const NAME = 'payments';

/** The catalog entity the catalog module makes of a cluster. */
export function clusterEntity(name = NAME): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `${name}.${HUB}`,
      annotations: {
        [HUB_ANNOTATION]: HUB,
        [CLUSTER_ANNOTATION]: name,
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/team-a' },
  };
}

/** What a provider that supports everything declares. */
export function providerCapabilities(
  overrides: Partial<ProviderCapabilities> = {},
): ProviderCapabilities {
  return {
    provider: 'hypershift-kubevirt',
    credentialRotation: true,
    hibernation: true,
    etcdOperations: true,
    availabilityPolicies: ['SingleReplica', 'HighlyAvailable'],
    ...overrides,
  };
}

export function aCluster(
  overrides: Partial<ClusterStatus> = {},
): ClusterStatus {
  return {
    hub: HUB,
    name: NAME,
    namespace: 'tenants-team-a',
    owner: 'group:default/team-a',
    phase: 'Ready',
    reason: 'AsExpected',
    version: 'v1.36.4',
    availability: 'SingleReplica',
    endpoint: 'https://127.0.0.1:40443',
    nodePools: [
      {
        name: 'workers',
        phase: 'Ready',
        replicas: 3,
        currentReplicas: 3,
        version: 'v1.36.4',
        vcpu: 2,
        memoryGiB: 8,
        diskGiB: 40,
        conditions: [],
      },
    ],
    conditions: [],
    deletionProtection: false,
    labels: {},
    createdAt: '2026-08-01T10:00:00Z',
    spec: {
      name: NAME,
      owner: 'group:default/team-a',
      hub: HUB,
      version: 'v1.36.4',
      availability: 'SingleReplica',
      network: { podCidr: '10.132.0.0/14', serviceCidr: '172.31.0.0/16' },
      nodePools: [
        {
          name: 'workers',
          replicas: 3,
          vcpu: 2,
          memoryGiB: 8,
          diskGiB: 40,
          labels: {},
          taints: [],
        },
      ],
      etcd: {
        storageGiB: 8,
        backup: { schedule: '0 */6 * * *', retention: 7 },
      },
      deletionProtection: false,
      labels: {},
    },
    capabilities: providerCapabilities(),
    ...overrides,
  };
}

export function aStep(
  name: string,
  title: string,
  state: OperationStep['state'],
  message?: string,
): OperationStep {
  return { name, title, state, attempts: 1, ...(message ? { message } : {}) };
}

export function anOperation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 'op-1',
    hub: HUB,
    cluster: NAME,
    type: 'scale',
    state: 'running',
    steps: [
      aStep('apply', 'Apply the node pool', 'succeeded'),
      aStep('wait', 'Wait for the machines', 'running', '1 of 3 machines'),
    ],
    progress: 0.5,
    createdBy: 'user:default/ada',
    createdAt: '2026-08-02T10:00:00Z',
    updatedAt: '2026-08-02T10:00:01Z',
    ...overrides,
  };
}

/** A HostplaneApi with a Ready cluster, no operations, and spies everywhere. */
export function mockHostplaneApi(
  overrides: Partial<HostplaneApi> = {},
): jest.Mocked<HostplaneApi> {
  const api: HostplaneApi = {
    listHubs: async () => ({ items: [] }),
    listOwnerChoices: async () => ({ anyOwner: false, owners: [] }),
    listClusters: async () => ({
      items: [],
      totalCount: 0,
      phaseCounts: {},
      incompleteHubs: [],
    }),
    getCluster: async () => aCluster(),
    changeCluster: async (_hub, _name, change) =>
      anOperation({ id: 'op-new', type: change.action }),
    deleteCluster: async () => anOperation({ id: 'op-new', type: 'delete' }),
    listOperations: async () => ({ items: [], totalCount: 0 }),
    getOperation: async id =>
      anOperation({ id, state: 'succeeded', progress: 1 }),
    retryOperation: async id => anOperation({ id }),
    issueKubeconfig: async () => {
      throw new Error('not expected');
    },
    listKubeconfigIssuances: async () => ({ items: [] }),
    listHubVersions: async () => ({ hub: HUB, versions: [] }),
    createCluster: async spec =>
      anOperation({
        id: 'op-create',
        cluster: spec.name,
        type: 'create',
        steps: [aStep('ensureNamespace', 'Create the namespace', 'running')],
        progress: 0,
      }),
    listBackups: async () => ({
      items: [],
      policy: { schedule: '0 */6 * * *', retention: 7 },
      store: 'directory',
    }),
    getEtcdHealth: async () => ({
      members: [],
      defragmentation: {
        fragmentationThreshold: 0.45,
        minDbSizeBytes: 100 * 1024 * 1024,
      },
    }),
    getClusterMetrics: async (hub, name, query) => ({
      hub,
      cluster: name,
      range: query.range,
      start: 1_780_000_000,
      end: 1_780_003_600,
      stepSeconds: 30,
      panels: [],
    }),
    listClusterAlerts: async () => ({ items: [] }),
    silenceAlert: async () => ({
      silenceId: 'silence-1',
      endsAt: '2026-08-02T11:00:00Z',
      createdBy: 'user:default/ada',
    }),
    acknowledgeAlert: async () => {},
    listLogPods: async () => ({ items: [] }),
    streamLiveLog: async () => (async function* noEvents() {})(),
    getLogStoreStatus: async () => ({
      configured: false,
      reachable: false,
      reason: "Hub 'local' has no log store",
    }),
    searchLogs: async () => ({
      items: [],
      limit: 5000,
      limited: false,
      start: '2026-08-01T09:00:00Z',
      end: '2026-08-01T10:00:00Z',
    }),
    getLogHits: async () => ({ step: '1m', buckets: [], total: 0 }),
    searchAuditEvents: async () => ({ items: [], limit: 5000, limited: false }),
    listTenantEvents: async () => ({ items: [] }),
    getAlertSummary: async () => ({ items: [] }),
    listThreatAlerts: async () => ({ items: [] }),
    listClusterThreatAlerts: async () => ({ items: [] }),
    changeThreatAlertStatus: async () => {
      throw new Error('not expected');
    },
    markThreatAlertFalsePositive: async () => {
      throw new Error('not expected');
    },
    getThreatResponsePolicy: async () => ({
      mode: 'off',
      autoThreshold: 0.9,
      isDefault: true,
    }),
    setThreatResponsePolicy: async (_hub, _name, policy) => ({
      ...policy,
      isDefault: false,
      updatedBy: 'user:default/ada',
      updatedAt: '2026-08-02T10:00:00Z',
    }),
    getThreatReport: async () => {
      throw new Error('not expected');
    },
    takeThreatAction: async () => {
      throw new Error('not expected');
    },
    listThreatActions: async () => ({ items: [] }),
    revertThreatAction: async () => {
      throw new Error('not expected');
    },
    ...overrides,
  };
  for (const key of Object.keys(api) as Array<keyof HostplaneApi>) {
    (api as any)[key] = jest.fn(api[key] as (...args: any[]) => any);
  }
  return api as jest.Mocked<HostplaneApi>;
}

/** Allows everything but the permissions named, and records what was asked. */
export function mockPermissions(denied: string[] = []) {
  const authorize = jest.fn<
    ReturnType<PermissionApi['authorize']>,
    Parameters<PermissionApi['authorize']>
  >(async request => ({
    result: denied.includes(request.permission.name)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
  }));
  return { authorize };
}

/** Renders one of the cluster tabs for the entity of cluster `name`. */
export async function renderClusterTab(
  element: ReactElement,
  options: {
    api?: HostplaneApi;
    permissions?: PermissionApi;
    entity?: Entity;
    /** The address the tab opens at (`/?alert=a1`), for tabs that read it. */
    routeEntries?: string[];
  } = {},
) {
  const api = options.api ?? mockHostplaneApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [hostplaneApiRef, api],
        [permissionApiRef, options.permissions ?? mockPermissions()],
      ]}
    >
      <EntityProvider entity={options.entity ?? clusterEntity()}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
    // Tabs link to other clusters' entity pages.
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      ...(options.routeEntries ? { routeEntries: options.routeEntries } : {}),
    },
  );
  return api;
}
