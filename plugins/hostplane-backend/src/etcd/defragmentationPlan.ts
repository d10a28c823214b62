import { EtcdMemberHealth } from '@hostplane/plugin-hostplane-common';

/** When a member is worth defragmenting: at or above both. */
export interface DefragmentationThresholds {
  /** (dbSize - dbSizeInUse) / dbSize, 0..1. */
  fragmentationThreshold: number;
  minDbSizeBytes: number;
}

/** HyperShift's etcd-defrag rule: 45 % of the database free, and a database of at least 100 MiB. */
export const DEFAULT_DEFRAGMENTATION_THRESHOLDS: DefragmentationThresholds = {
  fragmentationThreshold: 0.45,
  minDbSizeBytes: 100 * 1024 * 1024,
};

/** A member's share of its database that is free pages, from its sizes. */
export function fragmentation(
  dbSizeBytes: number,
  dbSizeInUseBytes: number,
): number {
  return dbSizeBytes > 0 ? (dbSizeBytes - dbSizeInUseBytes) / dbSizeBytes : 0;
}

/**
 * The members to defragment, in the order to do it: the voting members at or above both
 * thresholds, the followers first (the most fragmented first) and the leader last, so the
 * leader's pause, which costs the cluster most, comes once. Learners are left out (etcd refuses to
 * defragment them). Nothing while a member is unhealthy (unreachable, or reporting an error such
 * as no leader): defragmenting blocks the member it runs on, and with another member already down
 * that can cost the cluster its quorum.
 */
export function defragmentationPlan(
  members: readonly EtcdMemberHealth[],
  thresholds: DefragmentationThresholds,
): EtcdMemberHealth[] {
  if (members.some(member => !member.reachable || member.error)) return [];
  const due = members.filter(member => {
    if (member.learner) return false;
    const { dbSizeBytes, dbSizeInUseBytes } = member;
    if (dbSizeBytes === undefined || dbSizeInUseBytes === undefined) {
      return false;
    }
    return (
      dbSizeBytes >= thresholds.minDbSizeBytes &&
      fragmentation(dbSizeBytes, dbSizeInUseBytes) >=
        thresholds.fragmentationThreshold
    );
  });
  return due.sort(
    (a, b) =>
      Number(a.leader) - Number(b.leader) ||
      fragmentation(b.dbSizeBytes!, b.dbSizeInUseBytes!) -
        fragmentation(a.dbSizeBytes!, a.dbSizeInUseBytes!) ||
      a.pod.localeCompare(b.pod),
  );
}
