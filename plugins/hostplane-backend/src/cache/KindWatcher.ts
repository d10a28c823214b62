import { LoggerService } from '@backstage/backend-plugin-api';
import { getRaw, WatchedKind } from '@hostplane/plugin-hostplane-node';
import { KubeConfig, KubernetesObject, Watch } from '@kubernetes/client-node';

export type WatchEvent = 'upsert' | 'delete';

export interface KindWatcherOptions {
  kubeConfig: KubeConfig;
  kind: WatchedKind;
  labelSelector: string;
  logger: LoggerService;
  /** Called for every object change, and with the full set after each (re)list. */
  onEvent(event: WatchEvent, object: KubernetesObject): void;
  onRelist(objects: KubernetesObject[]): void;
  /** Reports the watcher's health: an error while the hub cannot be listed or watched. */
  onState(state: { synced: boolean; error?: string }): void;
  pageSize?: number;
}

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

/**
 * List-then-watch of one kind on one hub, as an informer does: a paged LIST gives the full set and
 * a resourceVersion, a WATCH from there streams changes with bookmarks; a `410 Gone` (the version
 * was compacted away) or a dropped connection relists. Objects are passed on without their
 * managedFields, which are most of their size and which nothing here reads.
 */
export class KindWatcher {
  private abort?: AbortController;
  private stopped = false;
  private resourceVersion = '';
  private failures = 0;
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
      const objects = await this.list();
      if (this.stopped) return;
      this.options.onRelist(objects);
      this.options.onState({ synced: true });
      this.failures = 0;
      await this.watch();
    } catch (error) {
      this.retry(error as Error);
    }
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
          compact({
            ...item,
            apiVersion: this.options.kind.apiVersion,
            kind: this.options.kind.kind,
          }),
        );
      }
      continueToken = list.metadata?.continue || undefined;
      this.resourceVersion = list.metadata?.resourceVersion ?? '';
    } while (continueToken);
    return objects;
  }

  private async watch(): Promise<void> {
    this.requests++;
    this.abort = await new Watch(this.options.kubeConfig).watch(
      this.basePath(),
      {
        labelSelector: this.options.labelSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
      },
      (phase, object) => {
        if (phase === 'ERROR') {
          // 410 Gone: our resourceVersion is older than the API server keeps; list again.
          this.abort?.abort();
          this.resourceVersion = '';
          return;
        }
        const version = object?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (phase === 'BOOKMARK') return;
        this.options.onEvent(
          phase === 'DELETED' ? 'delete' : 'upsert',
          compact(object),
        );
      },
      error => {
        if (this.stopped) return;
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
