import path from 'node:path';
import { expectToMatchGolden } from '@hostplane/local-hub';
import { singleReplica } from '../__fixtures__/clusters';
import { renderNamespace } from './namespace';

describe('renderNamespace', () => {
  it("renders the owner's namespace as in the golden file", () => {
    expectToMatchGolden(
      renderNamespace(singleReplica),
      path.join(__dirname, '__testdata__', 'namespace.yaml'),
    );
  });

  it('is shared by all clusters of one owner', () => {
    expect(
      renderNamespace({ ...singleReplica, name: 'other', owner: 'user:team-a' })
        .metadata,
    ).toEqual(renderNamespace(singleReplica).metadata);
  });
});
