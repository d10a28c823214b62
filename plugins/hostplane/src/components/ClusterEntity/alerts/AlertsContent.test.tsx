import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  ClusterAlert,
  clusterUpdatePermission,
} from '@hostplane/plugin-hostplane-common';
import {
  aCluster,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { AlertsContent } from './AlertsContent';

jest.setTimeout(60_000);

const firing: ClusterAlert = {
  fingerprint: 'f1',
  name: 'KubeApiserverDown',
  severity: 'critical',
  summary: 'The API server is down',
  description: 'The API server of payments has not answered for 5 minutes.',
  state: 'firing',
  silenced: false,
  startsAt: '2026-08-02T10:00:00Z',
  labels: {
    alertname: 'KubeApiserverDown',
    severity: 'critical',
    hostplane_cluster: 'payments',
    job: 'kube-apiserver',
  },
  panel: 'apiRequestRate',
};

const resolved: ClusterAlert = {
  ...firing,
  fingerprint: 'f2',
  name: 'KubeEtcdMainDown',
  summary: 'etcd is down',
  state: 'resolved',
  endsAt: '2026-08-02T09:00:00Z',
  startsAt: '2026-08-02T08:00:00Z',
};

describe('AlertsContent', () => {
  it('lists firing and resolved alerts with severity, summary, labels and a link to the chart', async () => {
    const api = mockHostplaneApi({
      listClusterAlerts: async () => ({ items: [firing, resolved] }),
    });
    await renderClusterTab(<AlertsContent />, { api });
    expect(await screen.findByText('KubeApiserverDown')).toBeInTheDocument();
    expect(screen.getByText('critical · firing')).toBeInTheDocument();
    expect(screen.getByText(/^resolved/)).toBeInTheDocument();
    expect(screen.getAllByText('job=kube-apiserver')).toHaveLength(2);
    expect(screen.getAllByText('Show')[0].closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('monitoring#apiRequestRate'),
    );
    // Only firing alerts can be silenced or acknowledged.
    expect(screen.getAllByRole('button', { name: 'Silence' })).toHaveLength(1);
  });

  it('silences for the chosen duration with a comment, then acknowledges', async () => {
    let items = [firing];
    const api = mockHostplaneApi({
      listClusterAlerts: async () => ({ items }),
      silenceAlert: async () => {
        items = [{ ...firing, silenced: true, silencedBy: 'user:default/ada' }];
        return {
          silenceId: 's1',
          endsAt: '2026-08-02T12:00:00Z',
          createdBy: 'user:default/ada',
        };
      },
    });
    await renderClusterTab(<AlertsContent />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Silence' }));
    const dialog = await screen.findByRole('dialog');
    const silence = within(dialog).getByRole('button', { name: 'Silence' });
    expect(silence).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Why/), {
      target: { value: 'restarting it' },
    });
    fireEvent.click(silence);
    await waitFor(() =>
      expect(api.silenceAlert).toHaveBeenCalledWith('local', 'payments', {
        fingerprint: 'f1',
        durationMinutes: 120,
        comment: 'restarting it',
      }),
    );
    expect(
      await screen.findByText(
        'silenced by user:default/ada',
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() =>
      expect(api.acknowledgeAlert).toHaveBeenCalledWith(
        'local',
        'payments',
        'f1',
      ),
    );
  });

  it('says when there are no alerts', async () => {
    await renderClusterTab(<AlertsContent />);
    expect(await screen.findByText(/No alerts/)).toBeInTheDocument();
  });

  it('blocks silencing and acknowledging without the permission to change the cluster', async () => {
    // Another cluster: the permission hook keeps each cluster's decision between tests.
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'locked' }),
      listClusterAlerts: async () => ({ items: [firing] }),
    });
    await renderClusterTab(<AlertsContent />, {
      api,
      permissions: mockPermissions([clusterUpdatePermission.name]),
      entity: clusterEntity('locked'),
    });
    await waitFor(
      () => {
        expect(screen.getByRole('button', { name: 'Silence' })).toBeDisabled();
        expect(
          screen.getByRole('button', { name: 'Acknowledge' }),
        ).toBeDisabled();
      },
      { timeout: 10_000 },
    );
  });
});
