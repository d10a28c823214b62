import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  aCluster,
  anOperation,
  aStep,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  providerCapabilities,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { SettingsContent } from './SettingsContent';

jest.setTimeout(30_000);

async function openDialog(button: string) {
  fireEvent.click(await screen.findByRole('button', { name: button }));
  return within(await screen.findByRole('dialog'));
}

describe('SettingsContent', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

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

  it("hides credential rotation when the cluster's provider cannot rotate credentials", async () => {
    await renderClusterTab(<SettingsContent />, {
      api: mockHostplaneApi({
        getCluster: async () =>
          aCluster({
            capabilities: providerCapabilities({ credentialRotation: false }),
          }),
      }),
    });
    expect(
      await screen.findByRole('button', { name: 'Delete cluster' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Deletion protection' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Rotate credentials' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Rotate credentials' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Hibernate' })).toBeEnabled();
  });

  it("hides hibernation when the cluster's provider cannot hibernate", async () => {
    await renderClusterTab(<SettingsContent />, {
      api: mockHostplaneApi({
        getCluster: async () =>
          aCluster({
            capabilities: providerCapabilities({ hibernation: false }),
          }),
      }),
    });
    expect(
      await screen.findByRole('button', { name: 'Rotate credentials' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Hibernation' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Hibernate' }),
    ).not.toBeInTheDocument();
  });

  it.each([
    ['declares them', providerCapabilities()],
    ['is not said (an older backend)', undefined],
  ])(
    "offers hibernation and credential rotation when the provider's support %s",
    async (_, capabilities) => {
      await renderClusterTab(<SettingsContent />, {
        api: mockHostplaneApi({
          getCluster: async () => aCluster({ capabilities }),
        }),
      });
      expect(
        await screen.findByRole('button', { name: 'Rotate credentials' }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Hibernate' }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('heading', { name: 'Rotate credentials' }),
      ).toBeInTheDocument();
    },
  );

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

  it('offers Retry in the banner when the change started here fails, and follows it again', async () => {
    jest.useFakeTimers();
    const failed = anOperation({
      id: 'op-new',
      type: 'hibernate',
      state: 'failed',
      progress: 0.5,
      error: 'Scale the pools to zero: the hub refused the NodePool',
      updatedAt: '2026-08-02T10:00:03Z',
      finishedAt: '2026-08-02T10:00:03Z',
    });
    const api = mockHostplaneApi({
      getOperation: jest
        .fn()
        .mockResolvedValueOnce(failed)
        .mockResolvedValue({
          ...failed,
          state: 'succeeded',
          progress: 1,
          error: undefined,
          updatedAt: '2026-08-02T10:01:05Z',
          finishedAt: '2026-08-02T10:01:05Z',
        }),
      retryOperation: async () => ({
        ...failed,
        state: 'running',
        error: undefined,
        finishedAt: undefined,
        updatedAt: '2026-08-02T10:01:00Z',
        steps: [aStep('pools', 'Scale the pools to zero', 'pending')],
      }),
    });
    await renderClusterTab(<SettingsContent />, { api });
    const dialog = await openDialog('Hibernate');
    fireEvent.click(dialog.getByRole('button', { name: 'Hibernate' }));
    expect(
      await screen.findByRole('progressbar', { name: 'Hibernate progress' }),
    ).toHaveAttribute('aria-valuenow', '50');
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(
      screen.getByText('Scale the pools to zero: the hub refused the NodePool'),
    ).toBeInTheDocument();
    const retry = screen.getByRole('button', { name: 'Retry' });
    await waitFor(() => expect(retry).toBeEnabled());
    fireEvent.click(retry);
    await waitFor(() =>
      expect(api.retryOperation).toHaveBeenCalledWith('op-new'),
    );
    expect(
      await screen.findByText('Scale the pools to zero'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Error: Hibernate failed'),
    ).not.toBeInTheDocument();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(api.getOperation).toHaveBeenCalledTimes(2);
    expect(
      screen.getByRole('progressbar', { name: 'Hibernate progress' }),
    ).toHaveAttribute('aria-valuenow', '100');
  });

  it('lets a failed delete be retried on a cluster being deleted, by who may delete it', async () => {
    // Another cluster: decisions are cached per resource across the tests.
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'leaving', phase: 'Deleting' }),
      listOperations: async () => ({
        items: [
          anOperation({
            cluster: 'leaving',
            type: 'delete',
            state: 'failed',
            error: 'Delete the hosted cluster: the finalizer is stuck',
          }),
        ],
        totalCount: 1,
      }),
    });
    await renderClusterTab(<SettingsContent />, {
      api,
      permissions: mockPermissions(['hostplane.cluster.update']),
      entity: clusterEntity('leaving'),
    });
    expect(await screen.findByText('Error: Delete failed')).toBeInTheDocument();
    const retry = screen.getByRole('button', { name: 'Retry' });
    await waitFor(() => expect(retry).toBeEnabled());
    expect(screen.getByRole('button', { name: 'Hibernate' })).toBeDisabled();
    fireEvent.click(retry);
    await waitFor(() =>
      expect(api.retryOperation).toHaveBeenCalledWith('op-1'),
    );
  });
});
