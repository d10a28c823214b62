import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  ClusterStatus,
  ListClustersQuery,
} from '@hostplane/plugin-hostplane-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { ClustersPage } from './ClustersPage';

const cluster = (
  name: string,
  phase: ClusterStatus['phase'],
): ClusterStatus => ({
  hub: 'local',
  name,
  namespace: 'tenants-team-a',
  owner: 'group:default/team-a',
  phase,
  reason: phase === 'Degraded' ? 'EtcdQuorumLost' : 'AsExpected',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', phase: 'Ready', currentReplicas: 3, conditions: [] },
  ],
  conditions: [],
  deletionProtection: false,
  labels: {},
});

// The table renders slowly while the hub-backed suites share the machine's two cores.
jest.setTimeout(60_000);
const slow = { timeout: 20_000 };
const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

function recordingApi(queries: ListClustersQuery[]) {
  const api: Pick<HostplaneApi, 'listClusters'> = {
    listClusters: async query => {
      queries.push(query);
      return {
        items: [cluster('payments', 'Ready'), cluster('search', 'Degraded')],
        totalCount: 10_000,
        phaseCounts: { Ready: 9_000, Degraded: 1_000 },
        incompleteHubs: [],
      };
    },
  };
  return api as HostplaneApi;
}

describe('ClustersPage', () => {
  it('asks the server for one page at a time, with the filters and sort the user picks', async () => {
    const queries: ListClustersQuery[] = [];
    await renderInTestApp(
      <TestApiProvider apis={[[hostplaneApiRef, recordingApi(queries)]]}>
        <ClustersPage />
      </TestApiProvider>,
      { mountedRoutes },
    );

    expect(await screen.findByText('payments', {}, slow)).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(queries[0]).toEqual({ offset: 0, limit: 50 });
    expect(await screen.findByText('Ready 9000', {}, slow)).toBeInTheDocument();

    fireEvent.click(screen.getByText('Degraded 1000'));
    await waitFor(
      () =>
        expect(queries.at(-1)).toEqual({
          offset: 0,
          limit: 50,
          phase: 'Degraded',
        }),
      slow,
    );

    fireEvent.click(screen.getByText('Version'));
    await waitFor(
      () =>
        expect(queries.at(-1)).toMatchObject({
          sort: 'version',
          order: 'asc',
          phase: 'Degraded',
        }),
      slow,
    );
  });

  it('shows the reason when the server refuses', async () => {
    const api: Pick<HostplaneApi, 'listClusters'> = {
      listClusters: async () => {
        throw new Error('hostplane is down');
      },
    };
    await renderInTestApp(
      <TestApiProvider apis={[[hostplaneApiRef, api as HostplaneApi]]}>
        <ClustersPage />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(
      await screen.findByText('Error: hostplane is down', {}, slow),
    ).toBeInTheDocument();
  });

  it("links each cluster to its catalog entity and starts from the address's filters", async () => {
    const queries: ListClustersQuery[] = [];
    await renderInTestApp(
      <TestApiProvider apis={[[hostplaneApiRef, recordingApi(queries)]]}>
        <ClustersPage />
      </TestApiProvider>,
      {
        mountedRoutes,
        routeEntries: ['/?phase=Degraded&owner=team-a&q=pay'],
      },
    );

    const link = await screen.findByRole('link', { name: 'payments' }, slow);
    expect(link.getAttribute('href')).toBe(
      '/catalog/default/resource/payments.local',
    );
    expect(queries[0]).toEqual({
      offset: 0,
      limit: 50,
      text: 'pay',
      phase: 'Degraded',
      owner: 'team-a',
    });
  });
});
