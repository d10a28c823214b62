import { randomBytes } from 'node:crypto';
import { backupTriggerSchema } from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

/** The only encryption format backups are written in (see the backend's `backupEncryption`). */
export const BACKUP_ENCRYPTION_ALGORITHM = 'AES-256-GCM-STREAM-v1';

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256 digest');
const byteCount = z.number().int().nonnegative();

/**
 * What is known about one etcd snapshot, stored beside its encrypted object. It is written only
 * after the stored object has been read back and verified, so its presence is what marks the
 * backup complete (`state` says so explicitly for readers that see it elsewhere). It holds no key
 * material: `encryption.keyId` names the cluster's key, which stays in the hub.
 */
export const backupMetadataSchema = z.strictObject({
  /** Sortable by time: `<UTC yyyyMMddTHHmmssZ>-<random>`; see `newBackupId`. */
  id: z.string().regex(/^\d{8}T\d{6}Z-[a-z0-9]{6}$/),
  hub: z.string().min(1),
  /** The control-plane's namespace on the hub and the cluster's name. */
  namespace: z.string().min(1),
  cluster: z.string().min(1),
  createdAt: z.iso.datetime(),
  /** From the start of the snapshot to the verified object. */
  durationMs: z.number().int().nonnegative().optional(),
  state: z.literal('complete'),
  trigger: backupTriggerSchema,
  /** Who asked for it: a user entity ref, or `hostplane` for the schedule. */
  requestedBy: z.string().min(1),
  etcd: z.strictObject({
    revision: z.number().int().nonnegative(),
    dbSizeBytes: byteCount,
    /** The member the snapshot was streamed from. */
    member: z.string().min(1),
    version: z.string().min(1),
  }),
  kubernetesVersion: z.string().min(1),
  /** The plaintext etcd snapshot. */
  snapshot: z.strictObject({ sizeBytes: byteCount, sha256: sha256Hex }),
  /** The encrypted object as stored. */
  object: z.strictObject({
    key: z.string().min(1),
    sizeBytes: byteCount,
    sha256: sha256Hex,
  }),
  encryption: z.strictObject({
    algorithm: z.literal(BACKUP_ENCRYPTION_ALGORITHM),
    keyId: z.string().min(1),
  }),
});
export type BackupMetadata = z.infer<typeof backupMetadataSchema>;

/** Where a cluster's backups and their metadata live in a store. */
export function clusterBackupPrefix(cluster: {
  hub: string;
  namespace: string;
  cluster: string;
}): string {
  return `${cluster.hub}/${cluster.namespace}/${cluster.cluster}/`;
}

const OBJECT_SUFFIX = '.snapshot.enc';
const METADATA_SUFFIX = '.json';
const ENCRYPTION_KEY_SUFFIX = '.etcd-encryption-key.enc';

/** The keys of one backup's encrypted snapshot, its metadata and its etcd encryption key. */
export function backupObjectKeys(backup: {
  hub: string;
  namespace: string;
  cluster: string;
  id: string;
}): { object: string; metadata: string; encryptionKey: string } {
  const base = `${clusterBackupPrefix(backup)}${backup.id}`;
  return {
    object: `${base}${OBJECT_SUFFIX}`,
    metadata: `${base}${METADATA_SUFFIX}`,
    // The cluster's etcd encryption-key Secret, encrypted like the snapshot: its data needs it.
    encryptionKey: `${base}${ENCRYPTION_KEY_SUFFIX}`,
  };
}

/** Whether a listed key is a backup's metadata (rather than its snapshot object). */
export function isBackupMetadataKey(key: string): boolean {
  return key.endsWith(METADATA_SUFFIX);
}

/**
 * The metadata key beside a listed snapshot object, or undefined when the key is not a snapshot
 * object's: how a snapshot without metadata (a backup that never completed) is found.
 */
export function backupMetadataKeyFor(objectKey: string): string | undefined {
  return objectKey.endsWith(OBJECT_SUFFIX)
    ? objectKey.slice(0, -OBJECT_SUFFIX.length) + METADATA_SUFFIX
    : undefined;
}

/** A new backup id: the time (so ids sort as backups were taken) and a random suffix. */
export function newBackupId(now: Date): string {
  const time = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${time}-${randomBytes(3).toString('hex')}`;
}
