import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CLUSTER_LABEL,
  ClusterStatus,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { KubernetesObject } from '@kubernetes/client-node';
import { KindWatcher, KindWatcherOptions } from './KindWatcher';
import { StringPool } from './StringPool';

/** What the cache needs of a watcher; tests give it one they drive by hand. */
export type Watcher = Pick<KindWatcher, 'start' | 'stop' | 'requests'>;

export interface HubCacheState {
  hub: string;
  synced: boolean;
  error?: string;
}

export type ClusterChangeListener = (
  hub: string,
  key: { namespace: string; name: string },
  status: ClusterStatus | undefined,
) => void;

interface ClusterEntry {
  objects: Map<string, KubernetesObject>;
  status?: ClusterStatus;
}

const objectKey = (object: KubernetesObject) =>
  `${object.kind}/${object.metadata?.name}`;

/**
 * The clusters of one hub as its provider derives them from the watched objects, kept current by
 * one watcher per kind. Requests read from here; none causes a request to the hub.
 *
 * `onChange` hears of real changes only: a watch event that leaves a cluster's status as it was
 * keeps the status object it had, so nothing downstream recomputes or republishes. Changes found
 * by the first full listing are flagged `initial`: they are the starting state, not news.
 */
export class HubClusterCache {
  private readonly clusters = new Map<string, ClusterEntry>();
  /** Cluster names are unique per hub; the API addresses clusters by hub and name. */
  private readonly byName = new Map<string, ClusterStatus>();
  private readonly watchers: Watcher[];
  private readonly kindStates = new Map<
    string,
    { synced: boolean; error?: string }
  >();
  private readonly syncedWaiters: Array<() => void> = [];
  private everSynced = false;
  /** The hub's objects repeat most of their strings: one copy each for the whole hub. */
  private readonly strings = new StringPool();

  constructor(
    readonly hub: HubDefinition,
    readonly provider: HostedControlPlaneProvider,
    logger: LoggerService,
    private readonly onChange: (
      key: { namespace: string; name: string },
      status: ClusterStatus | undefined,
      initial: boolean,
    ) => void,
    watch: (options: KindWatcherOptions) => Watcher = options =>
      new KindWatcher(options),
  ) {
    this.watchers = provider.watchedKinds.map(kind => {
      const watcher = watch({
        kubeConfig: lazyKubeConfig(hub),
        kind,
        labelSelector: CLUSTER_LABEL,
        logger,
        keep: object => this.retained(object),
        onEvent: (event, object) => this.update(event, object),
        onRelist: objects => this.replaceKind(kind.kind, objects),
        onState: state => {
          this.kindStates.set(kind.kind, state);
          if (this.state().synced) {
            this.everSynced = true;
            this.syncedWaiters.splice(0).forEach(resolve => resolve());
          }
        },
      });
      return watcher;
    });
  }

  start(): void {
    this.watchers.forEach(watcher => watcher.start());
  }

  stop(): void {
    this.watchers.forEach(watcher => watcher.stop());
  }

  /** Resolves once every kind has been listed. */
  whenSynced(): Promise<void> {
    if (this.state().synced) return Promise.resolve();
    return new Promise(resolve => this.syncedWaiters.push(resolve));
  }

  /**
   * Resolves once every kind has been listed, and stays resolved: after that the cache holds the
   * hub's last known state, also while a broken watch is being restarted. Writers wait for this
   * rather than for {@link whenSynced}, so a hub that goes away meets them at the hub, as an
   * error they report or retry, instead of holding them here with nothing to show for it.
   * Resolves `true`, or `false` once `timeoutMs` (if given) has passed without a listing.
   */
  whenListed(timeoutMs?: number): Promise<boolean> {
    if (this.everSynced) return Promise.resolve(true);
    return new Promise(resolve => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const listed = () => {
        clearTimeout(timer);
        resolve(true);
      };
      // A caller that gives up leaves no waiter behind, however long the hub stays unlisted.
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const index = this.syncedWaiters.indexOf(listed);
          if (index >= 0) this.syncedWaiters.splice(index, 1);
          resolve(false);
        }, timeoutMs);
      }
      this.syncedWaiters.push(listed);
    });
  }

  /** How many callers wait for a listing or a sync; for tests that check none is left behind. */
  waiting(): number {
    return this.syncedWaiters.length;
  }

  /** Whether {@link whenListed} has resolved: until then, the cache cannot say what is missing. */
  listed(): boolean {
    return this.everSynced;
  }

  state(): HubCacheState {
    const states = this.provider.watchedKinds.map(kind =>
      this.kindStates.get(kind.kind),
    );
    const error = states.find(s => s?.error)?.error;
    return {
      hub: this.hub.name,
      synced: states.every(s => s?.synced),
      ...(error ? { error } : {}),
    };
  }

  /** Requests made to the hub since start (lists and watches). */
  hubRequests(): number {
    return this.watchers.reduce((sum, w) => sum + w.requests, 0);
  }

  *statuses(): IterableIterator<ClusterStatus> {
    for (const entry of this.clusters.values()) {
      if (entry.status) yield entry.status;
    }
  }

  get(namespace: string, name: string): ClusterStatus | undefined {
    return this.clusters.get(`${namespace}/${name}`)?.status;
  }

  /** Finds a cluster by name: names are unique per hub. */
  findByName(name: string): ClusterStatus | undefined {
    return this.byName.get(name);
  }

  /** The watched objects of one cluster (for deleting what exists). */
  objectsOf(namespace: string, name: string): KubernetesObject[] {
    return [
      ...(this.clusters.get(`${namespace}/${name}`)?.objects.values() ?? []),
    ];
  }

  private clusterKey(object: KubernetesObject): string | undefined {
    const cluster = object.metadata?.labels?.[CLUSTER_LABEL];
    return cluster ? `${object.metadata?.namespace}/${cluster}` : undefined;
  }

  private retained(object: KubernetesObject): KubernetesObject {
    return this.strings.internAll(
      this.provider.retain ? this.provider.retain(object) : object,
    );
  }

  private update(event: 'upsert' | 'delete', object: KubernetesObject): void {
    const key = this.clusterKey(object);
    if (!key) return;
    let entry = this.clusters.get(key);
    if (event === 'delete') {
      entry?.objects.delete(objectKey(object));
    } else {
      if (!entry) {
        entry = { objects: new Map() };
        this.clusters.set(key, entry);
      }
      entry.objects.set(objectKey(object), object);
    }
    this.recompute(key);
  }

  private replaceKind(kind: string, objects: KubernetesObject[]): void {
    const touched = new Set<string>();
    for (const [key, entry] of this.clusters) {
      for (const [name, object] of entry.objects) {
        if (object.kind === kind) {
          entry.objects.delete(name);
          touched.add(key);
        }
      }
    }
    for (const object of objects) {
      const key = this.clusterKey(object);
      if (!key) continue;
      let entry = this.clusters.get(key);
      if (!entry) {
        entry = { objects: new Map() };
        this.clusters.set(key, entry);
      }
      entry.objects.set(objectKey(object), object);
      touched.add(key);
    }
    touched.forEach(key => this.recompute(key));
  }

  private recompute(key: string): void {
    const entry = this.clusters.get(key);
    if (!entry) return;
    const before = entry.status;
    const after =
      entry.objects.size > 0
        ? this.provider.status(this.hub.name, [...entry.objects.values()])
        : undefined;
    // A changed status is a new object and the old one is left as it was: the API keeps each
    // status object's JSON for as long as the object lives (ListResponseJson).
    entry.status = sameStatus(before, after) ? before : after;
    const [namespace, name] = key.split('/');
    if (entry.status) {
      this.byName.set(name, entry.status);
    } else if (this.byName.get(name)?.namespace === namespace) {
      this.byName.delete(name);
    }
    if (entry.objects.size === 0) {
      this.clusters.delete(key);
    }
    if (before !== entry.status) {
      this.onChange({ namespace, name }, entry.status, !this.everSynced);
    }
  }
}

function sameStatus(
  before: ClusterStatus | undefined,
  after: ClusterStatus | undefined,
): boolean {
  if (!before || !after) return before === after;
  // Statuses are built the same way every time, so equal content serializes alike.
  return JSON.stringify(before) === JSON.stringify(after);
}

/**
 * The hub's kubeconfig may not exist yet when the backend starts (the local hub starts beside
 * it); the watcher's first request then fails and is retried like any other failure.
 */
function lazyKubeConfig(hub: HubDefinition) {
  return new Proxy({} as ReturnType<HubDefinition['kubeConfig']>, {
    get(_target, property) {
      const kubeConfig = hub.kubeConfig();
      const value = Reflect.get(kubeConfig, property, kubeConfig);
      return typeof value === 'function' ? value.bind(kubeConfig) : value;
    },
  });
}
