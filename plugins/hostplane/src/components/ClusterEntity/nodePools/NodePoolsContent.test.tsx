import { ResponseError } from '@backstage/errors';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  aCluster,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { NodePoolsContent } from './NodePoolsContent';

jest.setTimeout(30_000);

const twoPools = () =>
  aCluster({
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
      {
        name: 'gpu',
        phase: 'Scaling',
        autoscaling: { min: 1, max: 5 },
        currentReplicas: 2,
        version: 'v1.35.9',
        vcpu: 16,
        memoryGiB: 64,
        diskGiB: 200,
        conditions: [],
      },
    ],
  });

function row(name: string) {
  return screen.getByText(name, { selector: 'td, td *' }).closest('tr')!;
}

async function inDialog() {
  return within(await screen.findByRole('dialog'));
}

describe('NodePoolsContent', () => {
  it('lists each pool with its size, machines, resources, phase and version', async () => {
    await renderClusterTab(<NodePoolsContent />, {
      api: mockHostplaneApi({ getCluster: async () => twoPools() }),
    });
    await screen.findByText('gpu');
    const gpu = within(row('gpu'));
    expect(gpu.getByText('1–5 (autoscaling)')).toBeInTheDocument();
    expect(gpu.getByText('16')).toBeInTheDocument();
    expect(gpu.getByText('64')).toBeInTheDocument();
    expect(gpu.getByText('200')).toBeInTheDocument();
    expect(gpu.getByText('Scaling')).toBeInTheDocument();
    expect(gpu.getByText('v1.35.9')).toBeInTheDocument();
    expect(within(row('workers')).getByText('v1.36.4')).toBeInTheDocument();
  });

  it('scales only once the dialog is confirmed, then shows the started operation', async () => {
    const api = mockHostplaneApi();
    await renderClusterTab(<NodePoolsContent />, { api });
    fireEvent.click(
      await within(await waitFor(() => row('workers'))).findByRole('button', {
        name: 'Scale',
      }),
    );

    const dialog = await inDialog();
    fireEvent.change(dialog.getByLabelText('Machines'), {
      target: { value: '5' },
    });
    expect(
      dialog.getByText('The pool goes from 3 to 5 machines.'),
    ).toBeInTheDocument();
    expect(api.changeCluster).not.toHaveBeenCalled();

    fireEvent.click(dialog.getByRole('button', { name: 'Scale' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'scale',
        pool: 'workers',
        replicas: 5,
      }),
    );
    expect(
      await screen.findByRole('progressbar', { name: 'Scale progress' }),
    ).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByText('1 of 3 machines')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('sends nothing when the dialog is cancelled, and names what is wrong with the input', async () => {
    const api = mockHostplaneApi();
    await renderClusterTab(<NodePoolsContent />, { api });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Enable autoscaling' }),
    );
    const dialog = await inDialog();
    fireEvent.change(dialog.getByLabelText('Minimum machines'), {
      target: { value: '6' },
    });
    fireEvent.change(dialog.getByLabelText('Maximum machines'), {
      target: { value: '4' },
    });
    expect(
      dialog.getByText('autoscaling.min must not exceed autoscaling.max'),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Autoscale' })).toBeDisabled();

    fireEvent.change(dialog.getByLabelText('Maximum machines'), {
      target: { value: '8' },
    });
    expect(dialog.getByRole('button', { name: 'Autoscale' })).toBeEnabled();
    fireEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.changeCluster).not.toHaveBeenCalled();
  });

  it('adds a pool and removes one, each after confirming', async () => {
    const api = mockHostplaneApi({ getCluster: async () => twoPools() });
    await renderClusterTab(<NodePoolsContent />, { api });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Add node pool' }),
    );
    let dialog = await inDialog();
    expect(
      dialog.getByText('node pool name must not be empty'),
    ).toBeInTheDocument();
    fireEvent.change(dialog.getByLabelText('Name'), {
      target: { value: 'gpu' },
    });
    expect(
      dialog.getByText("node pool 'gpu' already exists"),
    ).toBeInTheDocument();
    fireEvent.change(dialog.getByLabelText('Name'), {
      target: { value: 'batch' },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Add pool' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenLastCalledWith('local', 'payments', {
        action: 'addPool',
        nodePool: {
          name: 'batch',
          replicas: 1,
          vcpu: 2,
          memoryGiB: 8,
          diskGiB: 40,
          labels: {},
          taints: [],
        },
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    // The operation just started blocks the next change until it has finished.
    expect(
      within(row('gpu')).getByRole('button', { name: 'Remove' }),
    ).toBeDisabled();
    api.getOperation.mockResolvedValue({
      ...(await api.changeCluster.mock.results[0].value),
      state: 'succeeded',
      progress: 1,
    });
    await waitFor(
      () =>
        expect(
          within(row('gpu')).getByRole('button', { name: 'Remove' }),
        ).toBeEnabled(),
      { timeout: 5_000 },
    );
    fireEvent.click(within(row('gpu')).getByRole('button', { name: 'Remove' }));
    dialog = await inDialog();
    expect(api.changeCluster).toHaveBeenCalledTimes(1);
    fireEvent.click(dialog.getByRole('button', { name: 'Remove' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenLastCalledWith('local', 'payments', {
        action: 'removePool',
        pool: 'gpu',
      }),
    );
  });

  it('does not offer to remove the last pool', async () => {
    await renderClusterTab(<NodePoolsContent />);
    const remove = await screen.findByRole('button', { name: 'Remove' });
    expect(remove).toBeDisabled();
    fireEvent.mouseOver(remove.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'The last node pool cannot be removed',
    );
  });

  it('disables the actions, saying why, when the policy denies updating this cluster', async () => {
    const permissions = mockPermissions(['hostplane.cluster.update']);
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'locked' }),
    });
    await renderClusterTab(<NodePoolsContent />, {
      api,
      permissions,
      entity: clusterEntity('locked'),
    });
    await screen.findByText('workers');
    const scale = await waitFor(() => {
      const button = screen.getByRole('button', { name: 'Scale' });
      expect(button).toBeDisabled();
      return button;
    });
    expect(
      screen.getByRole('button', { name: 'Add node pool' }),
    ).toBeDisabled();
    expect(permissions.authorize).toHaveBeenCalledWith(
      expect.objectContaining({ resourceRef: 'local/locked' }),
    );

    fireEvent.mouseOver(scale.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You are not allowed to change this cluster (hostplane.cluster.update)',
    );
    fireEvent.click(scale);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it("keeps the dialog open with the server's reason when it refuses", async () => {
    const api = mockHostplaneApi({
      changeCluster: async () => {
        throw await ResponseError.fromResponse({
          headers: new Headers({ 'content-type': 'application/json' }),
          ok: false,
          redirected: false,
          status: 409,
          statusText: 'Conflict',
          type: 'basic',
          url: 'http://localhost/api/hostplane/clusters/local/payments',
          text: async () =>
            JSON.stringify({
              error: {
                name: 'ConflictError',
                message: "cluster 'payments' is busy with op-7",
              },
              response: { statusCode: 409 },
            }),
        });
      },
    });
    await renderClusterTab(<NodePoolsContent />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Scale' }));
    const dialog = await inDialog();
    fireEvent.change(dialog.getByLabelText('Machines'), {
      target: { value: '4' },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Scale' }));
    expect(
      await dialog.findAllByText("cluster 'payments' is busy with op-7"),
    ).not.toHaveLength(0);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
