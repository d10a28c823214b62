import {
  BackupMetadata,
  BackupStore,
  backupObjectKeys,
  clusterBackupPrefix,
} from '@hostplane/plugin-hostplane-node';
import { listBackups } from './readBackup';
import { RetentionPolicy, backupsToDelete } from './retention';

/**
 * How old an object without metadata must be before it is taken for the leftover of a backup that
 * never completed, rather than one being written.
 */
export const ORPHAN_GRACE_MS = 24 * 60 * 60 * 1000;

/** Removes one backup: its metadata first, so it stops counting as complete before its object goes. */
export async function deleteBackup(
  store: BackupStore,
  backup: Pick<BackupMetadata, 'hub' | 'namespace' | 'cluster' | 'id'>,
): Promise<void> {
  const keys = backupObjectKeys(backup);
  await store.delete(keys.metadata);
  await store.delete(keys.object);
  await store.delete(keys.encryptionKey);
}

/**
 * Applies a retention policy to a cluster's backups and removes objects of backups that never
 * completed. Metadata that cannot be read is left alone (and its backup counts for nothing).
 */
export async function pruneBackups(options: {
  store: BackupStore;
  cluster: { hub: string; namespace: string; cluster: string };
  policy: RetentionPolicy;
  now: Date;
}): Promise<{ deleted: BackupMetadata[]; orphansRemoved: string[] }> {
  const { store, cluster, policy, now } = options;
  const { backups } = await listBackups(store, cluster);
  const deleted = backupsToDelete(backups, policy, now);
  for (const backup of deleted) {
    await deleteBackup(store, backup);
  }
  const prefix = clusterBackupPrefix(cluster);
  const objects = await store.list(prefix);
  const present = new Set(objects.map(object => object.key));
  const orphansRemoved: string[] = [];
  for (const object of objects) {
    const metadataKey = metadataKeyBeside(object.key, prefix, cluster);
    if (
      metadataKey &&
      !present.has(metadataKey) &&
      now.getTime() - object.lastModified.getTime() > ORPHAN_GRACE_MS
    ) {
      await store.delete(object.key);
      orphansRemoved.push(object.key);
    }
  }
  return { deleted, orphansRemoved };
}

/** A backup's id at the start of an object's name: `<UTC yyyyMMddTHHmmssZ>-<random>.`. */
const BACKUP_ID_PREFIX = /^(\d{8}T\d{6}Z-[a-z0-9]{6})\./;

/**
 * The metadata key of the backup a listed object belongs to (its snapshot or its saved etcd
 * encryption key), or undefined when the object is metadata or no backup's: an object whose
 * metadata is missing is the leftover of a backup that never completed.
 */
function metadataKeyBeside(
  objectKey: string,
  prefix: string,
  cluster: { hub: string; namespace: string; cluster: string },
): string | undefined {
  const id = BACKUP_ID_PREFIX.exec(objectKey.slice(prefix.length))?.[1];
  if (!id) return undefined;
  const keys = backupObjectKeys({ ...cluster, id });
  return objectKey === keys.object || objectKey === keys.encryptionKey
    ? keys.metadata
    : undefined;
}
