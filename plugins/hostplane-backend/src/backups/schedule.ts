/**
 * When a cluster's scheduled backups fire: the slots of its cron (`etcd.backup.schedule`, in UTC),
 * each moved by a jitter derived from the cluster's key. Pure: the caller passes the time.
 *
 * The slot is what a backup is for (one per slot, claimed under it); the jitter only spreads the
 * moments clusters with the same schedule fire, so that many clusters do not all take snapshots,
 * and write to the store, in the same second.
 */
import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';

/** The widest jitter: a slot fires at most this long after its cron time. */
export const MAX_BACKUP_JITTER_MS = 5 * 60_000;

const MINUTE_MS = 60_000;
const SLOT_MEMO_LIMIT = 10_000;

/** One slot of a schedule and when it fires for one cluster. */
export interface ScheduledBackup {
  /** The cron time: the slot's identity. */
  slot: Date;
  /** The slot plus the cluster's jitter. */
  at: Date;
}

/** The cluster's place in any jitter window, from 0 (inclusive) to 1 (exclusive). */
export function jitterFraction(clusterKey: string): number {
  const digest = createHash('sha256').update(clusterKey).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * How far a slot's firings spread: half the time to the next slot, and no more than
 * {@link MAX_BACKUP_JITTER_MS}. Half keeps a slot firing before the next one for any cluster, so
 * slots fire in order.
 */
export function jitterWindowMs(slot: Date, nextSlot: Date): number {
  return Math.min(
    Math.floor((nextSlot.getTime() - slot.getTime()) / 2),
    MAX_BACKUP_JITTER_MS,
  );
}

const validSchedules = new Set<string>();

/** Checks a schedule; throws with what is wrong, naming the schedule. */
export function assertBackupSchedule(schedule: string): void {
  if (validSchedules.has(schedule)) return;
  parse(schedule, new Date(0));
  if (validSchedules.size >= SLOT_MEMO_LIMIT) validSchedules.clear();
  validSchedules.add(schedule);
}

function parse(schedule: string, currentDate: Date) {
  try {
    return CronExpressionParser.parse(schedule, {
      currentDate,
      tz: 'UTC',
      strict: false,
    });
  } catch (error) {
    throw new Error(
      `backup schedule '${schedule}' is not a valid cron expression: ${
        (error as Error).message
      }`,
    );
  }
}

// Slots of a five-field cron fall on whole minutes, so the slot next to any time is the slot next
// to its minute: clusters sharing a schedule share these answers, which are remembered.
const slotMemo = new Map<string, Date | undefined>();

function memoized(key: string, find: () => Date | undefined): Date | undefined {
  if (slotMemo.has(key)) return slotMemo.get(key);
  if (slotMemo.size >= SLOT_MEMO_LIMIT) slotMemo.clear();
  const found = find();
  slotMemo.set(key, found);
  return found;
}

/** The first slot after `time` (strictly); undefined when the schedule never fires again. */
function slotAfter(schedule: string, time: Date): Date | undefined {
  const minute = Math.floor(time.getTime() / MINUTE_MS) * MINUTE_MS;
  return memoized(`${schedule}>${minute}`, () => {
    try {
      return parse(schedule, new Date(minute)).next().toDate();
    } catch {
      return undefined;
    }
  });
}

/** The last slot before `time` (strictly); undefined when there is none. */
function slotBefore(schedule: string, time: Date): Date | undefined {
  const minute = Math.ceil(time.getTime() / MINUTE_MS) * MINUTE_MS;
  return memoized(`${schedule}<${minute}`, () => {
    try {
      return parse(schedule, new Date(minute)).prev().toDate();
    } catch {
      return undefined;
    }
  });
}

/** When `slot` fires for the cluster. */
export function firingOf(
  schedule: string,
  clusterKey: string,
  slot: Date,
): ScheduledBackup {
  const next = slotAfter(schedule, slot);
  const window = next ? jitterWindowMs(slot, next) : 0;
  return {
    slot,
    at: new Date(
      slot.getTime() + Math.floor(jitterFraction(clusterKey) * window),
    ),
  };
}

/**
 * The first slot of the schedule that fires for the cluster after `after`, or undefined when the
 * schedule never fires again. Throws on a schedule that is not a cron expression.
 */
export function nextBackupAt(
  schedule: string,
  clusterKey: string,
  after: Date,
): ScheduledBackup | undefined {
  assertBackupSchedule(schedule);
  // A slot up to the widest jitter before `after` may still fire after it.
  let slot = slotAfter(
    schedule,
    new Date(after.getTime() - MAX_BACKUP_JITTER_MS),
  );
  while (slot) {
    const firing = firingOf(schedule, clusterKey, slot);
    if (firing.at.getTime() > after.getTime()) return firing;
    slot = slotAfter(schedule, slot);
  }
  return undefined;
}

/**
 * The latest slot that has fired for the cluster by `now` (its firing at or before `now`), or
 * undefined when none has. Throws on a schedule that is not a cron expression.
 */
export function latestDueBackup(
  schedule: string,
  clusterKey: string,
  now: Date,
): ScheduledBackup | undefined {
  assertBackupSchedule(schedule);
  // The latest slot at or before `now` may not have fired yet (its jitter); the one before it has,
  // since a slot fires before the next slot's time.
  const latest = slotBefore(schedule, new Date(now.getTime() + 1));
  if (!latest) return undefined;
  const firing = firingOf(schedule, clusterKey, latest);
  if (firing.at.getTime() <= now.getTime()) return firing;
  const previous = slotBefore(schedule, latest);
  return previous ? firingOf(schedule, clusterKey, previous) : undefined;
}
