import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import { act, fireEvent, screen } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { HostplaneClusterNamePicker } from './HostplaneClusterNamePicker';
import { validateClusterName } from './clusterName';
import { FieldHarness, refusal } from './testUtils';

type ClusterApi = Pick<HostplaneApi, 'getCluster'>;

const existing = (hub: string, name: string, owner: string): ClusterStatus => ({
  hub,
  name,
  namespace: 'tenants-team-a',
  owner,
  phase: 'Ready',
  nodePools: [],
  conditions: [],
  deletionProtection: false,
  labels: {},
});

/** `shop` exists on `local`; `secret` exists but the user may not read it; `boom` breaks the API. */
const clusterApi = (): jest.Mocked<ClusterApi> => ({
  getCluster: jest.fn(async (hub: string, name: string) => {
    if (hub === 'local' && name === 'shop') {
      return existing(hub, name, 'group:default/team-a');
    }
    if (name === 'secret') throw await refusal(403, 'you may not');
    if (name === 'boom') throw await refusal(500, 'the database is down');
    throw await refusal(404, `There is no cluster '${name}' on hub '${hub}'`);
  }),
});

function renderPicker(
  api: ClusterApi,
  harness: Omit<Parameters<typeof FieldHarness>[0], 'field'> = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[hostplaneApiRef, api as HostplaneApi]]}>
      <FieldHarness field={HostplaneClusterNamePicker} {...harness} />
    </TestApiProvider>,
  );
}

const type = (value: string) =>
  fireEvent.change(screen.getByRole('textbox', { name: /Name/ }), {
    target: { value },
  });

describe('HostplaneClusterNamePicker', () => {
  // Fake timers: the lookup waits for typing to pause (NAME_CHECK_DELAY_MS).
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const pause = () =>
    act(async () => {
      await jest.advanceTimersByTimeAsync(1_000);
    });

  it("says what is wrong with the name's format at once, in the API's words, without asking the hub", async () => {
    const api = clusterApi();
    await renderPicker(api, { hub: 'local' });

    type('Shop');
    expect(
      screen.getByText(
        "cluster name must be lower-case letters, digits and '-', start with a letter and end with a letter or digit",
      ),
    ).toBeInTheDocument();
    type('a'.repeat(31));
    expect(
      screen.getByText('cluster name must be at most 30 characters'),
    ).toBeInTheDocument();
    await pause();
    expect(api.getCluster).not.toHaveBeenCalled();
  });

  it('looks the name up once typing pauses, and says it is taken', async () => {
    const api = clusterApi();
    await renderPicker(api, { hub: 'local' });

    type('s');
    type('sh');
    type('shop');
    expect(
      screen.getByText("Checking whether 'shop' is free on hub 'local'…"),
    ).toBeInTheDocument();
    await pause();
    expect(
      screen.getByText(
        "A cluster named 'shop' already exists on hub 'local' (owner group:default/team-a)",
      ),
    ).toBeInTheDocument();
    expect(api.getCluster.mock.calls).toEqual([['local', 'shop']]);
  });

  it('says a name is free, and checks again on the hub the form switches to', async () => {
    const api = clusterApi();
    await renderPicker(api, { hub: 'eu-1', otherHub: 'local' });

    type('shop');
    await pause();
    expect(
      screen.getByText("'shop' is free on hub 'eu-1'."),
    ).toBeInTheDocument();
    expect(screen.getByTitle('The name is free')).toBeInTheDocument();

    fireEvent.click(screen.getByText('Switch to hub local'));
    await pause();
    expect(
      screen.getByText(
        "A cluster named 'shop' already exists on hub 'local' (owner group:default/team-a)",
      ),
    ).toBeInTheDocument();
  });

  it('uses ui:options.hub when the form has no hub', async () => {
    const api = clusterApi();
    await renderPicker(api, { uiOptions: { hub: 'local' } });
    type('shop');
    await pause();
    expect(api.getCluster).toHaveBeenCalledWith('local', 'shop');
  });

  it('says when there is no hub to check the name on', async () => {
    await renderPicker(clusterApi());
    type('web');
    expect(
      screen.getByText('Choose a hub to check that the name is free there.'),
    ).toBeInTheDocument();
  });

  it('tells when the lookup fails', async () => {
    await renderPicker(clusterApi(), { hub: 'local' });
    type('boom');
    await pause();
    expect(
      screen.getByText(
        "Could not check whether 'boom' is free on hub 'local': the database is down",
      ),
    ).toBeInTheDocument();
  });
});

describe('validateClusterName', () => {
  const validate = async (
    value: string,
    formData: Record<string, unknown>,
    uiOptions: { hub?: string } = {},
  ) => {
    const validation = createFieldValidation();
    await validateClusterName(value, validation, {
      apiHolder: { get: () => clusterApi() } as any,
      formData: formData as any,
      schema: {},
      uiSchema: { 'ui:options': uiOptions },
    });
    return validation.__errors ?? [];
  };

  it('keeps the user on the step with an invalid or taken name', async () => {
    expect(await validate('shop-', { hub: 'local' })).toEqual([
      "cluster name must be lower-case letters, digits and '-', start with a letter and end with a letter or digit",
    ]);
    expect(await validate('shop', { hub: 'local' })).toEqual([
      "A cluster named 'shop' already exists on hub 'local' (owner group:default/team-a)",
    ]);
    expect(await validate('shop', {}, { hub: 'local' })).toEqual([
      "A cluster named 'shop' already exists on hub 'local' (owner group:default/team-a)",
    ]);
    expect(await validate('secret', { hub: 'local' })).toEqual([
      "A cluster named 'secret' already exists on hub 'local' (you may not see it)",
    ]);
  });

  it('lets a free name through, and leaves a failed lookup to the action', async () => {
    expect(await validate('shop', { hub: 'eu-1' })).toEqual([]);
    expect(await validate('boom', { hub: 'local' })).toEqual([]);
    expect(await validate('shop', {})).toEqual([]);
  });
});
