import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { aThreatAlert } from '../ClusterEntity/security/__testUtils__/threatFixtures';
import { SecurityPage } from './SecurityPage';

jest.setTimeout(60_000);
const slow = { timeout: 20_000 };
const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const alerts = [
  aThreatAlert(),
  aThreatAlert({
    id: 'b1',
    cluster: 'search',
    ruleId: 'cluster-admin-binding',
    title: 'Binding to cluster-admin',
    level: 'critical',
    likelihood: 0.95,
    subject: {
      kind: 'binding',
      user: 'mallory',
      resource: 'clusterrolebindings',
      name: 'web-admin',
    },
  }),
  aThreatAlert({ id: 'c1', cluster: 'ledger', level: 'low', likelihood: 0.2 }),
];

function apiAnswering(items = alerts) {
  const api: Pick<HostplaneApi, 'listThreatAlerts'> = {
    listThreatAlerts: jest.fn(async () => ({ items })),
  };
  return api as jest.Mocked<HostplaneApi>;
}

async function renderPage(api: HostplaneApi, routeEntries?: string[]) {
  await renderInTestApp(
    <TestApiProvider apis={[[hostplaneApiRef, api]]}>
      <SecurityPage />
    </TestApiProvider>,
    { mountedRoutes, ...(routeEntries ? { routeEntries } : {}) },
  );
}

describe('SecurityPage', () => {
  it("lists every readable cluster's alerts, counted by level, each linking to its report", async () => {
    const api = apiAnswering();
    await renderPage(api);
    expect(
      await screen.findByText('Threat alerts (3)', {}, slow),
    ).toBeInTheDocument();
    expect(api.listThreatAlerts).toHaveBeenCalledWith({
      status: ['open', 'acknowledged', 'mitigated'],
      limit: 500,
    });
    expect(screen.getByText('critical 1')).toBeInTheDocument();
    expect(screen.getByText('high 1')).toBeInTheDocument();
    expect(screen.getByText('medium 0')).toBeInTheDocument();
    expect(screen.getByText('low 1')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'The report of Binding to cluster-admin on search',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/resource/search.local/security?alert=b1',
    );
    expect(
      screen.getByText('binding web-admin (by mallory)'),
    ).toBeInTheDocument();
  });

  it('filters by level with the counts, by text on the page, and by status and limit on the server', async () => {
    const api = apiAnswering();
    await renderPage(api, ['/?status=any&q=search']);
    expect(
      await screen.findByText('Threat alerts (1)', {}, slow),
    ).toBeInTheDocument();
    expect(api.listThreatAlerts).toHaveBeenCalledWith({
      status: undefined,
      limit: 500,
    });
    // The counts follow the text filter.
    expect(screen.getByText('critical 1')).toBeInTheDocument();
    expect(screen.getByText('low 0')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Cluster, rule or subject'), {
      target: { value: '' },
    });
    expect(await screen.findByText('Threat alerts (3)')).toBeInTheDocument();
    fireEvent.click(screen.getByText('low 1'));
    expect(await screen.findByText('Threat alerts (1)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /on ledger/ })).toBeInTheDocument();

    fireEvent.mouseDown(screen.getByLabelText('At most'));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByText('1000 alerts'),
    );
    await waitFor(() =>
      expect(api.listThreatAlerts).toHaveBeenLastCalledWith({
        status: undefined,
        limit: 1000,
      }),
    );
  });

  it('says when there are none', async () => {
    await renderPage(apiAnswering([]));
    expect(
      await screen.findByText('No threat alerts.', {}, slow),
    ).toBeInTheDocument();
    expect(screen.queryByText(/most recently seen alerts/)).toBeNull();
  });

  it('pages through as many alerts as the limit, and says when the limit cut them short', async () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      aThreatAlert({ id: `a${i}`, cluster: `cluster-${i}` }),
    );
    const api = apiAnswering(many);
    await renderPage(api, ['/?limit=100']);
    expect(
      await screen.findByText(
        'The 100 most recently seen alerts: narrow the status or raise the limit to see older ones.',
        {},
        slow,
      ),
    ).toBeInTheDocument();
    expect(api.listThreatAlerts).toHaveBeenCalledWith({
      status: ['open', 'acknowledged', 'mitigated'],
      limit: 100,
    });
    // One page of 50 rows is rendered, not all 100.
    expect(
      screen.getAllByRole('link', { name: /^The report of/ }),
    ).toHaveLength(50);
  });

  it('shows the reason when the server refuses', async () => {
    const api: Pick<HostplaneApi, 'listThreatAlerts'> = {
      listThreatAlerts: async () => {
        throw new Error('hostplane is down');
      },
    };
    await renderPage(api as HostplaneApi);
    expect(
      await screen.findAllByText('hostplane is down', {}, slow),
    ).not.toHaveLength(0);
  });
});
