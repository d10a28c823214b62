import { EtcdMemberHealth } from '@hostplane/plugin-hostplane-common';
import {
  DEFAULT_DEFRAGMENTATION_THRESHOLDS,
  defragmentationPlan,
  fragmentation,
} from './defragmentationPlan';

const MiB = 1024 * 1024;

function member(
  pod: string,
  dbSizeMiB: number,
  inUseMiB: number,
  extra: Partial<EtcdMemberHealth> = {},
): EtcdMemberHealth {
  return {
    name: pod,
    pod,
    reachable: true,
    leader: false,
    learner: false,
    dbSizeBytes: dbSizeMiB * MiB,
    dbSizeInUseBytes: inUseMiB * MiB,
    alarms: [],
    ...extra,
  };
}

const pods = (members: EtcdMemberHealth[]) => members.map(m => m.pod);

describe('defragmentationPlan', () => {
  const rule = DEFAULT_DEFRAGMENTATION_THRESHOLDS;

  it("is HyperShift's rule by default: 45 % free and 100 MiB", () => {
    expect(rule).toEqual({
      fragmentationThreshold: 0.45,
      minDbSizeBytes: 100 * MiB,
    });
  });

  it('takes a member at exactly both thresholds, and none just under either', () => {
    expect(
      pods(defragmentationPlan([member('etcd-0', 100, 55)], rule)),
    ).toEqual(['etcd-0']);
    // 44.9 % free.
    expect(defragmentationPlan([member('etcd-0', 1000, 551)], rule)).toEqual(
      [],
    );
    // 45 % free of a database a byte under 100 MiB.
    expect(
      defragmentationPlan(
        [
          member('etcd-0', 0, 0, {
            dbSizeBytes: 100 * MiB - 1,
            dbSizeInUseBytes: 10 * MiB,
          }),
        ],
        rule,
      ),
    ).toEqual([]);
  });

  it('puts the followers first, the most fragmented first, and the leader last', () => {
    const plan = defragmentationPlan(
      [
        member('etcd-0', 400, 40, { leader: true }),
        member('etcd-1', 400, 200),
        member('etcd-2', 400, 100),
      ],
      rule,
    );
    expect(pods(plan)).toEqual(['etcd-2', 'etcd-1', 'etcd-0']);
  });

  it('leaves out the members under the thresholds, and learners', () => {
    const plan = defragmentationPlan(
      [
        member('etcd-0', 400, 100, { leader: true }),
        member('etcd-1', 400, 390),
        member('etcd-2', 400, 100, { learner: true }),
      ],
      rule,
    );
    expect(pods(plan)).toEqual(['etcd-0']);
  });

  it('plans nothing while a member is unreachable or reports an error', () => {
    const fragmented = [
      member('etcd-0', 400, 100, { leader: true }),
      member('etcd-1', 400, 100),
    ];
    expect(
      defragmentationPlan(
        [
          ...fragmented,
          {
            name: 'etcd-2',
            pod: 'etcd-2',
            reachable: false,
            leader: false,
            learner: false,
            alarms: [],
            error: 'connection refused',
          },
        ],
        rule,
      ),
    ).toEqual([]);
    expect(
      defragmentationPlan(
        [
          ...fragmented,
          member('etcd-2', 400, 100, { error: 'etcdserver: no leader' }),
        ],
        rule,
      ),
    ).toEqual([]);
    expect(pods(defragmentationPlan(fragmented, rule))).toEqual([
      'etcd-1',
      'etcd-0',
    ]);
  });

  it('with zero thresholds, orders every voting member for an on-demand defragmentation', () => {
    const plan = defragmentationPlan(
      [
        member('etcd-0', 10, 10),
        member('etcd-1', 10, 9, { leader: true }),
        member('etcd-2', 10, 10),
      ],
      { fragmentationThreshold: 0, minDbSizeBytes: 0 },
    );
    expect(pods(plan)).toEqual(['etcd-0', 'etcd-2', 'etcd-1']);
  });
});

describe('fragmentation', () => {
  it('is the free share of the database, and 0 for an empty one', () => {
    expect(fragmentation(200, 50)).toBe(0.75);
    expect(fragmentation(0, 0)).toBe(0);
  });
});
