import { ResponseError } from '@backstage/errors';
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
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { ClusterOverviewContent } from './ClusterOverviewContent';

jest.setTimeout(30_000);

const failedScale = anOperation({
  id: 'op-9',
  state: 'failed',
  progress: 0.5,
  steps: [
    aStep('apply', 'Apply the node pool', 'succeeded'),
    aStep('wait', 'Wait for the machines', 'failed', 'timed out after 10m'),
  ],
  error: 'Wait for the machines: timed out after 10m',
  updatedAt: '2026-08-02T10:10:00Z',
  finishedAt: '2026-08-02T10:10:00Z',
});

async function retryButton() {
  const retry = await screen.findByRole('button', { name: 'Retry' });
  // Enabled once the permission has been decided.
  await waitFor(() => expect(retry).toBeEnabled());
  return retry;
}

describe('ClusterOverviewContent', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows the phase, conditions, endpoint, versions, availability and recent operations', async () => {
    const api = mockHostplaneApi({
      getCluster: async () =>
        aCluster({
          phase: 'Degraded',
          reason: 'EtcdQuorumLost',
          message: 'etcd has 1 of 3 members',
          desiredVersion: 'v1.37.2',
          availability: 'HighlyAvailable',
          conditions: [
            {
              type: 'EtcdAvailable',
              status: 'False',
              reason: 'EtcdQuorumLost',
              message: 'etcd has 1 of 3 members',
            },
          ],
        }),
      listOperations: async () => ({
        items: [
          anOperation({
            id: 'op-9',
            type: 'hibernate',
            state: 'failed',
            progress: 0.5,
            error: 'the hub refused the NodePool',
          }),
        ],
        totalCount: 1,
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });

    expect(await screen.findByText('Degraded')).toBeInTheDocument();
    expect(screen.getByText('https://127.0.0.1:40443')).toBeInTheDocument();
    expect(
      screen.getByText('v1.36.4 → v1.37.2 (upgrading)'),
    ).toBeInTheDocument();
    expect(screen.getByText('HighlyAvailable')).toBeInTheDocument();
    const condition = screen.getByText('EtcdAvailable').closest('tr')!;
    expect(within(condition).getByText('EtcdQuorumLost')).toBeInTheDocument();
    expect(
      within(condition).getByText('etcd has 1 of 3 members'),
    ).toBeInTheDocument();
    const operation = screen.getByText('op-9').closest('tr')!;
    expect(within(operation).getByText('Hibernate')).toBeInTheDocument();
    expect(within(operation).getByText('failed')).toBeInTheDocument();
    expect(
      within(operation).getByText('the hub refused the NodePool'),
    ).toBeInTheDocument();
    expect(screen.getByText('Error: Hibernate failed')).toBeInTheDocument();
    expect(api.listOperations).toHaveBeenCalledWith(
      expect.objectContaining({ hub: 'local', cluster: 'payments' }),
    );
  });

  it("shows an operation's id by its first 8 characters, the whole of it on hover", async () => {
    const id = '7247d198-6544-4420-b2ab-836cc6e0395f';
    const api = mockHostplaneApi({
      listOperations: async () => ({
        items: [anOperation({ id, state: 'succeeded', progress: 1 })],
        totalCount: 1,
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });

    const shortId = await screen.findByText('7247d198');
    expect(shortId).toHaveAttribute('title', id);
    expect(screen.queryByText(id)).not.toBeInTheDocument();
  });

  it('follows the running operation every 2 s and stops asking once it has finished', async () => {
    jest.useFakeTimers();
    const running = anOperation({
      type: 'upgrade',
      progress: 0.5,
      steps: [
        aStep('controlPlane', 'Upgrade the control plane', 'succeeded'),
        aStep('pools', 'Replace the machines', 'running', '1 of 3 replaced'),
      ],
    });
    const api = mockHostplaneApi({
      listOperations: async () => ({ items: [running], totalCount: 1 }),
      getOperation: jest
        .fn()
        .mockResolvedValueOnce({
          ...running,
          progress: 0.75,
          updatedAt: '2026-08-02T10:00:03Z',
          steps: [
            running.steps[0],
            aStep(
              'pools',
              'Replace the machines',
              'running',
              '2 of 3 replaced',
            ),
          ],
        })
        .mockResolvedValue({
          ...running,
          state: 'succeeded',
          progress: 1,
          updatedAt: '2026-08-02T10:00:05Z',
          finishedAt: '2026-08-02T10:00:05Z',
          steps: [
            running.steps[0],
            aStep('pools', 'Replace the machines', 'succeeded', '3 replaced'),
          ],
        }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });

    const bar = await screen.findByRole('progressbar', {
      name: 'Upgrade progress',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByText('Upgrade the control plane')).toBeInTheDocument();
    expect(screen.getByText('1 of 3 replaced')).toBeInTheDocument();
    expect(api.getOperation).not.toHaveBeenCalled();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(api.getOperation).toHaveBeenCalledWith('op-1');
    expect(
      screen.getByRole('progressbar', { name: 'Upgrade progress' }),
    ).toHaveAttribute('aria-valuenow', '75');
    expect(screen.getByText('2 of 3 replaced')).toBeInTheDocument();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(
      screen.getByRole('progressbar', { name: 'Upgrade progress' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('3 replaced')).toBeInTheDocument();

    await act(() => jest.advanceTimersByTimeAsync(20_000));
    expect(api.getOperation).toHaveBeenCalledTimes(2);
  });

  it('offers to retry the latest operation when it failed, and follows it running again', async () => {
    jest.useFakeTimers();
    const api = mockHostplaneApi({
      listOperations: async () => ({ items: [failedScale], totalCount: 1 }),
      retryOperation: async () => ({
        ...failedScale,
        state: 'running',
        error: undefined,
        finishedAt: undefined,
        updatedAt: '2026-08-02T11:00:00Z',
        steps: [
          failedScale.steps[0],
          aStep('wait', 'Wait for the machines', 'pending'),
        ],
      }),
      getOperation: async () => ({
        ...failedScale,
        state: 'succeeded',
        progress: 1,
        error: undefined,
        updatedAt: '2026-08-02T11:00:05Z',
        finishedAt: '2026-08-02T11:00:05Z',
        steps: [
          failedScale.steps[0],
          aStep('wait', 'Wait for the machines', 'succeeded', '3 of 3 ready'),
        ],
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });

    expect(await screen.findByText('Error: Scale failed')).toBeInTheDocument();
    expect(screen.getByText('timed out after 10m')).toBeInTheDocument();
    fireEvent.click(await retryButton());

    await waitFor(() =>
      expect(api.retryOperation).toHaveBeenCalledWith('op-9'),
    );
    await waitFor(() =>
      expect(screen.queryByText('Error: Scale failed')).not.toBeInTheDocument(),
    );
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
    expect(api.getOperation).not.toHaveBeenCalled();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(api.getOperation).toHaveBeenCalledWith('op-9');
    expect(
      screen.getByRole('progressbar', { name: 'Scale progress' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('3 of 3 ready')).toBeInTheDocument();
  });

  it("shows the server's reason when it refuses the retry", async () => {
    const api = mockHostplaneApi({
      listOperations: async () => ({ items: [failedScale], totalCount: 1 }),
      retryOperation: async () => {
        throw await ResponseError.fromResponse({
          headers: new Headers({ 'content-type': 'application/json' }),
          ok: false,
          redirected: false,
          status: 409,
          statusText: 'Conflict',
          type: 'basic',
          url: 'http://localhost/api/hostplane/operations/op-9/retry',
          text: async () =>
            JSON.stringify({
              error: {
                name: 'ConflictError',
                message:
                  "Cluster 'payments' already has an operation running: op-10",
              },
              response: { statusCode: 409 },
            }),
        });
      },
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });
    fireEvent.click(await retryButton());

    expect(
      await screen.findByText(
        "Cluster 'payments' already has an operation running: op-10",
        { selector: 'h6, span, div, p' },
      ),
    ).toBeInTheDocument();
    expect(api.retryOperation).toHaveBeenCalledTimes(1);
    expect(screen.getByText('Error: Scale failed')).toBeInTheDocument();
  });

  it('disables Retry, saying why, for a user who may not change the cluster', async () => {
    // Another cluster: decisions are cached per resource across the tests.
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'kept' }),
      listOperations: async () => ({
        items: [{ ...failedScale, cluster: 'kept' }],
        totalCount: 1,
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, {
      api,
      permissions: mockPermissions(['hostplane.cluster.update']),
      entity: clusterEntity('kept'),
    });
    const retry = await screen.findByRole('button', { name: 'Retry' });
    expect(retry).toBeDisabled();
    fireEvent.mouseOver(retry.parentElement!);
    await waitFor(() =>
      expect(screen.getByRole('tooltip')).toHaveTextContent(
        'You are not allowed to change this cluster (hostplane.cluster.update)',
      ),
    );
    expect(retry).toBeDisabled();
    fireEvent.click(retry);
    expect(api.retryOperation).not.toHaveBeenCalled();
  });

  it('offers no retry for a failed operation that a later one has followed', async () => {
    const api = mockHostplaneApi({
      listOperations: async () => ({
        items: [
          anOperation({ id: 'op-10', state: 'succeeded', progress: 1 }),
          failedScale,
        ],
        totalCount: 2,
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });

    expect(await screen.findByText('op-10')).toBeInTheDocument();
    expect(screen.getByText('No operation is running.')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it('takes Retry away when the retried operation fails again after another has started', async () => {
    jest.useFakeTimers();
    const other = anOperation({ id: 'op-10', type: 'upgrade' });
    const api = mockHostplaneApi({
      listOperations: jest
        .fn()
        .mockResolvedValueOnce({ items: [failedScale], totalCount: 1 })
        .mockResolvedValue({ items: [other, failedScale], totalCount: 2 }),
      retryOperation: async () => ({
        ...failedScale,
        state: 'running',
        error: undefined,
        finishedAt: undefined,
        updatedAt: '2026-08-02T11:00:00Z',
      }),
      getOperation: async () => ({
        ...failedScale,
        updatedAt: '2026-08-02T11:00:02Z',
        finishedAt: '2026-08-02T11:00:02Z',
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });
    fireEvent.click(await retryButton());
    await waitFor(() =>
      expect(screen.queryByText('Error: Scale failed')).not.toBeInTheDocument(),
    );

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(api.listOperations).toHaveBeenCalledTimes(2);
    expect(screen.getByText('Error: Scale failed')).toBeInTheDocument();
    expect(screen.getByText('op-10')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it("shows the server's reason when the cluster cannot be read", async () => {
    const api = mockHostplaneApi({
      getCluster: async () => {
        throw await ResponseError.fromResponse({
          headers: new Headers({ 'content-type': 'application/json' }),
          ok: false,
          redirected: false,
          status: 403,
          statusText: 'Forbidden',
          type: 'basic',
          url: 'http://localhost/api/hostplane/clusters/local/payments',
          text: async () =>
            JSON.stringify({
              error: {
                name: 'NotAllowedError',
                message: "user:default/eve may not read cluster 'payments'",
              },
              response: { statusCode: 403 },
            }),
        });
      },
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });
    expect(
      await screen.findByText(
        "user:default/eve may not read cluster 'payments'",
        {
          selector: 'h6, span, div, p',
        },
      ),
    ).toBeInTheDocument();
  });

  it('badges what fires on the cluster, from the same summary as the Clusters page, linking to its tabs', async () => {
    const api = mockHostplaneApi({
      getAlertSummary: async () => ({
        items: [
          {
            hub: 'local',
            cluster: 'other',
            firing: { critical: 5, warning: 0, info: 0 },
            silenced: 0,
            openThreats: 0,
          },
          {
            hub: 'local',
            cluster: 'payments',
            firing: { critical: 1, warning: 0, info: 0 },
            silenced: 0,
            openThreats: 2,
          },
        ],
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });
    const critical = await screen.findByRole('link', {
      name: '1 critical alert firing',
    });
    expect(critical.getAttribute('href')).toBe(
      '/catalog/default/resource/payments.local/alerts',
    );
    expect(
      screen
        .getByRole('link', { name: '2 open threat alerts' })
        .getAttribute('href'),
    ).toBe('/catalog/default/resource/payments.local/security');
    expect(screen.queryByText('5 critical')).toBeNull();
  });

  it('says when nothing fires on the cluster, counting what is silenced', async () => {
    const api = mockHostplaneApi({
      getAlertSummary: async () => ({
        items: [
          {
            hub: 'local',
            cluster: 'payments',
            firing: { critical: 0, warning: 0, info: 0 },
            silenced: 1,
            openThreats: 0,
          },
        ],
      }),
    });
    await renderClusterTab(<ClusterOverviewContent />, { api });
    expect(
      await screen.findByText('none firing (1 silenced)'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /firing/ })).toBeNull();
  });
});
