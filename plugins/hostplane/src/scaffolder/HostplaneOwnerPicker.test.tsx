import { Entity } from '@backstage/catalog-model';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { CatalogApi, catalogApiRef } from '@backstage/plugin-catalog-react';
import { OwnerChoicesResponse } from '@hostplane/plugin-hostplane-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { HostplaneOwnerPicker } from './HostplaneOwnerPicker';
import { FieldHarness, refusal } from './testUtils';

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
});

function renderPicker(
  listOwnerChoices: () => Promise<OwnerChoicesResponse>,
  onChange = jest.fn(),
) {
  const api: Pick<HostplaneApi, 'listOwnerChoices'> = { listOwnerChoices };
  const getEntities = jest.fn(async () => ({
    items: ['platform', 'team-a', 'team-b'].map(group),
  }));
  const catalogApi: Pick<CatalogApi, 'getEntities'> = { getEntities };
  return {
    getEntities,
    rendered: renderInTestApp(
      <TestApiProvider
        apis={[
          [hostplaneApiRef, api as HostplaneApi],
          [catalogApiRef, catalogApi as CatalogApi],
        ]}
      >
        <FieldHarness field={HostplaneOwnerPicker} onChange={onChange} />
      </TestApiProvider>,
    ),
  };
}

const input = () => screen.getByRole('textbox', { name: /Owner/ });

describe('HostplaneOwnerPicker', () => {
  it("chooses a member's only group for them, and offers nothing else", async () => {
    const onChange = jest.fn();
    const { getEntities, rendered } = renderPicker(
      async () => ({ anyOwner: false, owners: ['group:default/team-a'] }),
      onChange,
    );
    await rendered;
    await waitFor(() => expect(input()).toHaveValue('team-a'));
    expect(onChange).toHaveBeenCalledWith('group:default/team-a');
    expect(input()).toBeDisabled();
    expect(getEntities).not.toHaveBeenCalled();
  });

  it('lets a member of several groups choose among them', async () => {
    const onChange = jest.fn();
    await renderPicker(
      async () => ({
        anyOwner: false,
        owners: ['group:default/team-a', 'group:default/team-b'],
      }),
      onChange,
    ).rendered;
    await waitFor(() => expect(input()).toBeEnabled());
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.mouseDown(input());
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['team-a', 'team-b']);
    fireEvent.click(options[1]);
    expect(onChange).toHaveBeenCalledWith('group:default/team-b');
  });

  it('offers a platform team every group in the catalog, its own first', async () => {
    const onChange = jest.fn();
    const { getEntities, rendered } = renderPicker(
      async () => ({ anyOwner: true, owners: ['group:default/platform'] }),
      onChange,
    );
    await rendered;
    await waitFor(() => expect(input()).toHaveValue('platform'));
    expect(input()).toBeEnabled();
    expect(getEntities).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { kind: 'Group' } }),
    );
    fireEvent.mouseDown(input());
    const listbox = screen.getByRole('listbox');
    expect(listbox).toHaveTextContent(
      'Your groupsplatformOther groupsteam-ateam-b',
    );
    fireEvent.click(within(listbox).getByRole('option', { name: 'team-b' }));
    expect(onChange).toHaveBeenLastCalledWith('group:default/team-b');
  });

  it('says why when the user may create clusters for nobody', async () => {
    await renderPicker(async () => ({ anyOwner: false, owners: [] })).rendered;
    expect(
      await screen.findByText(
        'You may not create clusters: you are in no group whose clusters you may operate.',
      ),
    ).toBeInTheDocument();
    expect(input()).toBeDisabled();
  });

  it("shows the API's reason when it cannot say", async () => {
    await renderPicker(async () => {
      throw await refusal(503, 'the permission backend is unavailable');
    }).rendered;
    expect(
      await screen.findByText(
        'Could not load whom you may create clusters for: the permission backend is unavailable',
      ),
    ).toBeInTheDocument();
  });
});
