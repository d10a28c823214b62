import { ResponseError } from '@backstage/errors';
import { act, screen, within } from '@testing-library/react';
import {
  aCluster,
  anOperation,
  aStep,
  mockHostplaneApi,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { ClusterOverviewContent } from './ClusterOverviewContent';

jest.setTimeout(30_000);

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
    expect(screen.getByText('No operation is running.')).toBeInTheDocument();
    expect(api.listOperations).toHaveBeenCalledWith(
      expect.objectContaining({ hub: 'local', cluster: 'payments' }),
    );
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
});
