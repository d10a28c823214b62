import { NODE_POOL_SIZES } from '@hostplane/plugin-hostplane-common';
import { clusterRequest } from '../actions/inputs';
import { hostplaneNodePoolsFilter, nodePoolsFromForm } from './nodePools';

const spec = {
  name: 'shop',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
};

describe('hostplaneNodePools', () => {
  it('gives every named size numbers the API accepts', () => {
    for (const size of Object.keys(NODE_POOL_SIZES)) {
      const nodePools = nodePoolsFromForm([
        { name: 'workers', size, scaling: 'fixed', replicas: 1 },
      ]);
      expect(nodePools).toEqual([
        {
          name: 'workers',
          replicas: 1,
          ...NODE_POOL_SIZES[size as keyof typeof NODE_POOL_SIZES],
        },
      ]);
      expect(() => clusterRequest({ ...spec, nodePools }, {})).not.toThrow();
    }
  });

  it('takes the numbers of a custom size and the range of an autoscaled pool, and drops the other choices', () => {
    expect(
      hostplaneNodePoolsFilter.filter([
        {
          name: 'batch',
          size: 'custom',
          vcpu: 16,
          memoryGiB: 64,
          diskGiB: 200,
          scaling: 'autoscaled',
          minReplicas: 1,
          maxReplicas: 5,
          replicas: 3,
        },
        {
          name: 'web',
          size: 'small',
          vcpu: 99,
          scaling: 'fixed',
          replicas: 0,
          minReplicas: 1,
        },
      ]),
    ).toEqual([
      {
        name: 'batch',
        autoscaling: { min: 1, max: 5 },
        vcpu: 16,
        memoryGiB: 64,
        diskGiB: 200,
      },
      { name: 'web', replicas: 0, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
    ]);
  });

  it("passes on what it does not understand, for the action's validation to name", () => {
    expect(nodePoolsFromForm('workers')).toBe('workers');
    const nodePools = nodePoolsFromForm([
      { name: 'gpu', size: 'huge', scaling: 'fixed', replicas: 1 },
    ]);
    expect(nodePools).toEqual([{ name: 'gpu', replicas: 1 }]);
    expect(() => clusterRequest({ ...spec, nodePools }, {})).toThrow(
      'nodePools.0.vcpu: vcpu must be a number',
    );
  });
});
