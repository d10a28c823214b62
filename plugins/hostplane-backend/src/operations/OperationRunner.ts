import { LoggerService } from '@backstage/backend-plugin-api';
import { OperationStep } from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  ServerSideApplier,
} from '@hostplane/plugin-hostplane-node';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import { DEFAULT_OPERATION_SETTINGS } from '../config';
import {
  LeaseLostError,
  NewOperation,
  OperationStore,
  StoredOperation,
} from '../database/OperationStore';
import { EtcdServices } from './etcdServices';
import { STEPS, Step, StepContext } from './steps';
import {
  DEFAULT_TRANSIENT_RETRY_POLICY,
  TransientRetryPolicy,
  retryTransient,
} from './transientRetry';

/** The field manager of every write Hostplane makes to a hub. */
export const FIELD_MANAGER = 'hostplane';

export interface OperationRunnerOptions {
  store: OperationStore;
  cache: ClusterCache;
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  logger: LoggerService;
  /** How long a step waits for the hub to converge before it fails. */
  waitTimeoutMs?: number;
  /** How long an operation's lease lasts; it is renewed at a third of that. */
  leaseMs: number;
  /** How a step that the hub refused only for now (a 429, a restart) is run again. */
  transientRetryPolicy?: TransientRetryPolicy;
  /** The steps operations name, by name: {@link STEPS} unless a test gives its own. */
  steps?: Readonly<Record<string, Step>>;
  /** What the etcd operations' steps work with (backups, the clusters' etcd). */
  etcd?: EtcdServices;
  /** Where clusters' audit events go (threat detection). */
  auditWebhook?: StepContext['auditWebhook'];
}

/**
 * Runs operations step by step, persisting each step's state before and after it, so that an
 * engine killed at any point resumes, on start, from the step that was under way (steps are
 * idempotent, so running one again is safe). While it runs an operation it renews the
 * operation's lease; it takes over operations whose lease expired (their instance died), and
 * stops one whose lease another instance has taken.
 */
export class OperationRunner {
  private readonly inFlight = new Map<
    string,
    { done: Promise<void>; abort: AbortController }
  >();
  private stopped = false;
  private leaseTimer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private readonly clients = new Map<
    string,
    { applier: ServerSideApplier; objects: KubernetesObjectApi }
  >();

  constructor(private readonly options: OperationRunnerOptions) {}

  async submit(operation: NewOperation): Promise<StoredOperation> {
    const stored = await this.options.store.start(operation);
    this.launch(stored);
    return stored;
  }

  async retry(id: string): Promise<StoredOperation> {
    const stored = await this.options.store.retry(id);
    this.launch(stored);
    return stored;
  }

  /**
   * Picks up what was running when the engine last stopped (and what other instances left
   * behind), then keeps renewing leases and looking for abandoned operations. Returns how many
   * operations it resumed now.
   */
  async resume(): Promise<number> {
    const resumed = await this.claimAbandoned();
    this.leaseTimer = setInterval(() => {
      this.tick ??= this.renewAndClaim().finally(() => {
        this.tick = undefined;
      });
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.leaseTimer.unref();
    return resumed;
  }

  /** Resolves when the operation has finished here (or was never running here). */
  async settled(id: string): Promise<void> {
    await this.inFlight.get(id)?.done;
  }

  /** Operations this instance is running now. */
  running(): string[] {
    return [...this.inFlight.keys()];
  }

  /**
   * Stops running steps without marking them failed, and lets their leases go so that another
   * instance, or this one started again, resumes them at once.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.leaseTimer);
    await this.tick;
    const ids = this.running();
    this.inFlight.forEach(run => run.abort.abort());
    await Promise.allSettled([...this.inFlight.values()].map(r => r.done));
    await this.options.store.release(ids);
  }

  private async claimAbandoned(): Promise<number> {
    const claimed = await this.options.store.claim();
    if (this.stopped) {
      // Stopped while claiming: what was taken but not started goes back at once.
      await this.options.store.release(
        claimed.map(o => o.id).filter(id => !this.inFlight.has(id)),
      );
      return 0;
    }
    let launched = 0;
    for (const operation of claimed) {
      if (this.inFlight.has(operation.id)) continue;
      this.options.logger.info(
        `Resuming ${operation.type} of ${operation.hub}/${operation.cluster} (${operation.id})`,
      );
      this.launch(operation);
      launched++;
    }
    return launched;
  }

  private async renewAndClaim(): Promise<void> {
    try {
      const ids = this.running();
      const held = new Set(await this.options.store.renew(ids));
      for (const id of ids) {
        if (held.has(id)) continue;
        this.options.logger.warn(
          `Operation ${id} was taken over by another instance; stopping it here`,
        );
        this.inFlight.get(id)?.abort.abort();
      }
      if (!this.stopped) await this.claimAbandoned();
    } catch (error) {
      // The database may be briefly unreachable; the next tick tries again before leases lapse.
      this.options.logger.warn(
        `Could not renew operation leases: ${(error as Error).message}`,
      );
    }
  }

  private launch(operation: StoredOperation): void {
    if (this.inFlight.has(operation.id)) return;
    const abort = new AbortController();
    const done = this.run(operation, abort.signal)
      .catch(error => {
        if (error instanceof LeaseLostError) {
          this.options.logger.warn(
            `${error.message}: another instance continues it`,
          );
          return;
        }
        this.options.logger.error(
          `Operation ${operation.id} stopped unexpectedly: ${
            (error as Error).message
          }`,
        );
      })
      .finally(() => this.inFlight.delete(operation.id));
    this.inFlight.set(operation.id, { done, abort });
  }

  private clientsFor(hub: HubDefinition) {
    let clients = this.clients.get(hub.name);
    if (!clients) {
      const kubeConfig = hub.kubeConfig();
      clients = {
        applier: new ServerSideApplier(kubeConfig, FIELD_MANAGER, {
          force: false,
        }),
        objects: KubernetesObjectApi.makeApiClient(kubeConfig),
      };
      this.clients.set(hub.name, clients);
    }
    return clients;
  }

  private async run(
    operation: StoredOperation,
    signal: AbortSignal,
  ): Promise<void> {
    const { store, cache, logger } = this.options;
    const steps: OperationStep[] = operation.steps.map(step => ({ ...step }));
    const hub = this.options.hubs.find(h => h.name === operation.hub);
    if (!hub) {
      await store.finish(
        operation.id,
        'failed',
        steps,
        `Hub '${operation.hub}' is no longer configured`,
      );
      return;
    }
    const provider = this.options.providers.get(hub.provider)!;
    const definitions: Readonly<Record<string, Step>> =
      this.options.steps ?? STEPS;
    const waitTimeoutMs =
      this.options.waitTimeoutMs ?? DEFAULT_OPERATION_SETTINGS.waitTimeoutMs;
    await cache.hub(hub.name).whenListed();

    for (const step of steps) {
      if (step.state === 'succeeded') continue;
      if (signal.aborted) return;
      step.state = 'running';
      step.attempts += 1;
      step.startedAt = new Date().toISOString();
      delete step.finishedAt;
      delete step.message;
      await store.updateSteps(operation.id, steps);
      logger.info(
        `${operation.type} of ${operation.hub}/${operation.cluster}: step ${
          step.name
        } started (${steps.indexOf(step) + 1}/${steps.length}, attempt ${
          step.attempts
        })`,
      );
      try {
        const definition = definitions[step.name];
        if (!definition) {
          const known = Object.keys(definitions).join(', ');
          throw new Error(
            `'${step.name}' is not a step this Hostplane backend knows (it knows ${known})`,
          );
        }
        const { applier, objects } = this.clientsFor(hub);
        const progress = async (message: string) => {
          step.message = message;
          await store.updateSteps(operation.id, steps);
        };
        // One budget for the attempt: a run again after a transient error waits within it.
        const deadline = Date.now() + waitTimeoutMs;
        // Steps are idempotent, so one the hub refused only for now is simply run again.
        await retryTransient(
          () =>
            definition.run({
              plan: operation.plan,
              hub,
              provider,
              cache: cache.hub(hub.name),
              applier,
              objects,
              signal,
              waitTimeoutMs,
              deadline,
              progress,
              etcd: this.options.etcd,
              auditWebhook: this.options.auditWebhook,
            }),
          {
            policy:
              this.options.transientRetryPolicy ??
              DEFAULT_TRANSIENT_RETRY_POLICY,
            signal,
            onRetry: async ({ reason, retry, retries, delayMs }) => {
              const message = `The hub ${reason}; trying again in ${Math.ceil(
                delayMs / 1000,
              )} s (retry ${retry} of ${retries})`;
              logger.warn(
                `${operation.type} of ${operation.hub}/${operation.cluster}: step ${step.name}: ${message}`,
              );
              await progress(message);
            },
          },
        );
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof LeaseLostError) throw error;
        const message = describeError(error);
        step.state = 'failed';
        step.message = message;
        step.finishedAt = new Date().toISOString();
        logger.warn(
          `${operation.type} of ${operation.hub}/${operation.cluster}: step ${step.name} failed: ${message}`,
        );
        await store.finish(
          operation.id,
          'failed',
          steps,
          `${step.title}: ${message}`,
        );
        return;
      }
      step.state = 'succeeded';
      step.finishedAt = new Date().toISOString();
      delete step.message;
      await store.updateSteps(operation.id, steps);
    }
    await store.finish(operation.id, 'succeeded', steps);
    logger.info(
      `${operation.type} of ${operation.hub}/${operation.cluster} succeeded (${operation.id})`,
    );
  }
}

/** The API server's own message where there is one (a conflict names the other field manager). */
function describeError(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body);
      if (status?.message) return status.message;
    } catch {
      return body.slice(0, 500);
    }
  }
  if (body && typeof body === 'object' && 'message' in body) {
    return String((body as { message: unknown }).message);
  }
  return (error as Error).message ?? String(error);
}
