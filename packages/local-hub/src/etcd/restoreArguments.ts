/** One member of a tenant's etcd as a restore names it: its name and the peer URL it advertises. */
export interface RestoredMember {
  name: string;
  peerURL: string;
}

/** etcd's `--initial-cluster`: every member's name and peer URL. */
export function initialCluster(members: RestoredMember[]): string {
  return members.map(m => `${m.name}=${m.peerURL}`).join(',');
}

/**
 * How far an in-place restore moves etcd's revision past the snapshot's. The restored revision
 * must exceed every revision a client may have seen, or a watch resumed from one of them would be
 * served the snapshot's older data as if it were new. Known, the live revision read just before the
 * API servers stop sets it, with a margin for what they write between that read and their stop;
 * unknown (etcd had no quorum), it is the billion the etcd documentation suggests.
 */
export const REVISION_BUMP_MARGIN = 1_000_000;
export const REVISION_BUMP_UNKNOWN_LIVE = 1_000_000_000;

export function revisionBump(input: {
  snapshotRevision: number;
  liveRevision?: number;
}): number {
  if (input.liveRevision === undefined) return REVISION_BUMP_UNKNOWN_LIVE;
  return (
    Math.max(input.liveRevision - input.snapshotRevision, 0) +
    REVISION_BUMP_MARGIN
  );
}

/**
 * The arguments of `etcdutl snapshot restore` that write one member's data folder: every member is
 * restored from the same snapshot with the same initial cluster, so they form one cluster with the
 * snapshot's keys. An in-place restore also bumps the revision and marks it compacted, so that
 * watchers from before the restore must list again instead of being served stale data.
 */
export function snapshotRestoreArguments(input: {
  snapshot: string;
  member: RestoredMember;
  members: RestoredMember[];
  dataDir: string;
  bumpRevision?: number;
}): string[] {
  if (!input.members.some(m => m.name === input.member.name)) {
    throw new Error(
      `etcd member ${input.member.name} is not one of the members restored`,
    );
  }
  return [
    'snapshot',
    'restore',
    input.snapshot,
    `--name=${input.member.name}`,
    `--data-dir=${input.dataDir}`,
    `--initial-cluster=${initialCluster(input.members)}`,
    `--initial-advertise-peer-urls=${input.member.peerURL}`,
    ...(input.bumpRevision !== undefined
      ? [`--bump-revision=${input.bumpRevision}`, '--mark-compacted']
      : []),
  ];
}

/**
 * The initial cluster a member added back to a running cluster joins with: the members etcd
 * reports once it took the new one (which, unstarted, has no name yet: its own is given to it).
 */
export function initialClusterForAddedMember(
  members: Array<{ name?: string; peerURLs?: string[] }>,
  added: RestoredMember,
): string {
  const joined = members.map(m => {
    if ((m.peerURLs ?? []).includes(added.peerURL)) return added;
    if (!m.name || !m.peerURLs?.length) {
      throw new Error(
        `etcd member ${
          m.peerURLs?.[0] ?? '(no peer URL)'
        } has not started yet: ${
          added.name
        } joins once every other member runs`,
      );
    }
    return { name: m.name, peerURL: m.peerURLs[0] };
  });
  return initialCluster(joined.includes(added) ? joined : [...joined, added]);
}
