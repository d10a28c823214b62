import { deploymentRolledOut, statefulSetRolledOut } from './rollout';

const deployment = (status: Record<string, number>, generation = 2) => ({
  metadata: { generation },
  spec: { replicas: 2 } as any,
  status,
});
const statefulSet = (status: Record<string, unknown>, generation = 2) => ({
  metadata: { generation },
  spec: { replicas: 3 } as any,
  status: { replicas: 3, ...status } as any,
});

describe('deploymentRolledOut', () => {
  it.each<[string, Record<string, number>, boolean]>([
    [
      'every replica updated and available',
      {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
      },
      true,
    ],
    [
      'the controller has not seen the new template yet',
      {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
      },
      false,
    ],
    [
      'an old pod is still there',
      {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 2,
        availableReplicas: 2,
      },
      false,
    ],
    [
      'a new pod is not available yet',
      {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 1,
      },
      false,
    ],
  ])('%s', (_title, status, expected) => {
    expect(deploymentRolledOut(deployment(status))).toBe(expected);
  });
});

describe('statefulSetRolledOut', () => {
  const done = {
    observedGeneration: 2,
    currentRevision: 'etcd-2',
    updateRevision: 'etcd-2',
    updatedReplicas: 3,
    readyReplicas: 3,
  };
  it.each<[string, Record<string, unknown>, boolean]>([
    ['every member at the new revision and ready', done, true],
    [
      'members still at the old revision',
      { ...done, currentRevision: 'etcd-1', updatedReplicas: 1 },
      false,
    ],
    ['a replaced member not ready yet', { ...done, readyReplicas: 2 }, false],
    [
      'the controller has not seen the new template yet',
      { ...done, observedGeneration: 1 },
      false,
    ],
  ])('%s', (_title, status, expected) => {
    expect(statefulSetRolledOut(statefulSet(status))).toBe(expected);
  });
});
