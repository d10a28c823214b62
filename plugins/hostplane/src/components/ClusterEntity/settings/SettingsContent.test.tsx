import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  aCluster,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { SettingsContent } from './SettingsContent';

jest.setTimeout(30_000);

async function openDialog(button: string) {
  fireEvent.click(await screen.findByRole('button', { name: button }));
  return within(await screen.findByRole('dialog'));
}

describe('SettingsContent', () => {
  it('deletes only once the cluster name has been typed', async () => {
    const api = mockHostplaneApi();
    await renderClusterTab(<SettingsContent />, { api });
    const dialog = await openDialog('Delete cluster');
    const confirm = dialog.getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    expect(
      dialog.getByText('Type payments to confirm the deletion'),
    ).toBeInTheDocument();

    fireEvent.change(dialog.getByLabelText('Cluster name'), {
      target: { value: 'payment' },
    });
    expect(confirm).toBeDisabled();
    fireEvent.click(confirm);
    expect(api.deleteCluster).not.toHaveBeenCalled();

    fireEvent.change(dialog.getByLabelText('Cluster name'), {
      target: { value: 'payments' },
    });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(api.deleteCluster).toHaveBeenCalledWith('local', 'payments'),
    );
    expect(
      await screen.findByRole('progressbar', { name: 'Delete progress' }),
    ).toBeInTheDocument();
  });

  it('will not delete a protected cluster, and turns protection off after asking', async () => {
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ deletionProtection: true }),
    });
    await renderClusterTab(<SettingsContent />, { api });
    const remove = await screen.findByRole('button', {
      name: 'Delete cluster',
    });
    await waitFor(() => expect(remove).toBeDisabled());
    fireEvent.mouseOver(remove.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Deletion protection is on; turn it off first',
    );

    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Deletion protection' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(api.changeCluster).not.toHaveBeenCalled();
    fireEvent.click(dialog.getByRole('button', { name: 'Turn off' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'protect',
        deletionProtection: false,
      }),
    );
  });

  it('hibernates a running cluster after asking', async () => {
    const api = mockHostplaneApi();
    await renderClusterTab(<SettingsContent />, { api });
    const dialog = await openDialog('Hibernate');
    fireEvent.click(dialog.getByRole('button', { name: 'Hibernate' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'hibernate',
      }),
    );
  });

  it('offers to resume a hibernated cluster', async () => {
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ phase: 'Hibernated' }),
    });
    await renderClusterTab(<SettingsContent />, { api });
    const dialog = await openDialog('Resume');
    fireEvent.click(dialog.getByRole('button', { name: 'Resume' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'resume',
      }),
    );
  });

  it('says that rotating credentials stops every issued kubeconfig before rotating', async () => {
    const api = mockHostplaneApi();
    await renderClusterTab(<SettingsContent />, { api });
    const dialog = await openDialog('Rotate credentials');
    expect(
      dialog.getByText(
        /every kubeconfig issued so far, yours included, stops working/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(dialog.getByRole('button', { name: 'Rotate' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'rotateCredentials',
      }),
    );
  });

  it('disables deletion, saying why, when the policy denies it', async () => {
    await renderClusterTab(<SettingsContent />, {
      api: mockHostplaneApi({
        getCluster: async () => aCluster({ name: 'kept' }),
      }),
      permissions: mockPermissions(['hostplane.cluster.delete']),
      entity: clusterEntity('kept'),
    });
    const remove = await screen.findByRole('button', {
      name: 'Delete cluster',
    });
    await waitFor(() => expect(remove).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Hibernate' })).toBeEnabled();
    fireEvent.mouseOver(remove.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You are not allowed to delete this cluster (hostplane.cluster.delete)',
    );
  });
});
