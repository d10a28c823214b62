/**
 * Which backups a retention policy keeps. Pure: the caller lists the complete backups, passes the
 * time, and deletes what is returned.
 */

/** Backups kept per period, newest first in each, counting the current period as the first. */
export interface ExponentialRetention {
  /** Calendar hours (UTC), such as 24: one backup per hour for a day. */
  hourly: number;
  /** Calendar days (UTC), such as 7. */
  daily: number;
  /** Weeks starting on Monday (UTC), such as 4. */
  weekly: number;
}

export interface RetentionPolicy {
  /** The newest this many backups are kept (a cluster's `etcd.backup.retention`). */
  keepNewest: number;
  /** Also keep one backup per hour, day and week back to these limits. */
  exponential?: ExponentialRetention;
}

export const DEFAULT_EXPONENTIAL_RETENTION: ExponentialRetention = {
  hourly: 24,
  daily: 7,
  weekly: 4,
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday: weeks counted from the Monday before it start on Mondays.
const MONDAY_OFFSET_MS = 3 * DAY_MS;

/**
 * The backups the policy does not keep, in the order given. The newest backup is always kept,
 * whatever the policy: a cluster never loses its last good backup to retention.
 */
export function backupsToDelete<T extends { createdAt: string | Date }>(
  backups: readonly T[],
  policy: RetentionPolicy,
  now: Date,
): T[] {
  if (!Number.isInteger(policy.keepNewest) || policy.keepNewest < 1) {
    throw new Error(
      `retention must keep at least the newest backup; keepNewest is ${policy.keepNewest}`,
    );
  }
  const byAge = backups
    .map(backup => ({ backup, time: new Date(backup.createdAt).getTime() }))
    .sort((a, b) => b.time - a.time);
  const kept = new Set<T>(
    byAge.slice(0, policy.keepNewest).map(({ backup }) => backup),
  );
  if (policy.exponential) {
    const { hourly, daily, weekly } = policy.exponential;
    const tiers: Array<[period: (time: number) => number, count: number]> = [
      [time => Math.floor(time / HOUR_MS), hourly],
      [time => Math.floor(time / DAY_MS), daily],
      [time => Math.floor((time + MONDAY_OFFSET_MS) / WEEK_MS), weekly],
    ];
    for (const [period, count] of tiers) {
      const current = period(now.getTime());
      const seen = new Set<number>();
      // Newest first: the first backup met in a period is the one that period keeps.
      for (const { backup, time } of byAge) {
        const p = period(time);
        if (current - p < count && p <= current && !seen.has(p)) {
          seen.add(p);
          kept.add(backup);
        }
      }
    }
  }
  return backups.filter(backup => !kept.has(backup));
}
