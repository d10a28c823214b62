import { Readable } from 'node:stream';
import { InputError } from '@backstage/errors';

/** An object as a store lists it. */
export interface StoredObjectInfo {
  key: string;
  sizeBytes: number;
  lastModified: Date;
}

/** What a store wrote: the byte count and SHA-256 of exactly the bytes it received. */
export interface StoredObject {
  key: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Where a hub's etcd backups are kept: a directory or an S3 bucket. Every method streams; no
 * implementation holds a whole object in memory. Keys are relative, `/`-separated paths checked by
 * {@link assertBackupObjectKey}.
 *
 * `put` is all or nothing: an object is listed, read or stat'ed only once its body has been
 * written completely; a failed or aborted put leaves nothing under the key (nor replaces what was
 * there). Metadata written after the object is therefore a completion mark readers can trust.
 */
export interface BackupStore {
  /** Where the objects go, for messages: `directory /var/backups` or `s3://bucket/prefix`; never a credential. */
  readonly location: string;
  /** Writes `body` under `key`, replacing any object there. Rejects if the body stream fails. */
  put(key: string, body: Readable): Promise<StoredObject>;
  /** The object's bytes; rejects with a `NotFoundError` (from `@backstage/errors`) when there is none. */
  get(key: string): Promise<Readable>;
  /** The object's size and time, or undefined when there is none. */
  stat(key: string): Promise<StoredObjectInfo | undefined>;
  /** Every complete object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<StoredObjectInfo[]>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
}

const KEY_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Refuses keys a store must not accept: empty, absolute, with empty, `.` or `..` segments, or with
 * characters outside letters, digits, `.`, `_` and `-`. Together they keep a key inside a
 * directory store's root and mean the same object in every store.
 */
export function assertBackupObjectKey(key: string): void {
  const segments = key.split('/');
  if (
    key.length === 0 ||
    key.length > 512 ||
    !segments.every(segment => KEY_SEGMENT.test(segment))
  ) {
    throw new InputError(
      `'${key}' is not a valid backup object key: use '/'-separated segments of letters, digits, '.', '_' and '-', none starting with '.'`,
    );
  }
}

/** Like {@link assertBackupObjectKey} for a list prefix, which may be empty or end with `/`. */
export function assertBackupObjectPrefix(prefix: string): void {
  if (prefix === '') return;
  assertBackupObjectKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
