import {
  REVISION_BUMP_MARGIN,
  REVISION_BUMP_UNKNOWN_LIVE,
  initialCluster,
  initialClusterForAddedMember,
  revisionBump,
  snapshotRestoreArguments,
} from './restoreArguments';

const members = [
  { name: 'node0', peerURL: 'http://127.0.0.1:30001' },
  { name: 'node1', peerURL: 'http://127.0.0.1:30002' },
  { name: 'node2', peerURL: 'http://127.0.0.1:30003' },
];

describe('snapshotRestoreArguments', () => {
  it('restores one member of three with its own name and peer URL and the whole initial cluster', () => {
    expect(
      snapshotRestoreArguments({
        snapshot: '/t/snapshot.db',
        member: members[1],
        members,
        dataDir: '/t/node1.restored',
      }),
    ).toEqual([
      'snapshot',
      'restore',
      '/t/snapshot.db',
      '--name=node1',
      '--data-dir=/t/node1.restored',
      '--initial-cluster=node0=http://127.0.0.1:30001,node1=http://127.0.0.1:30002,node2=http://127.0.0.1:30003',
      '--initial-advertise-peer-urls=http://127.0.0.1:30002',
    ]);
  });

  it('bumps the revision and marks it compacted for an in-place restore', () => {
    const args = snapshotRestoreArguments({
      snapshot: 's.db',
      member: members[0],
      members: [members[0]],
      dataDir: 'd',
      bumpRevision: 1_000_042,
    });
    expect(args.slice(-2)).toEqual([
      '--bump-revision=1000042',
      '--mark-compacted',
    ]);
    expect(args).toContain('--initial-cluster=node0=http://127.0.0.1:30001');
  });

  it('refuses a member that is not among the members restored', () => {
    expect(() =>
      snapshotRestoreArguments({
        snapshot: 's.db',
        member: { name: 'node3', peerURL: 'http://127.0.0.1:30004' },
        members,
        dataDir: 'd',
      }),
    ).toThrow('etcd member node3 is not one of the members restored');
  });
});

describe('revisionBump', () => {
  it('moves past the live revision by the margin', () => {
    expect(revisionBump({ snapshotRevision: 100, liveRevision: 5_000 })).toBe(
      4_900 + REVISION_BUMP_MARGIN,
    );
    const bump = revisionBump({ snapshotRevision: 100, liveRevision: 5_000 });
    expect(100 + bump).toBeGreaterThan(5_000);
  });

  it('is the margin alone when the snapshot is not behind (a restore of the latest state)', () => {
    expect(revisionBump({ snapshotRevision: 700, liveRevision: 650 })).toBe(
      REVISION_BUMP_MARGIN,
    );
  });

  it('is a billion when the live revision is unknown', () => {
    expect(revisionBump({ snapshotRevision: 100 })).toBe(
      REVISION_BUMP_UNKNOWN_LIVE,
    );
  });
});

describe('initialClusterForAddedMember', () => {
  it('joins the members etcd reported plus the added one, unnamed until it starts', () => {
    expect(
      initialClusterForAddedMember(
        [
          { name: 'node0', peerURLs: [members[0].peerURL] },
          { peerURLs: [members[1].peerURL] },
          { name: 'node2', peerURLs: [members[2].peerURL] },
        ],
        members[1],
      ),
    ).toBe(initialCluster(members));
  });

  it('refuses while another added member has not started', () => {
    expect(() =>
      initialClusterForAddedMember(
        [
          { name: 'node0', peerURLs: [members[0].peerURL] },
          { peerURLs: [members[1].peerURL] },
          { peerURLs: [members[2].peerURL] },
        ],
        members[1],
      ),
    ).toThrow(/has not started yet/);
  });
});
