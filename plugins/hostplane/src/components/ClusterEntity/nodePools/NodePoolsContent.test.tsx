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

/** Opens the actions menu on a pool's row. */
async function openActions(pool: string) {
  fireEvent.click(
    await screen.findByRole('button', {
      name: `Actions for node pool ${pool}`,
    }),
  );
  return within(await screen.findByRole('menu'));
}

/** An item of the open menu; a disabled one has the reason beneath its label. */
function menuItem(menu: ReturnType<typeof within>, label: string) {
  return menu.getByRole('menuitem', { name: new RegExp(`^${label}`) });
}

function isDisabled(item: HTMLElement) {
  return item.getAttribute('aria-disabled') === 'true';
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
    fireEvent.click(menuItem(await openActions('workers'), 'Scale'));

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
      menuItem(await openActions('workers'), 'Enable autoscaling'),
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
    const menu = await openActions('gpu');
    expect(isDisabled(menuItem(menu, 'Remove'))).toBe(true);
    expect(menuItem(menu, 'Remove')).toHaveTextContent(
      /Add node pool \(op-new\) is running; wait for it to finish/,
    );
    api.getOperation.mockResolvedValue({
      ...(await api.changeCluster.mock.results[0].value),
      state: 'succeeded',
      progress: 1,
    });
    await waitFor(
      () => expect(isDisabled(menuItem(menu, 'Remove'))).toBe(false),
      { timeout: 5_000 },
    );
    fireEvent.click(menuItem(menu, 'Remove'));
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
    const menu = await openActions('workers');
    // Once the permissions are in, only removing is refused.
    await waitFor(() =>
      expect(isDisabled(menuItem(menu, 'Scale'))).toBe(false),
    );
    const remove = menuItem(menu, 'Remove');
    expect(isDisabled(remove)).toBe(true);
    expect(remove).toHaveTextContent('The last node pool cannot be removed');
    fireEvent.click(remove);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
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
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Add node pool' }),
      ).toBeDisabled(),
    );
    expect(permissions.authorize).toHaveBeenCalledWith(
      expect.objectContaining({ resourceRef: 'local/locked' }),
    );

    const menu = await openActions('workers');
    await waitFor(() =>
      expect(menuItem(menu, 'Scale')).toHaveTextContent(
        'You are not allowed to change this cluster (hostplane.cluster.update)',
      ),
    );
    for (const label of ['Scale', 'Enable autoscaling', 'Remove']) {
      expect(isDisabled(menuItem(menu, label))).toBe(true);
    }
    fireEvent.click(menuItem(menu, 'Scale'));
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
    fireEvent.click(menuItem(await openActions('workers'), 'Scale'));
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
