import path from 'node:path';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import { expectToMatchGolden } from '@hostplane/local-hub';
import { clusterEntity } from './clusterEntity';

const ready: ClusterStatus = {
  hub: 'local',
  name: 'payments-prod',
  namespace: 'tenants-team-a',
  owner: 'group:default/team-a',
  phase: 'Ready',
  reason: 'AsExpected',
  message: 'The hosted control plane is available',
  version: 'v1.37.2',
  availability: 'HighlyAvailable',
  endpoint: 'https://127.0.0.1:40123',
  nodePools: [],
  conditions: [],
  deletionProtection: true,
  labels: { env: 'production', system: 'payments', 'cost-center': 'cc 42' },
  createdAt: '2026-11-01T12:00:00Z',
};

describe('clusterEntity', () => {
  it.each([
    ['ready', ready],
    [
      'degraded',
      {
        ...ready,
        name: 'search',
        phase: 'Degraded',
        reason: 'EtcdQuorumLost',
        endpoint: undefined,
        labels: {},
      } as ClusterStatus,
    ],
  ])('renders a %s cluster', (name, cluster) => {
    expectToMatchGolden(
      clusterEntity(cluster),
      path.join(__dirname, '__testdata__', `entity-${name}.yaml`),
    );
  });
});
