import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { HubStatus } from '@hostplane/plugin-hostplane-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { providerCapabilities } from '../components/ClusterEntity/__testUtils__/fixtures';
import { HostplaneHubPicker } from './HostplaneHubPicker';
import { FieldHarness } from './testUtils';

const hub = (name: string, status: Partial<HubStatus> = {}): HubStatus => ({
  name,
  capabilities: providerCapabilities(),
  server: `https://${name}:6443`,
  reachable: true,
  kubernetesVersion: 'v1.37.2',
  missingApis: [],
  ...status,
});

function renderPicker(
  listHubs: HostplaneApi['listHubs'],
  onChange = jest.fn(),
) {
  const api: Pick<HostplaneApi, 'listHubs'> = { listHubs };
  return renderInTestApp(
    <TestApiProvider apis={[[hostplaneApiRef, api as HostplaneApi]]}>
      <FieldHarness field={HostplaneHubPicker} onChange={onChange} />
    </TestApiProvider>,
  );
}

const picker = () => screen.getByRole('button', { name: /Hub/ });

describe('HostplaneHubPicker', () => {
  it('offers the hubs that can take a cluster, preselects the only one, and tells why the others cannot', async () => {
    const onChange = jest.fn();
    await renderPicker(
      async () => ({
        items: [
          hub('local'),
          hub('down', { reachable: false, error: 'connect ECONNREFUSED' }),
          hub('bare', { missingApis: ['nodepools.hypershift.openshift.io'] }),
        ],
      }),
      onChange,
    );
    await waitFor(() => expect(picker()).toHaveTextContent('local'));
    expect(onChange).toHaveBeenCalledWith('local');

    fireEvent.mouseDown(picker());
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(
      options.map(o => [o.textContent, o.getAttribute('aria-disabled')]),
    ).toEqual([
      ['localKubernetes v1.37.2', 'false'],
      ['downunreachable: connect ECONNREFUSED', 'true'],
      ['baremissing APIs: nodepools.hypershift.openshift.io', 'true'],
    ]);
  });

  it('lets the user choose when several hubs can take a cluster', async () => {
    const onChange = jest.fn();
    await renderPicker(
      async () => ({ items: [hub('local'), hub('eu-1')] }),
      onChange,
    );
    await waitFor(() => expect(picker()).not.toHaveAttribute('aria-disabled'));
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.mouseDown(picker());
    fireEvent.click(screen.getByRole('option', { name: /eu-1/ }));
    expect(onChange).toHaveBeenCalledWith('eu-1');
    await waitFor(() => expect(picker()).toHaveTextContent('eu-1'));
  });

  it('shows why the hubs cannot be loaded', async () => {
    await renderPicker(async () => {
      throw new Error('backend is down');
    });
    expect(
      await screen.findByText('Could not load the hubs: backend is down'),
    ).toBeInTheDocument();
  });
});
