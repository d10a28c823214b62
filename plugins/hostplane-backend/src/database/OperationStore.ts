import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Operation,
  OperationState,
  OperationStep,
  OperationType,
} from '@hostplane/plugin-hostplane-common';
import { Knex } from 'knex';
import { OperationPlan } from '../operations/plan';
import { STEPS, StepName } from '../operations/steps';

const OPERATIONS = 'hostplane_operations';
const LOCKS = 'hostplane_cluster_locks';

interface OperationRow {
  id: string;
  hub: string;
  cluster: string;
  type: string;
  state: string;
  input: string;
  plan: string;
  steps: string;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** An operation as the runner needs it: the public view plus what it converges to. */
export interface StoredOperation extends Operation {
  input: unknown;
  plan: OperationPlan;
}

export interface NewOperation {
  hub: string;
  cluster: string;
  type: OperationType;
  input: unknown;
  plan: OperationPlan;
  steps: StepName[];
  createdBy: string;
}

/** Who runs operations from this store, and for how long a lease lasts without renewal. */
export interface LeaseOptions {
  /**
   * This backend instance. An instance that restarts under the same name (a pod keeps its
   * hostname across container restarts) takes its own operations back at once; another waits
   * for their leases to expire.
   */
  holder: string;
  leaseMs: number;
  /** Milliseconds since the epoch; tests move it instead of waiting. */
  clock?: () => number;
}

/** The instance no longer holds the operation's lease: another one has taken it over. */
export class LeaseLostError extends Error {
  name = 'LeaseLostError';
}

/**
 * Operations and their steps, persisted as they progress, and the per-cluster lock: a row keyed
 * by hub and cluster that exists while an operation runs, so a second one is refused even from
 * another backend instance. The lock carries a lease: its holder renews it while it runs the
 * operation, writes progress only while it holds it, and another instance claims the operation
 * once the lease has expired.
 */
export class OperationStore {
  private readonly clock: () => number;

  constructor(private readonly db: Knex, private readonly lease: LeaseOptions) {
    this.clock = lease.clock ?? Date.now;
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  private leaseUntil(): string {
    return new Date(this.clock() + this.lease.leaseMs).toISOString();
  }

  private lockFor(operationId: string) {
    return {
      operation_id: operationId,
      holder: this.lease.holder,
      lease_expires_at: this.leaseUntil(),
    };
  }

  /** Records a new running operation and takes the cluster's lock, or names the one holding it. */
  async start(operation: NewOperation): Promise<StoredOperation> {
    const id = randomUUID();
    const time = this.now();
    const steps: OperationStep[] = operation.steps.map(name => ({
      name,
      title: STEPS[name].title,
      state: 'pending',
      attempts: 0,
    }));
    try {
      await this.db.transaction(async tx => {
        await tx(LOCKS).insert({
          hub: operation.hub,
          cluster: operation.cluster,
          ...this.lockFor(id),
        });
        await tx(OPERATIONS).insert({
          id,
          hub: operation.hub,
          cluster: operation.cluster,
          type: operation.type,
          state: 'running',
          input: JSON.stringify(operation.input),
          plan: JSON.stringify(operation.plan),
          steps: JSON.stringify(steps),
          created_by: operation.createdBy,
          created_at: time,
          updated_at: time,
        });
      });
    } catch (error) {
      await this.refuseIfBusy(operation.hub, operation.cluster);
      throw error;
    }
    return this.get(id);
  }

  /** Throws a conflict naming the operation that holds the cluster's lock, if one does. */
  async refuseIfBusy(hub: string, cluster: string): Promise<void> {
    const holder = await this.db(LOCKS).where({ hub, cluster }).first();
    if (!holder) return;
    const running = await this.get(holder.operation_id);
    throw new ConflictError(
      `Cluster '${cluster}' already has an operation running: ${running.type} ${running.id}, started by ${running.createdBy} at ${running.createdAt}`,
    );
  }

  /** Takes the lock again for a failed operation and marks it running from its failed step. */
  async retry(id: string): Promise<StoredOperation> {
    const operation = await this.get(id);
    if (operation.state !== 'failed') {
      throw new ConflictError(
        `Operation ${id} is ${operation.state}; only a failed operation can be retried`,
      );
    }
    try {
      await this.db.transaction(async tx => {
        await tx(LOCKS).insert({
          hub: operation.hub,
          cluster: operation.cluster,
          ...this.lockFor(id),
        });
        const steps = operation.steps.map(step =>
          step.state === 'failed'
            ? { ...step, state: 'pending' as const }
            : step,
        );
        await tx(OPERATIONS)
          .where({ id })
          .update({
            state: 'running',
            error: null,
            finished_at: null,
            steps: JSON.stringify(steps),
            updated_at: this.now(),
          });
      });
    } catch (error) {
      const holder = await this.db(LOCKS)
        .where({ hub: operation.hub, cluster: operation.cluster })
        .first();
      if (!holder) throw error;
      throw new ConflictError(
        `Cluster '${operation.cluster}' already has an operation running: ${holder.operation_id}`,
      );
    }
    return this.get(id);
  }

  /** Records progress; only the lease's holder may. */
  async updateSteps(id: string, steps: OperationStep[]): Promise<void> {
    const { holder } = this.lease;
    const updated = await this.db(OPERATIONS)
      .where({ id })
      .whereExists(function heldLock() {
        this.select('operation_id')
          .from(LOCKS)
          .where({ operation_id: id, holder });
      })
      .update({ steps: JSON.stringify(steps), updated_at: this.now() });
    if (updated === 0) {
      throw new LeaseLostError(`Operation ${id} is no longer run by ${holder}`);
    }
  }

  /**
   * Extends the leases of the given operations that this instance still holds, and returns
   * those; any other has been taken over and must stop here.
   */
  async renew(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    await this.db(LOCKS)
      .whereIn('operation_id', ids)
      .where({ holder: this.lease.holder })
      .update({ lease_expires_at: this.leaseUntil() });
    const held = await this.db(LOCKS)
      .whereIn('operation_id', ids)
      .where({ holder: this.lease.holder })
      .select('operation_id');
    return held.map(row => row.operation_id);
  }

  /**
   * Takes over the running operations that nobody holds: those whose lease expired, those left
   * by this instance before it restarted, and those locked before leases existed. Each is taken
   * by one conditional update, so of several instances only one gets it.
   */
  async claim(): Promise<StoredOperation[]> {
    const { holder } = this.lease;
    const time = this.now();
    const claimable = (query: Knex.QueryBuilder) =>
      query.where(q =>
        q
          .where({ holder })
          .orWhereNull('holder')
          .orWhereNull('lease_expires_at')
          .orWhere('lease_expires_at', '<', time),
      );
    const candidates: Array<{ operation_id: string }> = await claimable(
      this.db(LOCKS).select('operation_id'),
    );
    const claimed: StoredOperation[] = [];
    for (const { operation_id: id } of candidates) {
      const taken = await claimable(
        this.db(LOCKS).where({ operation_id: id }),
      ).update({ holder, lease_expires_at: this.leaseUntil() });
      if (taken !== 1) continue;
      const operation = await this.get(id);
      if (operation.state === 'running') claimed.push(operation);
    }
    return claimed.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Lets any instance take these operations now (on an orderly stop, with steps unfinished). */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db(LOCKS)
      .whereIn('operation_id', ids)
      .where({ holder: this.lease.holder })
      .update({ holder: null, lease_expires_at: null });
  }

  /** Ends an operation and releases its cluster's lock in one transaction, if still its holder. */
  async finish(
    id: string,
    state: Exclude<OperationState, 'running'>,
    steps: OperationStep[],
    error?: string,
  ): Promise<void> {
    const { holder } = this.lease;
    await this.db.transaction(async tx => {
      const released = await tx(LOCKS)
        .where({ operation_id: id, holder })
        .delete();
      if (released === 0) {
        throw new LeaseLostError(
          `Operation ${id} is no longer run by ${holder}`,
        );
      }
      const time = this.now();
      await tx(OPERATIONS)
        .where({ id })
        .update({
          state,
          steps: JSON.stringify(steps),
          error: error ?? null,
          updated_at: time,
          finished_at: time,
        });
    });
  }

  async get(id: string): Promise<StoredOperation> {
    const row = await this.db<OperationRow>(OPERATIONS).where({ id }).first();
    if (!row) {
      throw new NotFoundError(`There is no operation ${id}`);
    }
    return fromRow(row);
  }

  /** Operations that were running when the engine last stopped, oldest first. */
  async running(): Promise<StoredOperation[]> {
    const rows = await this.db<OperationRow>(OPERATIONS)
      .where({ state: 'running' })
      .orderBy('created_at', 'asc');
    return rows.map(fromRow);
  }

  async list(filter: {
    hub?: string;
    cluster?: string;
    offset: number;
    limit: number;
  }): Promise<{ items: StoredOperation[]; totalCount: number }> {
    const where = (query: Knex.QueryBuilder) => {
      if (filter.hub) query.where('hub', filter.hub);
      if (filter.cluster) query.where('cluster', filter.cluster);
      return query;
    };
    const [{ count }] = await where(this.db(OPERATIONS).count({ count: '*' }));
    const rows = await where(this.db<OperationRow>(OPERATIONS).select())
      .orderBy('created_at', 'desc')
      .orderBy('id', 'asc')
      .offset(filter.offset)
      .limit(filter.limit);
    return { items: rows.map(fromRow), totalCount: Number(count) };
  }
}

function fromRow(row: OperationRow): StoredOperation {
  const steps: OperationStep[] = JSON.parse(row.steps);
  const done = steps.filter(step => step.state === 'succeeded').length;
  return {
    id: row.id,
    hub: row.hub,
    cluster: row.cluster,
    type: row.type as OperationType,
    state: row.state as OperationState,
    steps,
    progress: steps.length ? done / steps.length : 1,
    ...(row.error ? { error: row.error } : {}),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    input: JSON.parse(row.input),
    plan: JSON.parse(row.plan),
  };
}
