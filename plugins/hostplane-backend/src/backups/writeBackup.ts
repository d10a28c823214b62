import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BACKUP_ENCRYPTION_ALGORITHM,
  BackupMetadata,
  BackupStore,
  backupMetadataSchema,
  backupObjectKeys,
  newBackupId,
} from '@hostplane/plugin-hostplane-node';
import { digestingStream } from './digestingStream';
import { BackupKey, encryptBackupStream } from './encryption';
import { verifyBackup } from './readBackup';

/** What the caller knows about a snapshot before it is stored. */
export type BackupDescription = Pick<
  BackupMetadata,
  | 'hub'
  | 'namespace'
  | 'cluster'
  | 'trigger'
  | 'requestedBy'
  | 'etcd'
  | 'kubernetesVersion'
>;

/**
 * Stores an etcd snapshot as a backup: streams it through a SHA-256 and the cluster's encryption
 * into the store, reads the stored object back and verifies it as a restore would (size, SHA-256,
 * every chunk decrypted, the snapshot's SHA-256), writes the cluster's etcd encryption key beside
 * it (encrypted the same way) when there is one, and only then writes the metadata, which marks
 * the backup complete: a backup listed as complete always has everything a restore reads. If any
 * step fails, what was written is removed and the error is passed on; a crash before the metadata
 * leaves objects without metadata, which list as no backup and are removed by `pruneBackups` once
 * old.
 */
export async function writeBackup(options: {
  store: BackupStore;
  key: BackupKey;
  snapshot: Readable;
  description: BackupDescription;
  now: Date;
  /** The time when the object is verified, for the backup's duration; the system clock by default. */
  clock?: () => Date;
  /** The data of the cluster's etcd encryption-key Secret, which the snapshot's data needs. */
  encryptionKey?: Record<string, string>;
}): Promise<BackupMetadata> {
  const { store, key, snapshot, description, now } = options;
  const clock = options.clock ?? (() => new Date());
  const id = newBackupId(now);
  const keys = backupObjectKeys({ ...description, id });
  const plaintext = digestingStream();
  const encrypted = encryptBackupStream(key);
  // The store consumes `encrypted`; the pipeline feeds it and fails it if the snapshot fails.
  const feeding = pipeline(snapshot, plaintext.stream, encrypted);
  let stored;
  try {
    [stored] = await Promise.all([store.put(keys.object, encrypted), feeding]);
  } catch (error) {
    encrypted.destroy();
    await feeding.catch(() => {});
    throw error;
  }
  try {
    const metadata = backupMetadataSchema.parse({
      ...description,
      id,
      createdAt: now.toISOString(),
      state: 'complete',
      snapshot: {
        sizeBytes: plaintext.sizeBytes(),
        sha256: plaintext.sha256(),
      },
      object: {
        key: keys.object,
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
      },
      encryption: { algorithm: BACKUP_ENCRYPTION_ALGORITHM, keyId: key.id },
    } satisfies BackupMetadata);
    await verifyBackup(store, new Map([[key.id, key.material]]), metadata);
    if (options.encryptionKey) {
      await store.put(
        keys.encryptionKey,
        Readable.from([
          Buffer.from(JSON.stringify(options.encryptionKey)),
        ]).pipe(encryptBackupStream(key)),
      );
    }
    metadata.durationMs = Math.max(0, clock().getTime() - now.getTime());
    await store.put(
      keys.metadata,
      Readable.from([Buffer.from(JSON.stringify(metadata, null, 2))]),
    );
    return metadata;
  } catch (error) {
    await store.delete(keys.encryptionKey).catch(() => {});
    await store.delete(keys.object).catch(() => {});
    throw error;
  }
}
