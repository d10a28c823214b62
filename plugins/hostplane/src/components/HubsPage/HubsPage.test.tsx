import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { providerCapabilities } from '../ClusterEntity/__testUtils__/fixtures';
import { HubsPage } from './HubsPage';

function renderWith(api: Pick<HostplaneApi, 'listHubs'>) {
  return renderInTestApp(
    <TestApiProvider apis={[[hostplaneApiRef, api as HostplaneApi]]}>
      <HubsPage />
    </TestApiProvider>,
  );
}

describe('HubsPage', () => {
  it('lists each hub with its version and readiness', async () => {
    await renderWith({
      listHubs: async () => ({
        items: [
          {
            name: 'local',
            server: 'https://127.0.0.1:6443',
            capabilities: providerCapabilities(),
            reachable: true,
            kubernetesVersion: 'v1.37.2',
            missingApis: [],
          },
          {
            name: 'eu-1',
            server: 'https://eu-1:6443',
            capabilities: providerCapabilities(),
            reachable: true,
            kubernetesVersion: 'v1.36.0',
            missingApis: ['nodepools.hypershift.openshift.io'],
          },
          {
            name: 'down',
            server: 'https://down:6443',
            capabilities: providerCapabilities(),
            reachable: false,
            missingApis: [],
            error: 'connect ECONNREFUSED',
          },
        ],
      }),
    });
    expect(await screen.findByText('Hubs (3)')).toBeInTheDocument();
    expect(screen.getByText('v1.37.2')).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    expect(
      screen.getByText(/Missing APIs: nodepools.hypershift.openshift.io/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Unreachable: connect ECONNREFUSED/),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the backend fails', async () => {
    await renderWith({
      listHubs: async () => {
        throw new Error('backend is down');
      },
    });
    expect(
      (await screen.findAllByText(/backend is down/)).length,
    ).toBeGreaterThan(0);
  });
});
