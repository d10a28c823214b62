import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '@backstage/errors';
import {
  BackupSummary,
  BackupTrigger,
  ClusterStatus,
  ListBackupsResponse,
  TransferProgress,
  describeTransfer,
} from '@hostplane/plugin-hostplane-common';
import {
  BackupMetadata,
  BackupStore,
  BackupStoreConfig,
  EtcdAccess,
  HubDefinition,
  backupObjectKeys,
} from '@hostplane/plugin-hostplane-node';
import { CoreV1Api } from '@kubernetes/client-node';
import { BackupKeys } from './backupKeys';
import { createBackupStore } from './createBackupStore';
import { decryptBackupStream } from './encryption';
import { pruneBackups } from './pruneBackups';
import { listBackups, readBackupMetadata, readVerified } from './readBackup';
import { RestoreUrlSigner } from './restoreUrls';
import { writeBackup } from './writeBackup';
import type { EtcdSnapshotStream } from '../operations/etcdServices';

/** One backup of one cluster, named in full (the store's prefix needs the namespace). */
export interface BackupRef {
  hub: string;
  namespace: string;
  cluster: string;
  backupId: string;
}

/** How often a copy reports its progress. */
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * A hub's backups: where they are stored, the keys they are encrypted with, and the URLs restores
 * fetch them from. Nothing it returns or reports holds key material, a store credential or a
 * restore URL (the one exception, `restoreUrl`, is rendered into the hub object and nowhere else).
 */
export class BackupService {
  private readonly stores = new Map<string, BackupStore>();
  private readonly keys = new Map<string, BackupKeys>();

  constructor(
    private readonly hubs: HubDefinition[],
    storeConfigs: Map<string, BackupStoreConfig>,
    private readonly signer: RestoreUrlSigner,
    private readonly options: {
      /** When the next scheduled backup of a cluster fires, for the list (the scheduler's rule). */
      nextScheduledAt?: (
        cluster: ClusterStatus,
        after: Date,
      ) => Date | undefined;
      now?: () => Date;
    } = {},
  ) {
    for (const [hub, config] of storeConfigs) {
      this.stores.set(hub, createBackupStore(config));
    }
  }

  /** The hub's store; a 404-like error naming the hub when it has none configured. */
  store(hub: string): BackupStore {
    const store = this.stores.get(hub);
    if (!store) {
      throw new NotFoundError(
        `Hub '${hub}' has no backup store (hostplane.hubs[].backups)`,
      );
    }
    return store;
  }

  /** Whether the hub keeps backups. */
  hasStore(hub: string): boolean {
    return this.stores.has(hub);
  }

  /** The hub's backup keys (Secrets beside each cluster). */
  keysOf(hub: string): BackupKeys {
    let keys = this.keys.get(hub);
    if (!keys) {
      const definition = this.hubs.find(h => h.name === hub);
      if (!definition) throw new NotFoundError(`There is no hub '${hub}'`);
      keys = new BackupKeys(definition.kubeConfig());
      this.keys.set(hub, keys);
    }
    return keys;
  }

  /** The cluster's backups as the API lists them, newest first, and its schedule. */
  async list(cluster: ClusterStatus): Promise<ListBackupsResponse> {
    const store = this.store(cluster.hub);
    const { backups } = await listBackups(store, {
      hub: cluster.hub,
      namespace: cluster.namespace,
      cluster: cluster.name,
    });
    const policy = cluster.spec?.etcd.backup ?? {
      schedule: '0 */6 * * *',
      retention: 7,
    };
    const now = this.now();
    const next = this.options.nextScheduledAt?.(cluster, now);
    return {
      items: backups.map(summaryOf),
      policy,
      lastSuccessfulAt: backups[0]?.createdAt,
      nextScheduledAt: next?.toISOString(),
      store: store.location.startsWith('s3://') ? 's3' : 'directory',
    };
  }

  /**
   * Streams a snapshot of the cluster's etcd into the hub's store, encrypted with the cluster's
   * key (made now if the cluster has none), with the cluster's etcd encryption-key Secret beside
   * it; reports bytes and rate as it goes. The backup is complete (listed) only once read back and
   * verified.
   */
  async takeBackup(options: {
    cluster: ClusterStatus;
    access: EtcdAccess;
    snapshot: EtcdSnapshotStream;
    trigger: BackupTrigger;
    requestedBy: string;
    progress: (message: string) => Promise<void>;
  }): Promise<BackupMetadata> {
    const { cluster, access, snapshot } = options;
    const store = this.store(cluster.hub);
    const location = { namespace: cluster.namespace, cluster: cluster.name };
    const key = await this.keysOf(cluster.hub).ensure(location);
    const startedAt = this.now();
    const counter = progressCounter(
      snapshot.dbSizeBytes,
      options.progress,
      () => this.now(),
    );
    const encryptionKey = await this.readSecretData(
      cluster.hub,
      access.encryptionKeySecret,
    );
    // A snapshot stream that fails (a cut port-forward, a wrong checksum) fails the write.
    snapshot.stream.once('error', error => counter.stream.destroy(error));
    const written = await writeBackup({
      store,
      key,
      snapshot: snapshot.stream.pipe(counter.stream),
      now: startedAt,
      clock: () => this.now(),
      encryptionKey,
      description: {
        hub: cluster.hub,
        namespace: cluster.namespace,
        cluster: cluster.name,
        trigger: options.trigger,
        requestedBy: options.requestedBy,
        etcd: {
          revision: snapshot.revision,
          dbSizeBytes: snapshot.dbSizeBytes,
          member: snapshot.member,
          version: snapshot.version,
        },
        kubernetesVersion:
          cluster.version ?? cluster.spec?.version ?? 'unknown',
      },
    });
    await options.progress(
      `${describeTransfer(counter.progress())}: backup ${written.id} verified`,
    );
    return written;
  }

  /** Applies the cluster's retention: its newest `retention` backups stay, and always the last good one. */
  async prune(cluster: ClusterStatus, retention: number) {
    return pruneBackups({
      store: this.store(cluster.hub),
      cluster: {
        hub: cluster.hub,
        namespace: cluster.namespace,
        cluster: cluster.name,
      },
      policy: { keepNewest: retention },
      now: this.now(),
    });
  }

  /**
   * Reads the backup whole and checks it as a restore would (object size and SHA-256, every chunk
   * decrypted with the cluster's key, the snapshot's SHA-256): a `BackupRefusedError` says which
   * check failed, before anything is restored from it.
   */
  async verify(
    ref: BackupRef,
    progress?: (message: string) => Promise<void>,
  ): Promise<BackupMetadata> {
    const metadata = await this.metadataOf(ref);
    const counter = progressCounter(
      metadata.snapshot.sizeBytes,
      progress ?? (async () => {}),
      () => this.now(),
    );
    // Only counted: the plaintext is dropped as it passes.
    counter.stream.resume();
    await this.readSnapshot(ref, metadata, counter.stream);
    return metadata;
  }

  /** The backup's metadata; `NotFoundError` when there is no such complete backup. */
  async metadataOf(ref: BackupRef): Promise<BackupMetadata> {
    const store = this.store(ref.hub);
    const keys = backupObjectKeys({ ...ref, id: ref.backupId });
    if (!(await store.stat(keys.metadata))) {
      throw new NotFoundError(
        `Cluster '${ref.cluster}' on hub '${ref.hub}' has no backup '${ref.backupId}'`,
      );
    }
    return readBackupMetadata(store, keys.metadata);
  }

  /**
   * Writes the backup's decrypted snapshot to `sink`, checking it on the way; on a failed check
   * `sink` is destroyed with the error (a reader sees a cut stream, never unverified bytes as whole).
   */
  async readSnapshot(
    ref: BackupRef,
    metadata: BackupMetadata,
    sink: Writable,
  ): Promise<void> {
    const keyring = await this.keysOf(ref.hub).keyring(ref);
    await readVerified(this.store(ref.hub), keyring, metadata, sink);
  }

  /** The cluster's etcd encryption-key Secret's data as saved with the backup, if it was. */
  async savedEncryptionKey(
    ref: BackupRef,
  ): Promise<Record<string, string> | undefined> {
    const store = this.store(ref.hub);
    const key = backupObjectKeys({ ...ref, id: ref.backupId }).encryptionKey;
    if (!(await store.stat(key))) return undefined;
    const keyring = await this.keysOf(ref.hub).keyring(ref);
    const chunks: Buffer[] = [];
    await pipeline(
      await store.get(key),
      decryptBackupStream(keyring),
      new Writable({
        write(chunk, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
      }),
    );
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  /** A short-lived URL the hub fetches the backup's snapshot from (a credential while it lasts). */
  restoreUrl(ref: BackupRef): string {
    return this.signer.url(ref);
  }

  /** The signer restore URLs are checked with. */
  get restoreUrls(): RestoreUrlSigner {
    return this.signer;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** A Secret's data as text, or undefined when it is not there. */
  private async readSecretData(
    hub: string,
    secret: { namespace: string; name: string },
  ): Promise<Record<string, string> | undefined> {
    const definition = this.hubs.find(h => h.name === hub)!;
    try {
      const found = await definition
        .kubeConfig()
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret(secret);
      return Object.fromEntries(
        Object.entries(found.data ?? {}).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString('utf8'),
        ]),
      );
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }
}

/** A backup as the API lists it: no key, no store location, no credential. */
export function summaryOf(metadata: BackupMetadata): BackupSummary {
  return {
    id: metadata.id,
    createdAt: metadata.createdAt,
    durationMs: metadata.durationMs,
    sizeBytes: metadata.snapshot.sizeBytes,
    storedBytes: metadata.object.sizeBytes,
    revision: metadata.etcd.revision,
    dbSizeBytes: metadata.etcd.dbSizeBytes,
    member: metadata.etcd.member,
    etcdVersion: metadata.etcd.version,
    kubernetesVersion: metadata.kubernetesVersion,
    sha256: metadata.snapshot.sha256,
    trigger: metadata.trigger,
    requestedBy: metadata.requestedBy,
  };
}

/**
 * A pass-through that counts bytes and reports `describeTransfer` at most once a second (the
 * progress is written to the database, so not per chunk).
 */
function progressCounter(
  totalBytes: number | undefined,
  report: (message: string) => Promise<void>,
  now: () => Date,
) {
  const started = now().getTime();
  let bytes = 0;
  let reportedAt = started;
  const progress = (): TransferProgress => {
    const seconds = Math.max(0.001, (now().getTime() - started) / 1000);
    return {
      bytes,
      ...(totalBytes ? { totalBytes: Math.max(totalBytes, bytes) } : {}),
      bytesPerSecond: bytes / seconds,
    };
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      const at = now().getTime();
      if (at - reportedAt < PROGRESS_INTERVAL_MS) {
        callback(null, chunk);
        return;
      }
      reportedAt = at;
      // Waits for the report: back-pressure rather than a queue of progress writes.
      report(describeTransfer(progress())).then(
        () => callback(null, chunk),
        () => callback(null, chunk),
      );
    },
  });
  return { stream, progress };
}
