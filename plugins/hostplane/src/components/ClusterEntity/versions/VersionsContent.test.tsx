import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  aCluster,
  mockHostplaneApi,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { VersionsContent } from './VersionsContent';

jest.setTimeout(30_000);

const offered = ['v1.35.9', 'v1.36.4', 'v1.36.5', 'v1.37.2', 'v1.38.1'];

function versionRow(version: string) {
  return screen.getByText(version, { selector: 'td, td *' }).closest('tr')!;
}

describe('VersionsContent', () => {
  it("offers the hub's newer versions and says before submitting why one would be refused", async () => {
    const api = mockHostplaneApi({
      listHubVersions: async () => ({
        hub: 'local',
        versions: offered.map(version => ({ version })),
      }),
      getCluster: async () =>
        aCluster({
          nodePools: [{ ...aCluster().nodePools[0], version: 'v1.35.9' }],
        }),
    });
    await renderClusterTab(<VersionsContent />, { api });

    await screen.findByText('v1.38.1');
    expect(api.listHubVersions).toHaveBeenCalledWith('local');
    const table = within(versionRow('v1.38.1').closest('table')!);
    expect(table.queryByText('v1.35.9')).not.toBeInTheDocument();
    expect(table.queryByText('v1.36.4')).not.toBeInTheDocument();
    expect(table.getByText('v1.36.5')).toBeInTheDocument();
    expect(
      within(versionRow('v1.37.2')).getByRole('button', {
        name: 'Upgrade to v1.37.2',
      }),
    ).toBeEnabled();

    const skip = within(versionRow('v1.38.1'));
    const reason =
      'upgrading from v1.36.4 to v1.38.1 skips a minor version; upgrade to v1.37 first (the control plane moves one minor version at a time)';
    expect(skip.getByText(reason)).toBeInTheDocument();
    const refused = skip.getByRole('button', { name: 'Upgrade to v1.38.1' });
    expect(refused).toBeDisabled();
    fireEvent.mouseOver(refused.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);

    expect(screen.getByText('Warning: Version skew')).toBeInTheDocument();
    expect(
      screen.getByText(
        "Node pool 'workers' runs v1.35.9, older than the control plane (v1.36.4).",
      ),
    ).toBeInTheDocument();
  });

  it('upgrades only after the confirmation', async () => {
    const api = mockHostplaneApi({
      listHubVersions: async () => ({
        hub: 'local',
        versions: offered.map(version => ({ version })),
      }),
    });
    await renderClusterTab(<VersionsContent />, { api });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade to v1.37.2' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText('Upgrade payments to v1.37.2')).toBeInTheDocument();
    expect(api.changeCluster).not.toHaveBeenCalled();
    fireEvent.click(dialog.getByRole('button', { name: 'Upgrade' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'upgrade',
        version: 'v1.37.2',
      }),
    );
    expect(
      await screen.findByRole('progressbar', { name: 'Upgrade progress' }),
    ).toBeInTheDocument();
  });

  it("shows the server's reason when the hub's versions cannot be had", async () => {
    const api = mockHostplaneApi({
      listHubVersions: async () => {
        throw new Error("There is no hub 'local'");
      },
    });
    await renderClusterTab(<VersionsContent />, { api });
    expect(
      await screen.findAllByText("There is no hub 'local'"),
    ).not.toHaveLength(0);
  });
});
