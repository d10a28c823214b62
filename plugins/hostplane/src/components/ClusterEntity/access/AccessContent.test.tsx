import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { KubeconfigIssuance } from '@hostplane/plugin-hostplane-common';
import {
  aCluster,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { formatTime } from '../common/formatTime';
import { AccessContent } from './AccessContent';

jest.setTimeout(30_000);

const KUBECONFIG =
  'apiVersion: v1\nkind: Config\nusers:\n- user: {token: s3cr3t}\n';

function issuance(overrides: Partial<KubeconfigIssuance>): KubeconfigIssuance {
  return {
    id: 'i-1',
    hub: 'local',
    cluster: 'payments',
    user: 'user:default/ada',
    groups: ['team-a'],
    issuedAt: '2026-08-01T10:00:00Z',
    expiresAt: '2999-01-01T00:00:00Z',
    serial: '0a1b',
    revoked: false,
    ...overrides,
  };
}

describe('AccessContent', () => {
  const createObjectURL = jest.fn((_blob: Blob) => 'blob:kubeconfig');
  const revokeObjectURL = jest.fn();
  let clicked: HTMLAnchorElement[];

  beforeEach(() => {
    clicked = [];
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        clicked.push(this);
      });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    createObjectURL.mockClear();
    revokeObjectURL.mockClear();
  });

  it('downloads a kubeconfig for the chosen time as a file and shows when it expires, keeping none of it', async () => {
    const api = mockHostplaneApi({
      issueKubeconfig: async () => ({
        kubeconfig: KUBECONFIG,
        expiresAt: '2026-08-02T11:00:00Z',
        issuance: issuance({ serial: '7f3c' }),
      }),
    });
    await renderClusterTab(<AccessContent />, { api });

    fireEvent.mouseDown(
      await screen.findByRole('button', { name: /Valid for/ }),
    );
    fireEvent.click(await screen.findByRole('option', { name: '1 hour' }));
    fireEvent.click(
      screen.getByRole('button', { name: 'Download kubeconfig' }),
    );

    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(api.issueKubeconfig).toHaveBeenCalledWith('local', 'payments', {
      ttlHours: 1,
    });
    expect(clicked[0].download).toBe('payments.local.kubeconfig');
    expect(clicked[0].href).toBe('blob:kubeconfig');
    const blob = createObjectURL.mock.calls[0][0];
    expect(blob).toBeInstanceOf(Blob);
    expect(await blob.text()).toBe(KUBECONFIG);
    await waitFor(() =>
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:kubeconfig'),
    );

    expect(
      await screen.findByText(
        `Downloaded payments.local.kubeconfig: valid until ${formatTime(
          '2026-08-02T11:00:00Z',
        )} (certificate serial 7f3c).`,
      ),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toContain('s3cr3t');
    // The history is asked for again, to show the new issuance.
    await waitFor(() =>
      expect(api.listKubeconfigIssuances).toHaveBeenCalledTimes(2),
    );
  });

  it('lists who was issued a kubeconfig, when, and whether it still works', async () => {
    const api = mockHostplaneApi({
      listKubeconfigIssuances: async () => ({
        items: [
          issuance({ id: 'a', user: 'user:default/ada', serial: 'aa01' }),
          issuance({
            id: 'b',
            user: 'user:default/bob',
            serial: 'bb02',
            revoked: true,
          }),
          issuance({
            id: 'c',
            user: 'user:default/cy',
            serial: 'cc03',
            expiresAt: '2026-08-01T11:00:00Z',
          }),
        ],
      }),
    });
    await renderClusterTab(<AccessContent />, { api });
    const row = async (serial: string) =>
      within((await screen.findByText(serial)).closest('tr')!);

    expect(
      (await row('aa01')).getByText('user:default/ada'),
    ).toBeInTheDocument();
    expect((await row('aa01')).getByText('Valid')).toBeInTheDocument();
    expect(
      (await row('bb02')).getByText('Revoked (credentials rotated)'),
    ).toBeInTheDocument();
    expect((await row('cc03')).getByText('Expired')).toBeInTheDocument();
  });

  it('disables the download, saying why, when the policy denies it', async () => {
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'private' }),
    });
    await renderClusterTab(<AccessContent />, {
      api,
      permissions: mockPermissions(['hostplane.kubeconfig.issue']),
      entity: clusterEntity('private'),
    });
    const download = await screen.findByRole('button', {
      name: 'Download kubeconfig',
    });
    await waitFor(() => expect(download).toBeDisabled());
    // Nothing to choose a validity for either.
    expect(screen.getByRole('button', { name: /8 hours/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    fireEvent.mouseOver(download.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You are not allowed to download a kubeconfig for this cluster (hostplane.kubeconfig.issue)',
    );
    expect(api.issueKubeconfig).not.toHaveBeenCalled();
  });

  it("shows the server's reason when it will not issue one", async () => {
    const api = mockHostplaneApi({
      issueKubeconfig: async () => {
        throw new Error("cluster 'payments' has no endpoint yet");
      },
    });
    await renderClusterTab(<AccessContent />, { api });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Download kubeconfig' }),
    );
    expect(
      await screen.findByText("Error: cluster 'payments' has no endpoint yet"),
    ).toBeInTheDocument();
    expect(clicked).toHaveLength(0);
  });
});
