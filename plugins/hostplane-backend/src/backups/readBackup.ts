import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BackupMetadata,
  BackupStore,
  backupMetadataSchema,
  clusterBackupPrefix,
  isBackupMetadataKey,
} from '@hostplane/plugin-hostplane-node';
import { digestingStream } from './digestingStream';
import { BackupKeyring, decryptBackupStream } from './encryption';
import { CorruptedBackupError, TruncatedBackupError } from './errors';

/** What a verification checks the stored object against. */
export type ExpectedBackup = Pick<BackupMetadata, 'object' | 'snapshot'>;

/** Reads and checks one backup's metadata; a stored file that does not parse is corrupted. */
export async function readBackupMetadata(
  store: BackupStore,
  metadataKey: string,
): Promise<BackupMetadata> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(metadataKey)) {
    chunks.push(chunk as Buffer);
  }
  let parsed;
  try {
    parsed = backupMetadataSchema.safeParse(
      JSON.parse(Buffer.concat(chunks).toString('utf8')),
    );
  } catch (error) {
    throw new CorruptedBackupError(
      `the backup metadata '${metadataKey}' in ${store.location} is not JSON`,
      error,
    );
  }
  if (!parsed.success) {
    throw new CorruptedBackupError(
      `the backup metadata '${metadataKey}' in ${
        store.location
      } is invalid: ${parsed.error.issues
        .map(issue => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * A cluster's complete backups (those whose metadata was written), newest first, and the keys of
 * metadata that could not be read, which callers report rather than delete.
 */
export async function listBackups(
  store: BackupStore,
  cluster: { hub: string; namespace: string; cluster: string },
): Promise<{ backups: BackupMetadata[]; unreadable: string[] }> {
  const objects = await store.list(clusterBackupPrefix(cluster));
  const backups: BackupMetadata[] = [];
  const unreadable: string[] = [];
  for (const { key } of objects.filter(o => isBackupMetadataKey(o.key))) {
    try {
      backups.push(await readBackupMetadata(store, key));
    } catch {
      unreadable.push(key);
    }
  }
  backups.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { backups, unreadable };
}

/**
 * Reads the whole stored object, checks its size and SHA-256, decrypts and authenticates every
 * chunk and checks the snapshot's size and SHA-256, writing the plaintext to `sink`. Rejects with
 * a `BackupRefusedError` subclass (or `NotFoundError` when the object is gone) that says which
 * check failed. A size mismatch is found from the store's listing, before any byte is read.
 */
export async function readVerified(
  store: BackupStore,
  keyring: BackupKeyring,
  expected: ExpectedBackup,
  sink: Writable,
): Promise<void> {
  const { object, snapshot } = expected;
  const stat = await store.stat(object.key);
  if (!stat) {
    throw new TruncatedBackupError(
      `the backup's object '${object.key}' is missing from ${store.location}`,
    );
  }
  if (stat.sizeBytes < object.sizeBytes) {
    throw new TruncatedBackupError(
      `the backup's object '${object.key}' has ${stat.sizeBytes} of the ${object.sizeBytes} bytes its metadata records`,
    );
  }
  if (stat.sizeBytes > object.sizeBytes) {
    throw new CorruptedBackupError(
      `the backup's object '${object.key}' has ${stat.sizeBytes} bytes; its metadata records ${object.sizeBytes}`,
    );
  }
  const stored = digestingStream();
  const plaintext = digestingStream();
  await pipeline(
    await store.get(object.key),
    stored.stream,
    decryptBackupStream(keyring, { expectedSizeBytes: object.sizeBytes }),
    plaintext.stream,
    sink,
  );
  const storedSha256 = stored.sha256();
  if (storedSha256 !== object.sha256) {
    throw new CorruptedBackupError(
      `the backup's object '${object.key}' has SHA-256 ${storedSha256}; its metadata records ${object.sha256}`,
    );
  }
  const snapshotSha256 = plaintext.sha256();
  if (
    plaintext.sizeBytes() !== snapshot.sizeBytes ||
    snapshotSha256 !== snapshot.sha256
  ) {
    throw new CorruptedBackupError(
      `the snapshot decrypted from '${
        object.key
      }' has ${plaintext.sizeBytes()} bytes and SHA-256 ${snapshotSha256}; its metadata records ${
        snapshot.sizeBytes
      } and ${snapshot.sha256}`,
    );
  }
}

/** Checks a backup end to end (see {@link readVerified}) without keeping the plaintext. */
export async function verifyBackup(
  store: BackupStore,
  keyring: BackupKeyring,
  expected: ExpectedBackup,
): Promise<void> {
  await readVerified(
    store,
    keyring,
    expected,
    new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  );
}

/**
 * Decrypts a backup into `file` for a restore. The snapshot is written to a temporary file beside
 * it and renamed to `file` only once every check has passed: a refused backup leaves `file` as
 * it was.
 */
export async function restoreSnapshotToFile(
  store: BackupStore,
  keyring: BackupKeyring,
  expected: ExpectedBackup,
  file: string,
): Promise<void> {
  const partial = path.join(
    path.dirname(file),
    `.${path.basename(file)}.partial-${randomBytes(6).toString('hex')}`,
  );
  try {
    await readVerified(
      store,
      keyring,
      expected,
      createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
    );
    const handle = await fs.open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(partial, file);
  } finally {
    await fs.rm(partial, { force: true });
  }
}
