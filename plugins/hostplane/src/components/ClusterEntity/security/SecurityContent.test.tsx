import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { clusterUpdatePermission } from '@hostplane/plugin-hostplane-common';
import {
  aCluster,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { SecurityContent } from './SecurityContent';
import { aThreatAlert } from './__testUtils__/threatFixtures';

jest.setTimeout(60_000);
const slow = { timeout: 20_000 };

const exec = aThreatAlert();
const privileged = aThreatAlert({
  id: 'a2',
  ruleId: 'privileged-pod',
  title: 'Privileged pod',
  priority: 'high',
  level: 'critical',
  likelihood: 0.93,
  subject: {
    kind: 'pod',
    user: 'kubernetes-admin',
    namespace: 'shop',
    name: 'rootfs',
  },
  count: 1,
  status: 'acknowledged',
});

/** Picks an option of one of the filters' selects, once no other menu is open. */
async function choose(label: string, option: string) {
  await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
  fireEvent.mouseDown(
    screen.getByRole('button', { name: new RegExp(`^${label} `) }),
  );
  fireEvent.click(within(await screen.findByRole('listbox')).getByText(option));
}

describe('SecurityContent', () => {
  it('lists the alerts with likelihood, priority, rule, subject, times, count and status', async () => {
    const api = mockHostplaneApi({
      listClusterThreatAlerts: async () => ({ items: [exec, privileged] }),
    });
    await renderClusterTab(<SecurityContent />, { api });
    expect(
      await screen.findByText('Threat alerts (2)', {}, slow),
    ).toBeInTheDocument();
    expect(screen.getByText('Exec into a pod')).toBeInTheDocument();
    expect(screen.getByText('exec-into-pod · T1609')).toBeInTheDocument();
    expect(screen.getByText('high · 72 %')).toBeInTheDocument();
    expect(screen.getByText('critical · 93 %')).toBeInTheDocument();
    expect(
      screen.getByText('pod shop/web-1 (by kubernetes-admin)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Acknowledged')).toBeInTheDocument();
    // Unresolved alerts by default, as many as the tab shows at most.
    expect(api.listClusterThreatAlerts).toHaveBeenCalledWith(
      'local',
      'payments',
      {
        status: ['open', 'acknowledged', 'mitigated'],
        limit: 1000,
      },
    );
  });

  it('filters by likelihood and rule on the page, and by status on the server', async () => {
    const api = mockHostplaneApi({
      listClusterThreatAlerts: async () => ({ items: [exec, privileged] }),
    });
    await renderClusterTab(<SecurityContent />, { api });
    await screen.findByText('Threat alerts (2)', {}, slow);

    await choose('Likelihood', 'critical');
    expect(await screen.findByText('Threat alerts (1)')).toBeInTheDocument();
    expect(screen.getByText('Privileged pod')).toBeInTheDocument();
    await choose('Likelihood', 'Any');
    expect(await screen.findByText('Threat alerts (2)')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Rule or subject'), {
      target: { value: 'rootfs' },
    });
    expect(await screen.findByText('Threat alerts (1)')).toBeInTheDocument();
    expect(screen.queryByText('Exec into a pod')).not.toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Rule or subject'), {
      target: { value: 'nothing like it' },
    });
    expect(
      await screen.findByText('No threat alerts match the filters.'),
    ).toBeInTheDocument();

    await choose('Status', 'Any status');
    await waitFor(() =>
      expect(api.listClusterThreatAlerts).toHaveBeenLastCalledWith(
        'local',
        'payments',
        { status: undefined, limit: 1000 },
      ),
    );
  });

  it('says when there are no threat alerts', async () => {
    await renderClusterTab(<SecurityContent />);
    expect(
      await screen.findByText('No threat alerts.', {}, slow),
    ).toBeInTheDocument();
  });

  it('opens the report of a row, and closes it', async () => {
    const api = mockHostplaneApi({
      listClusterThreatAlerts: async () => ({ items: [exec] }),
      getThreatReport: async () => {
        throw new Error('the tenant is unreachable');
      },
    });
    await renderClusterTab(<SecurityContent />, { api });
    fireEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Open the report of Exec into a pod on web-1' },
        slow,
      ),
    );
    const report = await screen.findByRole('dialog', { name: 'Threat report' });
    await waitFor(() =>
      expect(api.getThreatReport).toHaveBeenCalledWith(
        'local',
        'payments',
        'a1',
      ),
    );
    expect(
      await within(report).findByText('the tenant is unreachable'),
    ).toBeInTheDocument();
    fireEvent.click(within(report).getByLabelText('Close the report'));
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Threat report' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('changes the response policy, with a threshold for automatic responses', async () => {
    const api = mockHostplaneApi();
    await renderClusterTab(<SecurityContent />, { api });
    expect(
      await screen.findByText(/follows the hub's default/, {}, slow),
    ).toBeInTheDocument();
    // Saving the default unchanged makes it the cluster's own.
    const save = screen.getByRole('button', { name: 'Save policy' });
    await waitFor(() => expect(save).toBeEnabled());

    fireEvent.click(screen.getByLabelText(/^Automatic/));
    const threshold = screen.getByLabelText(/Act automatically from/);
    expect(threshold).toHaveValue(90);
    fireEvent.change(threshold, { target: { value: '150' } });
    expect(
      screen.getByText('The threshold is a whole percentage from 0 to 100'),
    ).toBeInTheDocument();
    expect(save).toBeDisabled();
    fireEvent.change(threshold, { target: { value: '75' } });
    await waitFor(() => expect(save).toBeEnabled());
    fireEvent.click(save);
    await waitFor(() =>
      expect(api.setThreatResponsePolicy).toHaveBeenCalledWith(
        'local',
        'payments',
        { mode: 'auto', autoThreshold: 0.75 },
      ),
    );
    expect(
      await screen.findByText(/Set by user:default\/ada/),
    ).toBeInTheDocument();
    // Saved and unchanged since: nothing to save.
    expect(save).toBeDisabled();
  });

  it('keeps the policy as it is without the permission to change the cluster', async () => {
    // Another cluster: the permission hook keeps each cluster's decision between tests.
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'locked' }),
    });
    await renderClusterTab(<SecurityContent />, {
      api,
      permissions: mockPermissions([clusterUpdatePermission.name]),
      entity: clusterEntity('locked'),
    });
    await waitFor(
      () => {
        expect(
          screen.getByRole('button', { name: 'Save policy' }),
        ).toBeDisabled();
        expect(screen.getByLabelText(/^Suggest/)).toBeDisabled();
      },
      { timeout: 10_000 },
    );
  });
});
