import {
  ClusterStatus,
  listClustersResponseSchema,
  summarizeCluster,
} from '@hostplane/plugin-hostplane-common';
import { clusterStatus } from '../__testUtils__/clusterStatus';
import { ListResponseJson } from './ListResponseJson';

/** A cluster with conditions on it and on its pool, which a summary leaves out. */
const cluster = (
  name: string,
  phase: ClusterStatus['phase'],
): ClusterStatus => ({
  ...clusterStatus(name, 'team-a', phase, 'v1.37.2'),
  nodePools: [
    {
      name: 'workers',
      phase: 'Scaling',
      replicas: 3,
      currentReplicas: 2,
      conditions: [{ type: 'Ready', status: 'False', message: 'scaling' }],
    },
  ],
  conditions: [{ type: 'Available', status: 'True' }],
});

const page = (items: ClusterStatus[]) => ({
  items,
  totalCount: 7,
  phaseCounts: { Ready: 5, Updating: 2 },
  incompleteHubs: ['edge'],
});

describe('ListResponseJson', () => {
  it.each([
    ['clusters', [cluster('payments', 'Ready'), cluster('search', 'Updating')]],
    ['no clusters', []],
  ])('writes what the list response schema reads back (%s)', (_, items) => {
    const written = JSON.parse(new ListResponseJson().write(page(items)));
    expect(written).toEqual({
      ...page(items),
      items: items.map(summarizeCluster),
    });
    expect(listClustersResponseSchema.parse(written)).toEqual(written);
  });

  it('writes a cluster as its current status says, its earlier JSON kept for the earlier object only', () => {
    const json = new ListResponseJson();
    const before = cluster('payments', 'Updating');
    const after = cluster('payments', 'Ready');
    expect(JSON.parse(json.write(page([before]))).items[0].phase).toBe(
      'Updating',
    );
    expect(JSON.parse(json.write(page([after]))).items[0].phase).toBe('Ready');
    expect(JSON.parse(json.write(page([before, after]))).items).toEqual([
      summarizeCluster(before),
      summarizeCluster(after),
    ]);
  });

  it('leaves out what a summary does not show', () => {
    const written = new ListResponseJson().write(
      page([cluster('payments', 'Ready')]),
    );
    expect(written).not.toContain('conditions');
  });
});
