import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { HostplaneVersionPicker } from './HostplaneVersionPicker';
import { FieldHarness, refusal } from './testUtils';
import { newestFirst, validateHubVersion } from './versions';

type VersionsApi = Pick<HostplaneApi, 'listHubVersions'>;

// What hubs offer, oldest first as the API lists them.
const offered: Record<string, string[]> = {
  local: ['v1.35.6', 'v1.36.4', 'v1.37.2'],
  'eu-1': ['v1.9.1', 'v1.10.0'],
};
const versionsApi = (): jest.Mocked<VersionsApi> => ({
  listHubVersions: jest.fn(async (hub: string) => {
    if (!offered[hub]) throw await refusal(404, `There is no hub '${hub}'`);
    return { hub, versions: offered[hub].map(version => ({ version })) };
  }),
});

function renderPicker(
  api: VersionsApi,
  harness: Omit<Parameters<typeof FieldHarness>[0], 'field'>,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[hostplaneApiRef, api as HostplaneApi]]}>
      <FieldHarness field={HostplaneVersionPicker} {...harness} />
    </TestApiProvider>,
  );
}

const picker = () => screen.getByRole('button', { name: /Kubernetes version/ });

describe('HostplaneVersionPicker', () => {
  it("lists the chosen hub's versions newest first and preselects the newest", async () => {
    const api = versionsApi();
    const onChange = jest.fn();
    await renderPicker(api, { hub: 'local', onChange });

    await waitFor(() => expect(picker()).toHaveTextContent('v1.37.2 (newest)'));
    expect(onChange).toHaveBeenCalledWith('v1.37.2');
    expect(api.listHubVersions).toHaveBeenCalledWith('local');

    fireEvent.mouseDown(picker());
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'v1.37.2 (newest)',
      'v1.36.4',
      'v1.35.6',
    ]);
    fireEvent.click(options[2]);
    await waitFor(() => expect(picker()).toHaveTextContent('v1.35.6'));
    expect(onChange).toHaveBeenLastCalledWith('v1.35.6');
  });

  it('keeps a version the hub offers, and replaces one chosen for another hub', async () => {
    const api = versionsApi();
    await renderPicker(api, {
      hub: 'local',
      initial: 'v1.36.4',
      otherHub: 'eu-1',
    });
    await waitFor(() => expect(picker()).toHaveTextContent('v1.36.4'));

    fireEvent.click(screen.getByText('Switch to hub eu-1'));
    // v1.10.0 is newer than v1.9.1: versions compare by number, not as text.
    await waitFor(() => expect(picker()).toHaveTextContent('v1.10.0 (newest)'));
    expect(api.listHubVersions).toHaveBeenLastCalledWith('eu-1');
  });

  it('uses ui:options.hub when the form has no hub', async () => {
    const api = versionsApi();
    await renderPicker(api, { uiOptions: { hub: 'eu-1' } });
    await waitFor(() => expect(picker()).toHaveTextContent('v1.10.0 (newest)'));
    expect(api.listHubVersions).toHaveBeenCalledWith('eu-1');
  });

  it('asks for a hub first', async () => {
    const api = versionsApi();
    await renderPicker(api, {});
    expect(
      screen.getByText(
        'Choose a hub first: the versions are the ones it offers.',
      ),
    ).toBeInTheDocument();
    expect(api.listHubVersions).not.toHaveBeenCalled();
  });

  it("shows the server's reason when the hub's versions cannot be loaded", async () => {
    const onChange = jest.fn();
    await renderPicker(versionsApi(), { hub: 'gone', onChange });
    expect(
      await screen.findByText(
        "Could not load the versions hub 'gone' offers: There is no hub 'gone'",
      ),
    ).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe('validateHubVersion', () => {
  const validate = async (
    value: string,
    formData: Record<string, unknown>,
    api: VersionsApi = versionsApi(),
  ) => {
    const validation = createFieldValidation();
    await validateHubVersion(value, validation, {
      apiHolder: { get: () => api } as any,
      formData: formData as any,
      schema: {},
    });
    return validation.__errors ?? [];
  };

  it('refuses a version the chosen hub does not offer, and accepts one it does', async () => {
    expect(await validate('v1.36.4', { hub: 'local' })).toEqual([]);
    expect(await validate('v1.36.4', { hub: 'eu-1' })).toEqual([
      "version v1.36.4 is not offered by hub 'eu-1' (offered: v1.10.0, v1.9.1)",
    ]);
  });

  it('leaves a failed check to the action', async () => {
    expect(await validate('v1.36.4', { hub: 'gone' })).toEqual([]);
  });
});

describe('newestFirst', () => {
  it('orders by major, minor and patch numbers', () => {
    expect(newestFirst(['v1.9.10', 'v1.10.0', 'v1.9.9', 'v2.0.0'])).toEqual([
      'v2.0.0',
      'v1.10.0',
      'v1.9.10',
      'v1.9.9',
    ]);
  });
});
