import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import {
  BackupTrigger,
  ClusterChange,
  ClusterStatus,
} from '@hostplane/plugin-hostplane-common';
import { Knex } from 'knex';
import { OperationStore } from '../database/OperationStore';
import { SYSTEM_USER } from '../service/ClusterService';
import { ScheduledBackup, latestDueBackup, nextBackupAt } from './schedule';

const SLOTS = 'hostplane_backup_slots';

/** What a slot's row says of it. */
export type BackupSlotState =
  | 'pending'
  | 'submitted'
  | 'superseded'
  | 'refused';

export interface BackupSlotRow {
  hub: string;
  cluster: string;
  slot: string;
  state: BackupSlotState;
  holder: string;
  lease_expires_at: string;
  next_attempt_at: string;
  attempts: number;
  operation_id: string | null;
  error: string | null;
  claimed_at: string;
  updated_at: string;
}

/** The clusters the scheduler reads: the cluster cache, by hub. */
export interface ScheduledClusterSource {
  hub(name: string): {
    listed(): boolean;
    statuses(): Iterable<ClusterStatus>;
    findByName(name: string): ClusterStatus | undefined;
  };
}

/** Runs a change on a cluster as Hostplane itself (`ClusterService.submitSystemChange`). */
export type SubmitSystemChange = (
  hub: string,
  name: string,
  change: ClusterChange,
  trigger: BackupTrigger,
) => Promise<{ id: string }>;

export interface BackupSchedulerOptions {
  db: Knex;
  clusters: ScheduledClusterSource;
  /** The hubs whose clusters are backed up: those with a store and a provider that can. */
  hubs: string[];
  submit: SubmitSystemChange;
  /** For a cluster's lock and its recent operations. */
  operations: Pick<OperationStore, 'refuseIfBusy' | 'list'>;
  logger: LoggerService;
  /** This backend instance, as it holds operation leases. */
  instanceId: string;
  /** How long an instance may hold a pending slot without trying it before another takes it. */
  leaseMs: number;
  /** How soon a slot whose cluster was busy, or whose submission failed, is tried again. */
  busyRetryMs: number;
  /** How often due slots are looked for. */
  tickMs?: number;
  /** Milliseconds since the epoch; tests run it faster than time or move it by hand. */
  clock?: () => number;
  /** How long finished slot rows are kept (the newest of each cluster is always kept). */
  historyMs?: number;
}

interface ClusterEntry {
  schedule: string;
  /** The slot this cluster fires next, undefined when its schedule never fires again. */
  next?: ScheduledBackup;
}

/** One firing due now. */
interface DueSlot {
  hub: string;
  cluster: string;
  slot: Date;
}

const DEFAULT_TICK_MS = 1_000;
const DEFAULT_HISTORY_MS = 7 * 24 * 60 * 60 * 1000;
const CLEANUP_EVERY_MS = 60 * 60 * 1000;

/**
 * Takes each cluster's scheduled etcd backups: at every slot of its `etcd.backup.schedule` (plus
 * its jitter, see `schedule.ts`), submits a `backup` operation as Hostplane.
 *
 * Every slot is claimed once across backend instances: the instance whose insert of the slot's
 * row wins submits it; the row then follows the slot. A cluster busy with another operation keeps
 * its slot pending and is tried again every `busyRetryMs` until it is submitted or the cluster's
 * next slot claims it instead. An instance that dies holding a pending slot leaves it to another
 * once the row's lease expires; one that dies between submitting and recording the operation
 * finds that operation again instead of submitting twice.
 *
 * At start, a slot that fired while no instance ran (the latest of them only) is taken once,
 * spread over the slot's jitter window from the start. The table is the only state: a restarted
 * instance neither misses a slot nor takes one twice.
 */
export class BackupScheduler {
  private readonly clock: () => number;
  private readonly entries = new Map<string, ClusterEntry>();
  /** The newest slot known claimed, per cluster key: from the table at start, then this instance's claims. */
  private readonly lastClaimed = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastCleanup = 0;

  constructor(private readonly options: BackupSchedulerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async start(): Promise<void> {
    await this.init();
    this.stopped = false;
    this.schedule();
  }

  /** Reads the newest claimed slot of every cluster from the table; `start` does it first. */
  async init(): Promise<void> {
    this.lastCleanup = this.clock();
    this.lastClaimed.clear();
    this.entries.clear();
    const rows: Array<{ hub: string; cluster: string; slot: string }> =
      await this.options
        .db(SLOTS)
        .select('hub', 'cluster')
        .max({ slot: 'slot' })
        .groupBy('hub', 'cluster');
    for (const row of rows) {
      this.lastClaimed.set(
        clusterKey(row.hub, row.cluster),
        Date.parse(row.slot),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch(error =>
          this.options.logger.error(
            `Backup schedule: a round failed: ${describe(error)}`,
          ),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref?.();
  }

  /** One round: claims and submits what is due, retries pending slots, prunes old rows. */
  async tick(): Promise<void> {
    const now = this.clock();
    for (const due of this.dueSlots(now)) {
      if (this.stopped) return;
      try {
        await this.claim(due, now);
      } catch (error) {
        // Planned again next round, which finds the slot unclaimed and takes it then.
        this.entries.delete(clusterKey(due.hub, due.cluster));
        this.options.logger.warn(
          `Scheduled backup of ${due.hub}/${due.cluster}: ${describe(error)}`,
        );
      }
    }
    await this.retryPending(now);
    if (now - this.lastCleanup >= CLEANUP_EVERY_MS) {
      this.lastCleanup = now;
      await this.pruneHistory(now);
    }
  }

  /** The slots that have fired since the last round, from the cache alone. */
  private dueSlots(now: number): DueSlot[] {
    const due: DueSlot[] = [];
    const seen = new Set<string>();
    for (const hub of this.options.hubs) {
      const clusters = this.options.clusters.hub(hub);
      if (!clusters.listed()) continue;
      for (const status of clusters.statuses()) {
        const schedule = scheduleOf(status);
        if (!schedule) continue;
        const key = clusterKey(hub, status.name);
        seen.add(key);
        let entry = this.entries.get(key);
        if (!entry || entry.schedule !== schedule) {
          try {
            entry = this.plan(key, schedule, status, now);
          } catch (error) {
            this.options.logger.warn(
              `Backup schedule of ${key}: ${describe(error)}`,
            );
            entry = { schedule };
          }
          this.entries.set(key, entry);
        }
        if (!entry.next || entry.next.at.getTime() > now) continue;
        // The latest slot that has fired: a late round takes it, not the ones it skipped.
        const fired = latestDueBackup(schedule, key, new Date(now));
        due.push({
          hub,
          cluster: status.name,
          slot: (fired ?? entry.next).slot,
        });
        entry.next = nextBackupAt(schedule, key, new Date(now));
      }
    }
    for (const key of this.entries.keys()) {
      if (!seen.has(key)) this.entries.delete(key);
    }
    return due;
  }

  /**
   * A cluster's next firing, when first seen or when its schedule changed: the latest slot that
   * fired since the cluster was made and that nobody claimed (missed while no instance ran),
   * spread over its jitter window from now; otherwise the schedule's next slot.
   */
  private plan(
    key: string,
    schedule: string,
    status: ClusterStatus,
    now: number,
  ): ClusterEntry {
    const next = nextBackupAt(schedule, key, new Date(now));
    const missed = latestDueBackup(schedule, key, new Date(now));
    const createdAt = status.createdAt ? Date.parse(status.createdAt) : now;
    const claimed = this.lastClaimed.get(key) ?? -Infinity;
    if (
      missed &&
      missed.slot.getTime() >= createdAt &&
      missed.slot.getTime() > claimed
    ) {
      // Spread like the slot itself: many clusters missed it together.
      const at = now + (missed.at.getTime() - missed.slot.getTime());
      if (!next || at < next.at.getTime()) {
        return { schedule, next: { slot: missed.slot, at: new Date(at) } };
      }
    }
    return { schedule, next };
  }

  /** Inserts the slot's row; the instance whose insert wins tries it at once. */
  private async claim(due: DueSlot, now: number): Promise<void> {
    const { db, instanceId, leaseMs } = this.options;
    const key = clusterKey(due.hub, due.cluster);
    const slot = due.slot.toISOString();
    if ((this.lastClaimed.get(key) ?? -Infinity) >= due.slot.getTime()) return;
    const time = iso(now);
    const row: BackupSlotRow = {
      hub: due.hub,
      cluster: due.cluster,
      slot,
      state: 'pending',
      holder: instanceId,
      lease_expires_at: iso(now + leaseMs),
      next_attempt_at: time,
      attempts: 0,
      operation_id: null,
      error: null,
      claimed_at: time,
      updated_at: time,
    };
    try {
      await db(SLOTS).insert(row);
    } catch (error) {
      const existing = await db(SLOTS)
        .where({ hub: due.hub, cluster: due.cluster, slot })
        .first();
      if (!existing) throw error;
      // Another instance claimed it first: it runs it.
      this.lastClaimed.set(key, due.slot.getTime());
      return;
    }
    this.lastClaimed.set(key, due.slot.getTime());
    // A slot still pending when a newer one is claimed is not taken any more: the newer one is.
    await db(SLOTS)
      .where({ hub: due.hub, cluster: due.cluster, state: 'pending' })
      .where('slot', '<', slot)
      .update({
        state: 'superseded',
        error: `slot ${slot} was claimed before this one could be submitted`,
        updated_at: time,
      });
    await this.attempt(row, now);
  }

  /** Pending slots due for another try that this instance holds or whose holder has gone. */
  private async retryPending(now: number): Promise<void> {
    const { db, instanceId } = this.options;
    const time = iso(now);
    const rows: BackupSlotRow[] = await db(SLOTS)
      .where({ state: 'pending' })
      .where('next_attempt_at', '<=', time)
      .where(q =>
        q.where({ holder: instanceId }).orWhere('lease_expires_at', '<', time),
      )
      .orderBy('next_attempt_at')
      .limit(100);
    for (const row of rows) {
      if (this.stopped) return;
      const taken = await db(SLOTS)
        .where({
          hub: row.hub,
          cluster: row.cluster,
          slot: row.slot,
          state: 'pending',
        })
        .where(q =>
          q
            .where({ holder: instanceId })
            .orWhere('lease_expires_at', '<', time),
        )
        .update({
          holder: instanceId,
          lease_expires_at: iso(now + this.options.leaseMs),
          updated_at: time,
        });
      if (taken === 1) await this.attempt({ ...row, holder: instanceId }, now);
    }
  }

  /**
   * Submits the slot's backup, unless the cluster is busy (tried again later), gone or refuses it
   * (recorded), or a submission before a crash already made its operation (recorded as its own).
   */
  private async attempt(row: BackupSlotRow, now: number): Promise<void> {
    const { hub, cluster, slot } = row;
    const status = this.options.clusters.hub(hub).findByName(cluster);
    if (!status || !scheduleOf(status)) {
      await this.record(row, now, {
        state: 'refused',
        error: `cluster '${cluster}' is gone or no longer backed up`,
      });
      return;
    }
    if (row.attempts > 0) {
      const orphan = await this.submittedBeforeCrash(hub, cluster);
      if (orphan) {
        await this.record(row, now, {
          state: 'submitted',
          operation_id: orphan,
          error: null,
        });
        return;
      }
    }
    if (await this.busy(hub, cluster)) {
      await this.retryLater(
        row,
        now,
        'the cluster has another operation running',
      );
      return;
    }
    // Counted before submitting: a later attempt then knows to look for what this one submitted.
    if (!(await this.record(row, now, { attempts: row.attempts + 1 }))) return;
    let operation: { id: string };
    try {
      operation = await this.options.submit(
        hub,
        cluster,
        { action: 'backup' },
        'schedule',
      );
    } catch (error) {
      if (isError(error) && error.name === ConflictError.name) {
        if (await this.busy(hub, cluster)) {
          await this.retryLater(
            { ...row, attempts: row.attempts + 1 },
            now,
            error.message,
          );
          return;
        }
      }
      if (isRefusal(error)) {
        await this.record(row, now, {
          state: 'refused',
          error: describe(error),
        });
        this.options.logger.warn(
          `Scheduled backup of ${hub}/${cluster} for ${slot} refused: ${describe(
            error,
          )}`,
        );
        return;
      }
      await this.retryLater(
        { ...row, attempts: row.attempts + 1 },
        now,
        describe(error),
      );
      return;
    }
    // Recorded even if a newer slot superseded this one meanwhile: the operation is this slot's.
    await this.options
      .db(SLOTS)
      .where({ hub, cluster, slot, holder: this.options.instanceId })
      .update({
        state: 'submitted',
        operation_id: operation.id,
        error: null,
        updated_at: iso(now),
      });
    this.options.logger.info(
      `Scheduled backup of ${hub}/${cluster} for ${slot}: operation ${operation.id}`,
    );
  }

  private async busy(hub: string, cluster: string): Promise<boolean> {
    try {
      await this.options.operations.refuseIfBusy(hub, cluster);
      return false;
    } catch (error) {
      if (isError(error) && error.name === ConflictError.name) return true;
      throw error;
    }
  }

  /**
   * The backup operation this scheduler submitted for the cluster and never recorded: one made by
   * Hostplane after the newest operation any slot row records.
   */
  private async submittedBeforeCrash(
    hub: string,
    cluster: string,
  ): Promise<string | undefined> {
    const { items } = await this.options.operations.list({
      hub,
      cluster,
      offset: 0,
      limit: 20,
    });
    const recorded = new Set(
      (
        await this.options
          .db(SLOTS)
          .where({ hub, cluster })
          .whereNotNull('operation_id')
          .select('operation_id')
      ).map(r => r.operation_id as string),
    );
    for (const operation of items) {
      if (recorded.has(operation.id)) return undefined;
      if (operation.type === 'backup' && operation.createdBy === SYSTEM_USER) {
        return operation.id;
      }
    }
    return undefined;
  }

  private async retryLater(
    row: BackupSlotRow,
    now: number,
    reason: string,
  ): Promise<void> {
    const nextAttempt = now + this.options.busyRetryMs;
    await this.record(row, now, {
      next_attempt_at: iso(nextAttempt),
      lease_expires_at: iso(nextAttempt + this.options.leaseMs),
      error: reason,
    });
  }

  /**
   * Updates the slot's row while it is pending and this instance holds it; false when another
   * instance took it over or a newer slot superseded it.
   */
  private async record(
    row: BackupSlotRow,
    now: number,
    changes: Partial<BackupSlotRow>,
  ): Promise<boolean> {
    const updated = await this.options
      .db(SLOTS)
      .where({
        hub: row.hub,
        cluster: row.cluster,
        slot: row.slot,
        holder: this.options.instanceId,
      })
      .where({ state: 'pending' })
      .update({ ...changes, updated_at: iso(now) });
    return updated === 1;
  }

  /**
   * Drops rows of finished slots older than the history, except what the next decisions read: the
   * newest row of each cluster (its last claimed slot) and the newest with an operation.
   */
  private async pruneHistory(now: number): Promise<void> {
    const cutoff = iso(now - (this.options.historyMs ?? DEFAULT_HISTORY_MS));
    await this.options
      .db(SLOTS)
      .where('claimed_at', '<', cutoff)
      .whereNot('state', 'pending')
      .whereExists(function newerSubmitted() {
        this.select('newer.slot')
          .from(`${SLOTS} as newer`)
          .whereRaw(`newer.hub = ${SLOTS}.hub`)
          .whereRaw(`newer.cluster = ${SLOTS}.cluster`)
          .whereRaw(`newer.slot > ${SLOTS}.slot`)
          .whereNotNull('newer.operation_id');
      })
      .delete();
  }
}

/** The schedule of a cluster Hostplane backs up, or undefined. */
function scheduleOf(status: ClusterStatus): string | undefined {
  if (status.phase === 'Deleting') return undefined;
  return status.spec?.etcd.backup.schedule;
}

function clusterKey(hub: string, cluster: string): string {
  return `${hub}/${cluster}`;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** Errors that mean the backup is not wanted or allowed for this slot, as opposed to not now. */
function isRefusal(error: unknown): boolean {
  return (
    isError(error) &&
    [
      ConflictError.name,
      InputError.name,
      NotAllowedError.name,
      NotFoundError.name,
    ].includes(error.name)
  );
}

function describe(error: unknown): string {
  return isError(error) ? error.message : String(error);
}
