import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  AlertSummaryResponse,
  ClusterStatus,
  ListClustersQuery,
} from '@hostplane/plugin-hostplane-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
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

const quiet: AlertSummaryResponse = { items: [] };

function recordingApi(
  queries: ListClustersQuery[],
  summary: () => Promise<AlertSummaryResponse> = async () => quiet,
) {
  const api: Pick<HostplaneApi, 'listClusters' | 'getAlertSummary'> = {
    getAlertSummary: jest.fn(summary),
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
    const api: Pick<HostplaneApi, 'listClusters' | 'getAlertSummary'> = {
      listClusters: async () => {
        throw new Error('hostplane is down');
      },
      getAlertSummary: async () => quiet,
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

  it("shows each cluster's firing alerts and open threats from one summary for the whole page, linking to its tabs", async () => {
    const queries: ListClustersQuery[] = [];
    const api = recordingApi(queries, async () => ({
      items: [
        {
          hub: 'local',
          cluster: 'payments',
          firing: { critical: 2, warning: 1, info: 4 },
          silenced: 1,
          openThreats: 3,
        },
        {
          hub: 'local',
          cluster: 'search',
          firing: { critical: 0, warning: 0, info: 0 },
          silenced: 0,
          openThreats: 1,
        },
        // A cluster on another page of the table: its badges are not drawn here.
        {
          hub: 'local',
          cluster: 'elsewhere',
          firing: { critical: 1, warning: 0, info: 0 },
          silenced: 0,
          openThreats: 0,
        },
      ],
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[hostplaneApiRef, api]]}>
        <ClustersPage />
      </TestApiProvider>,
      { mountedRoutes },
    );

    const critical = await screen.findByRole(
      'link',
      { name: '2 critical alerts firing' },
      slow,
    );
    expect(critical).toHaveTextContent('2 critical');
    expect(critical.getAttribute('href')).toBe(
      '/catalog/default/resource/payments.local/alerts',
    );
    expect(
      screen
        .getByRole('link', { name: '1 warning firing' })
        .getAttribute('href'),
    ).toBe('/catalog/default/resource/payments.local/alerts');
    expect(
      screen
        .getByRole('link', { name: '3 open threat alerts' })
        .getAttribute('href'),
    ).toBe('/catalog/default/resource/payments.local/security');
    const searchRow = screen.getByText('search').closest('tr')!;
    expect(
      within(searchRow).getByRole('link', { name: '1 open threat alert' }),
    ).toBeInTheDocument();
    expect(within(searchRow).queryByText(/critical/)).toBeNull();
    // Info alerts and silenced ones get no badge; nor does a cluster not on the page.
    expect(screen.queryByText(/info/)).toBeNull();
    expect(screen.getAllByText(/critical$/)).toHaveLength(1);
    expect(api.getAlertSummary).toHaveBeenCalledTimes(1);
  });

  it('lists the clusters without badges, saying why, when the summary fails', async () => {
    const queries: ListClustersQuery[] = [];
    const api = recordingApi(queries, async () => {
      throw new Error('the permission backend did not decide');
    });
    await renderInTestApp(
      <TestApiProvider apis={[[hostplaneApiRef, api]]}>
        <ClustersPage />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(await screen.findByText('payments', {}, slow)).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Alert badges are not shown: the permission backend did not decide',
      ),
    ).toBeInTheDocument();
  });
});
