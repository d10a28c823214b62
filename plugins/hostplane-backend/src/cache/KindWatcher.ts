import { LoggerService } from '@backstage/backend-plugin-api';
import { getRaw, WatchedKind } from '@hostplane/plugin-hostplane-node';
import { KubeConfig, KubernetesObject, Watch } from '@kubernetes/client-node';

export type WatchEvent = 'upsert' | 'delete';

export interface KindWatcherOptions {
  kubeConfig: KubeConfig;
  kind: WatchedKind;
  labelSelector: string;
  logger: LoggerService;
  /**
   * What is kept of each object, applied as it arrives: a listing then holds only what is kept of
   * the objects already listed, not the hub's whole objects until its last page.
   */
  keep(object: KubernetesObject): KubernetesObject;
  /** Called for every object change, and with the full set after each (re)list. */
  onEvent(event: WatchEvent, object: KubernetesObject): void;
  onRelist(objects: KubernetesObject[]): void;
  /** Reports the watcher's health: an error while the hub cannot be listed or watched. */
  onState(state: { synced: boolean; error?: string }): void;
  pageSize?: number;
}

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

/** The bookmark that ends a streamed list's initial events (KEP-3157). */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * List-then-watch of one kind on one hub, as client-go's informers do. The full set comes as a
 * streamed list where the hub offers it (a WATCH with `sendInitialEvents`, on by default since
 * Kubernetes 1.34): one event per object, then a bookmark, so the backend never holds a list page
 * of several megabytes as one string and again as one parsed tree. A hub that refuses it (an older
 * one, or the `WatchList` feature gate off: `422`) is listed in pages instead, and a WATCH from the
 * list's resourceVersion follows. Either way changes stream with bookmarks; a `410 Gone` (the
 * version was compacted away) or a dropped connection relists. Objects are passed on without their
 * managedFields, which are most of their size and which nothing here reads.
 */
export class KindWatcher {
  private abort?: AbortController;
  private stopped = false;
  private resourceVersion = '';
  private failures = 0;
  /** Until the hub refuses one: then paged LISTs for as long as this watcher runs. */
  private streamingList = true;
  private retryTimer?: NodeJS.Timeout;
  /** Counts requests to the hub: the benchmark reports them per page view. */
  requests = 0;

  constructor(private readonly options: KindWatcherOptions) {}

  start(): void {
    this.stopped = false;
    void this.relistAndWatch();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
  }

  private basePath(): string {
    const { apiVersion, plural } = this.options.kind;
    const prefix = apiVersion.includes('/')
      ? `/apis/${apiVersion}`
      : `/api/${apiVersion}`;
    return `${prefix}/${plural}`;
  }

  private async relistAndWatch(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.streamingList) {
        await this.watch([]);
        return;
      }
      const objects = await this.list();
      if (this.stopped) return;
      this.listed(objects);
      await this.watch();
    } catch (error) {
      this.retry(error as Error);
    }
  }

  private listed(objects: KubernetesObject[]): void {
    this.options.onRelist(objects);
    this.options.onState({ synced: true });
    this.failures = 0;
  }

  private async list(): Promise<KubernetesObject[]> {
    const objects: KubernetesObject[] = [];
    let continueToken: string | undefined;
    do {
      const query = new URLSearchParams({
        labelSelector: this.options.labelSelector,
        limit: String(this.options.pageSize ?? 500),
      });
      if (continueToken) query.set('continue', continueToken);
      this.requests++;
      const response = await getRaw(
        this.options.kubeConfig,
        `${this.basePath()}?${query}`,
      );
      if (response.status !== 200) {
        throw new Error(
          `LIST ${this.options.kind.plural} answered ${
            response.status
          }: ${response.body.slice(0, 200)}`,
        );
      }
      const list = JSON.parse(response.body);
      for (const item of list.items ?? []) {
        objects.push(
          this.options.keep(
            compact({
              ...item,
              apiVersion: this.options.kind.apiVersion,
              kind: this.options.kind.kind,
            }),
          ),
        );
      }
      continueToken = list.metadata?.continue || undefined;
      this.resourceVersion = list.metadata?.resourceVersion ?? '';
    } while (continueToken);
    return objects;
  }

  /**
   * Watches from the last resourceVersion; or, given the array to gather them in, from nothing with
   * the current set first (a streamed list), which is handed on as a relist at its closing bookmark.
   */
  private async watch(initial?: KubernetesObject[]): Promise<void> {
    this.requests++;
    let listing = initial !== undefined;
    const query = listing
      ? {
          labelSelector: this.options.labelSelector,
          sendInitialEvents: true,
          resourceVersionMatch: 'NotOlderThan',
          allowWatchBookmarks: true,
        }
      : {
          labelSelector: this.options.labelSelector,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
        };
    this.abort = await new Watch(this.options.kubeConfig).watch(
      this.basePath(),
      query,
      (phase, object) => {
        if (phase === 'ERROR') {
          // 410 Gone: our resourceVersion is older than the API server keeps; list again. It is
          // forgotten before the abort, which calls the end-of-watch callback below at once.
          this.resourceVersion = '';
          this.abort?.abort();
          return;
        }
        const version = object?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (phase === 'BOOKMARK') {
          if (
            listing &&
            object?.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true'
          ) {
            listing = false;
            this.listed(initial!);
          }
          return;
        }
        const kept = this.options.keep(compact(object));
        if (listing) {
          initial!.push(kept);
        } else {
          this.options.onEvent(phase === 'DELETED' ? 'delete' : 'upsert', kept);
        }
      },
      error => {
        if (this.stopped) return;
        if (listing) {
          // The set was not streamed to its end: no resourceVersion to resume from.
          this.resourceVersion = '';
          const status = (error as { statusCode?: number } | null)?.statusCode;
          if (status === 400 || status === 422) {
            this.streamingList = false;
            this.options.logger.info(
              `hub refused a streamed list of ${this.options.kind.plural} (${status}); listing in pages`,
            );
            void this.relistAndWatch();
          } else {
            this.retry(
              error ?? new Error('watch closed before the list ended'),
            );
          }
          return;
        }
        if (error && (error as Error).name !== 'AbortError') {
          this.options.logger.debug(
            `watch of ${this.options.kind.plural} ended: ${
              (error as Error).message
            }`,
          );
        }
        // A watch ends on server timeouts too; resume from the last version, or relist after 410.
        if (this.resourceVersion) {
          this.watch().catch(e => this.retry(e));
        } else {
          void this.relistAndWatch();
        }
      },
    );
  }

  private retry(error: Error): void {
    if (this.stopped) return;
    this.options.onState({ synced: false, error: error.message });
    const delay = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)];
    this.resourceVersion = '';
    this.retryTimer = setTimeout(() => void this.relistAndWatch(), delay);
  }
}

function compact(object: KubernetesObject): KubernetesObject {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
