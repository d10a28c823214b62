import {
  decimalMemberId,
  hexMemberId,
  parseAlarms,
  parseMember,
  parseMembers,
  parseStatus,
} from './gatewayMessages';

// Answers of etcd 3.6's gateway, as it wrote them for a one-member cluster.
const STATUS = {
  header: {
    cluster_id: '324952591200643719',
    member_id: '3319814642761637952',
    revision: '17',
    raft_term: '2',
  },
  version: '3.6.16',
  dbSize: '20480',
  leader: '3319814642761637952',
  raftIndex: '8',
  raftTerm: '2',
  raftAppliedIndex: '8',
  errors: ['memberID:3319814642761637952 alarm:NOSPACE '],
  dbSizeInUse: '16384',
  storageVersion: '3.6.0',
  dbSizeQuota: '2147483648',
  downgradeInfo: {},
};

describe("etcd's gateway messages", () => {
  it('reads a status: ids in hexadecimal, counts as numbers, alarms apart from errors', () => {
    expect(parseStatus(STATUS)).toEqual({
      memberId: '2e1259d415f2a040',
      leaderId: '2e1259d415f2a040',
      leader: true,
      learner: false,
      dbSizeBytes: 20480,
      dbSizeInUseBytes: 16384,
      quotaBytes: 2147483648,
      raftIndex: 8,
      raftAppliedIndex: 8,
      raftTerm: 2,
      revision: 17,
      version: '3.6.16',
      storageVersion: '3.6.0',
      errors: [],
    });
  });

  it('reads a follower without a leader, and what the gateway leaves out as zero', () => {
    const status = parseStatus({
      header: { member_id: '10' },
      version: '3.6.16',
      errors: ['etcdserver: no leader'],
      isLearner: true,
    });
    expect(status).toMatchObject({
      memberId: 'a',
      leaderId: '0',
      leader: false,
      learner: true,
      dbSizeBytes: 0,
      raftIndex: 0,
      errors: ['etcdserver: no leader'],
    });
    // etcd's default quota when the member reports none.
    expect(status.quotaBytes).toBe(2 * 1024 * 1024 * 1024);
  });

  it('reads the membership and an added member', () => {
    const members = {
      members: [
        {
          ID: '3319814642761637952',
          name: 'node0',
          peerURLs: ['http://127.0.0.1:23800'],
          clientURLs: ['http://127.0.0.1:23790'],
        },
        { ID: '255', peerURLs: ['http://127.0.0.1:9'], isLearner: true },
      ],
    };
    expect(parseMembers(members)).toEqual([
      {
        id: '2e1259d415f2a040',
        name: 'node0',
        peerUrls: ['http://127.0.0.1:23800'],
        clientUrls: ['http://127.0.0.1:23790'],
        learner: false,
      },
      {
        id: 'ff',
        name: '',
        peerUrls: ['http://127.0.0.1:9'],
        clientUrls: [],
        learner: true,
      },
    ]);
    expect(parseMember({ member: members.members[1] }).id).toBe('ff');
    expect(parseMembers({})).toEqual([]);
  });

  it('reads the alarms it models and leaves out others', () => {
    expect(
      parseAlarms({
        alarms: [
          { memberID: '3319814642761637952', alarm: 'NOSPACE' },
          { memberID: '10', alarm: 'CORRUPT' },
          { memberID: '11', alarm: 'SOMETHING_NEWER' },
        ],
      }),
    ).toEqual([
      { memberId: '2e1259d415f2a040', alarm: 'NOSPACE' },
      { memberId: 'a', alarm: 'CORRUPT' },
    ]);
    expect(parseAlarms({ header: {} })).toEqual([]);
  });

  it('converts member ids both ways without losing 64-bit precision', () => {
    const id = '18446744073709551615';
    expect(hexMemberId(id)).toBe('ffffffffffffffff');
    expect(decimalMemberId('ffffffffffffffff')).toBe(id);
  });
});
