import path from 'node:path';
import { expectToMatchGolden } from '@hostplane/local-hub';
import {
  highlyAvailable,
  releases,
  singleReplica,
} from '../__fixtures__/clusters';
import { renderNodePool } from './nodePool';

describe('renderNodePool', () => {
  it('renders the fixed pool of a single-replica cluster as in the golden file', () => {
    expectToMatchGolden(
      singleReplica.nodePools.map(pool =>
        renderNodePool(singleReplica, pool, releases['v1.37.2']),
      ),
      path.join(__dirname, '__testdata__', 'node-pools-single-replica.yaml'),
    );
  });

  it('renders a fixed and an autoscaled pool with labels and taints as in the golden file', () => {
    expectToMatchGolden(
      highlyAvailable.nodePools.map(pool =>
        renderNodePool(highlyAvailable, pool, releases['v1.37.2']),
      ),
      path.join(__dirname, '__testdata__', 'node-pools-highly-available.yaml'),
    );
  });

  it('renders hibernated pools at zero machines with the size to resume to, as in the golden file', () => {
    expectToMatchGolden(
      highlyAvailable.nodePools.map(pool =>
        renderNodePool(highlyAvailable, pool, releases['v1.37.2'], {
          hibernated: true,
        }),
      ),
      path.join(__dirname, '__testdata__', 'node-pools-hibernated.yaml'),
    );
  });
});
