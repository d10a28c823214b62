import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, isError } from '@backstage/errors';
import {
  ClusterPhase,
  ClusterStatus,
  EtcdMemberHealth,
} from '@hostplane/plugin-hostplane-common';
import { OperationStore } from '../database/OperationStore';
import {
  DefragmentationThresholds,
  defragmentationPlan,
} from '../etcd/defragmentationPlan';
import { ScheduledClusterSource, SubmitSystemChange } from './BackupScheduler';

/** When and how widely clusters' etcd members are checked. */
export interface AutoDefragmentationSettings extends DefragmentationThresholds {
  /** How often every cluster's members are read. */
  intervalMs: number;
  /** Clusters read at once, and defragment operations this instance has running at once. */
  maxConcurrent: number;
}

export interface AutoDefragmenterOptions {
  clusters: ScheduledClusterSource;
  /** The hubs whose provider can defragment their clusters' etcd. */
  hubs: string[];
  /** The cluster's etcd members, read through its hub. */
  members: (cluster: ClusterStatus) => Promise<EtcdMemberHealth[]>;
  submit: SubmitSystemChange;
  operations: Pick<OperationStore, 'refuseIfBusy' | 'get'>;
  settings: AutoDefragmentationSettings;
  logger: LoggerService;
}

/** Phases in which a cluster's etcd runs and answers. */
const RUNNING_PHASES: readonly ClusterPhase[] = [
  'Ready',
  'Degraded',
  'Updating',
  'Hibernated',
];

/**
 * Defragments clusters' etcd when it needs it: every interval, reads each cluster's members and,
 * for a cluster with a member at or above both thresholds (`defragmentationPlan`: every member
 * healthy, learners left out), submits a `defragment` operation, which takes the members one at a
 * time, leader last. A cluster busy with another operation, or with a defragmentation under way,
 * is left for the next round; the cluster's lock keeps it to one operation across instances.
 * Reads and running defragmentations are both bounded by `maxConcurrent`.
 */
export class AutoDefragmenter {
  /** Defragment operations this instance submitted, by cluster key, until they finish. */
  private readonly inFlight = new Map<string, string>();
  /** Submissions under way, which count against `maxConcurrent` before they are in flight. */
  private submitting = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: AutoDefragmenterOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      this.running ??= this.round()
        .then(() => undefined)
        .catch(error =>
          this.options.logger.error(
            `Automatic defragmentation: a round failed: ${describe(error)}`,
          ),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every cluster; returns the operations it submitted. */
  async round(): Promise<Array<{ cluster: string; operationId: string }>> {
    await this.forgetFinished();
    const candidates: ClusterStatus[] = [];
    for (const hub of this.options.hubs) {
      const clusters = this.options.clusters.hub(hub);
      if (!clusters.listed()) continue;
      for (const status of clusters.statuses()) {
        if (!status.spec || !RUNNING_PHASES.includes(status.phase)) continue;
        if (this.inFlight.has(keyOf(status))) continue;
        candidates.push(status);
      }
    }
    const submitted: Array<{ cluster: string; operationId: string }> = [];
    const queue = [...candidates];
    const worker = async () => {
      for (let cluster = queue.shift(); cluster; cluster = queue.shift()) {
        if (
          this.stopped ||
          this.inFlight.size >= this.options.settings.maxConcurrent
        ) {
          return;
        }
        const operationId = await this.check(cluster);
        if (operationId) {
          submitted.push({ cluster: keyOf(cluster), operationId });
        }
      }
    };
    await Promise.all(
      Array.from(
        {
          length: Math.min(this.options.settings.maxConcurrent, queue.length),
        },
        worker,
      ),
    );
    return submitted;
  }

  /** Reads the cluster's members and submits a defragmentation if one is due. */
  private async check(cluster: ClusterStatus): Promise<string | undefined> {
    const key = keyOf(cluster);
    if (await this.busy(cluster)) return undefined;
    let members: EtcdMemberHealth[];
    try {
      members = await this.options.members(cluster);
    } catch (error) {
      this.options.logger.debug(
        `Automatic defragmentation: etcd of ${key} unreadable: ${describe(
          error,
        )}`,
      );
      return undefined;
    }
    const due = defragmentationPlan(members, this.options.settings);
    if (due.length === 0) return undefined;
    // Other workers of this round may have taken the free places meanwhile.
    if (
      this.inFlight.size + this.submitting >=
      this.options.settings.maxConcurrent
    ) {
      return undefined;
    }
    this.submitting++;
    try {
      const operation = await this.options.submit(
        cluster.hub,
        cluster.name,
        { action: 'defragment' },
        'schedule',
      );
      this.inFlight.set(key, operation.id);
      this.options.logger.info(
        `Automatic defragmentation of ${key} (${due
          .map(m => `${m.pod} ${Math.round((m.fragmentation ?? 0) * 100)}%`)
          .join(', ')}): operation ${operation.id}`,
      );
      return operation.id;
    } catch (error) {
      // Busy since it was read, refused by the plan, or the database away: the next round
      // looks again.
      const log =
        isError(error) && error.name === ConflictError.name
          ? this.options.logger.debug
          : this.options.logger.warn;
      log.call(
        this.options.logger,
        `Automatic defragmentation of ${key} not started: ${describe(error)}`,
      );
      return undefined;
    } finally {
      this.submitting--;
    }
  }

  private async busy(cluster: ClusterStatus): Promise<boolean> {
    try {
      await this.options.operations.refuseIfBusy(cluster.hub, cluster.name);
      return false;
    } catch (error) {
      if (isError(error) && error.name === ConflictError.name) return true;
      throw error;
    }
  }

  private async forgetFinished(): Promise<void> {
    for (const [key, id] of this.inFlight) {
      const operation = await this.options.operations
        .get(id)
        .catch(() => undefined);
      if (!operation || operation.state !== 'running') {
        this.inFlight.delete(key);
      }
    }
  }
}

function keyOf(cluster: { hub: string; name: string }): string {
  return `${cluster.hub}/${cluster.name}`;
}

function describe(error: unknown): string {
  return isError(error) ? error.message : String(error);
}
