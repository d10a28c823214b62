import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ThreatAlert } from '@hostplane/plugin-hostplane-common';
import type { ClusterRef, ThreatDetector } from './detector';
import type { ThreatStore } from './ThreatStore';

export interface AlertListener {
  /** After the alert is stored: opened, or changed by a new occurrence. */
  (alert: ThreatAlert, change: 'opened' | 'updated'): void | Promise<void>;
}

const BATCH = 500;
const IDLE_POLL_MS = 1_000;

/**
 * Runs detection over the stored events in arrival order: a batch at a time, its alerts,
 * baselines and the deletion of its events committed together. It wakes on each received
 * batch, and polls while idle for the events another instance stored.
 */
export class ThreatPipeline {
  private backlogEstimate = 0;
  private wakeUp?: () => void;
  private running?: Promise<void>;
  private stopped = false;
  private readonly listeners: AlertListener[] = [];
  private current?: ThreatDetector;
  /** The tail of the work that must not interleave with a batch's detection and commit. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ThreatStore,
    /** A detector carrying on from the stored state (baselines, active alerts). */
    private readonly newDetector: (
      restored: Awaited<ReturnType<ThreatStore['loadDetectorState']>>,
    ) => ThreatDetector,
    private readonly logger: LoggerService,
  ) {}

  /** The detector in use (to change its rules or track an alert changed elsewhere). */
  get detector(): ThreatDetector {
    if (!this.current) throw new Error('Threat detection has not started');
    return this.current;
  }

  /** Rebuilds the detector from the store: what is stored is what it knows. */
  async reload() {
    this.current = this.newDetector(await this.store.loadDetectorState());
  }

  /**
   * Runs `work` between batches. A change made to an alert elsewhere (a user, a response) then
   * never interleaves with a batch that detected from the alert as it was before, which would
   * store the old status back.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.catch(() => undefined);
    return result;
  }

  onAlert(listener: AlertListener) {
    this.listeners.push(listener);
  }

  /** Events received and not yet through detection (an estimate between batches). */
  backlog() {
    return this.backlogEstimate;
  }

  /** Counts a stored batch and wakes detection. */
  received(count: number) {
    this.backlogEstimate += count;
    this.wake();
  }

  wake() {
    this.wakeUp?.();
  }

  async start() {
    await this.reload();
    this.backlogEstimate = await this.store.pendingCount();
    this.stopped = false;
    this.running = this.loop();
  }

  async stop() {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  /** Detects every stored event now (tests and the drain on shutdown). */
  async drain() {
    while ((await this.runBatch()) > 0) {
      // until empty
    }
  }

  private async loop() {
    while (!this.stopped) {
      let processed = 0;
      try {
        processed = await this.runBatch();
      } catch (error) {
        this.logger.error(
          `Threat detection failed on a batch, it will run again: ${
            (error as Error).message
          }`,
        );
        // The detector learnt from events whose results were not stored: forget it.
        await this.reload().catch(() => undefined);
      }
      if (processed < BATCH && !this.stopped) {
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  private async runBatch(): Promise<number> {
    const detected = await this.exclusive(() => this.detectBatch());
    if (!detected) return 0;
    for (const { alert, change } of detected.changed) {
      for (const listener of this.listeners) {
        try {
          await listener(alert, change);
        } catch (error) {
          this.logger.warn(
            `An alert listener failed: ${(error as Error).message}`,
          );
        }
      }
    }
    return detected.processed;
  }

  /** Detects the oldest stored events and commits what came of them. */
  private async detectBatch(): Promise<
    | {
        processed: number;
        changed: { alert: ThreatAlert; change: 'opened' | 'updated' }[];
      }
    | undefined
  > {
    const detector = this.detector;
    const events = await this.store.pending(BATCH);
    if (!events.length) {
      this.backlogEstimate = 0;
      return undefined;
    }
    const changed = new Map<
      string,
      { alert: ThreatAlert; change: 'opened' | 'updated' }
    >();
    const clusters = new Map<string, ClusterRef>();
    for (const { cluster, event } of events) {
      clusters.set(`${cluster.hub}/${cluster.name}`, cluster);
      let detection;
      try {
        detection = detector.process(cluster, event);
      } catch (error) {
        // One event a rule cannot evaluate must not hold up the others.
        this.logger.warn(
          `Threat rules failed on audit event ${event.auditID} of ${
            cluster.hub
          }/${cluster.name}: ${(error as Error).message}`,
        );
        continue;
      }
      for (const alert of detection.opened) {
        changed.set(alert.id, { alert, change: 'opened' });
      }
      for (const alert of detection.updated) {
        const previous = changed.get(alert.id);
        changed.set(alert.id, { alert, change: previous?.change ?? 'updated' });
      }
    }
    const states = [...clusters.values()].flatMap(cluster => {
      const state = detector.snapshot(cluster);
      return state ? [{ cluster, state }] : [];
    });
    await this.store.commitDetection({
      processed: events.map(e => e.seq),
      alerts: [...changed.values()].map(c => c.alert),
      states,
    });
    this.backlogEstimate = Math.max(0, this.backlogEstimate - events.length);
    return { processed: events.length, changed: [...changed.values()] };
  }
}
