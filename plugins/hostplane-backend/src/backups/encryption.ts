import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { BACKUP_ENCRYPTION_ALGORITHM } from '@hostplane/plugin-hostplane-node';
import { ByteQueue } from './ByteQueue';
import {
  CorruptedBackupError,
  TruncatedBackupError,
  WrongBackupKeyError,
} from './errors';

/**
 * A cluster's backup key: 32 random bytes kept in the hub beside the cluster, never in a store.
 * The id is recorded in each backup's header and metadata so a reader knows which key it needs.
 */
export interface BackupKey {
  id: string;
  material: Buffer;
}

/** The keys a reader may decrypt with, by id. */
export type BackupKeyring = ReadonlyMap<string, Buffer>;

export function generateBackupKey(id: string): BackupKey {
  return { id, material: randomBytes(32) };
}

/*
 * The format (AES-256-GCM-STREAM-v1), after the STREAM construction of Hoang, Reyhanitabar, Rogaway
 * and Vizár ("Online authenticated-encryption and its nonce-reuse misuse-resistance", 2015):
 *
 *   header: "HPBK" | version 1 (u8) | chunk size (u32 BE) | salt (16) | nonce prefix (7)
 *           | key check (16) | key id length (u8) | key id (UTF-8) | header digest (16)
 *   chunks: AES-256-GCM(file key, nonce = prefix | counter (u32 BE) | last (u8), aad = header)
 *
 * Every chunk but the last holds exactly `chunk size` plaintext bytes; the last holds 0 to
 * `chunk size` and is the only one sealed with last = 1, so a stream cut at a chunk boundary
 * fails authentication of its final chunk, and reordered or dropped chunks fail their counters.
 * The file key is derived from the cluster key and the random salt (HKDF-SHA256), so no two backups
 * share a key and nonce. The header digest (SHA-256 of the header before it) finds an altered
 * header; the key check (HMAC of the salt under the cluster key) then tells a wrong key apart from
 * altered data, both before any chunk is read. Each chunk is sealed and opened on its own, so
 * memory stays at a few chunks whatever the snapshot's size.
 */
const MAGIC = Buffer.from('HPBK');
const FORMAT_VERSION = 1;
const FIXED_HEADER_LENGTH = 4 + 1 + 4 + 16 + 7 + 16 + 1;
const HEADER_DIGEST_LENGTH = 16;
const TAG_LENGTH = 16;
const MAX_CHUNKS = 2 ** 32;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

function fileKey(material: Buffer, salt: Buffer): Buffer {
  return Buffer.from(
    hkdfSync('sha256', material, salt, 'hostplane etcd backup v1', 32),
  );
}

function keyCheck(material: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', material)
    .update('hostplane etcd backup key check v1')
    .update(salt)
    .digest()
    .subarray(0, 16);
}

function headerDigest(headerBeforeDigest: Buffer): Buffer {
  return createHash('sha256')
    .update(headerBeforeDigest)
    .digest()
    .subarray(0, HEADER_DIGEST_LENGTH);
}

function chunkNonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function assertKeyMaterial(key: BackupKey): void {
  if (key.material.length !== 32) {
    throw new Error(
      `backup key '${key.id}' has ${key.material.length} bytes; AES-256 needs 32`,
    );
  }
}

/** Encrypts a snapshot stream with the cluster's key, chunk by chunk. */
export function encryptBackupStream(
  key: BackupKey,
  options: { chunkSize?: number } = {},
): Transform {
  assertKeyMaterial(key);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const keyId = Buffer.from(key.id, 'utf8');
  if (keyId.length === 0 || keyId.length > 255) {
    throw new Error(
      `backup key id '${key.id}' must be 1 to 255 bytes of UTF-8`,
    );
  }
  if (
    !Number.isInteger(chunkSize) ||
    chunkSize < 1 ||
    chunkSize > MAX_CHUNK_SIZE
  ) {
    throw new Error(
      `chunk size ${chunkSize} is not between 1 and ${MAX_CHUNK_SIZE}`,
    );
  }
  const salt = randomBytes(16);
  const noncePrefix = randomBytes(7);
  const header = Buffer.alloc(
    FIXED_HEADER_LENGTH + keyId.length + HEADER_DIGEST_LENGTH,
  );
  let offset = MAGIC.copy(header, 0);
  offset = header.writeUInt8(FORMAT_VERSION, offset);
  offset = header.writeUInt32BE(chunkSize, offset);
  offset += salt.copy(header, offset);
  offset += noncePrefix.copy(header, offset);
  offset += keyCheck(key.material, salt).copy(header, offset);
  offset = header.writeUInt8(keyId.length, offset);
  offset += keyId.copy(header, offset);
  headerDigest(header.subarray(0, offset)).copy(header, offset);

  const encryptionKey = fileKey(key.material, salt);
  const pending = new ByteQueue();
  let counter = 0;
  const seal = (plaintext: Buffer, last: boolean): Buffer => {
    if (counter >= MAX_CHUNKS) {
      throw new Error('the snapshot is too large for one backup stream');
    }
    const cipher = createCipheriv(
      'aes-256-gcm',
      encryptionKey,
      chunkNonce(noncePrefix, counter++, last),
    );
    cipher.setAAD(header);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([sealed, cipher.getAuthTag()]);
  };

  return new Transform({
    construct(callback) {
      this.push(header);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      try {
        // Strictly more than a chunk: the last chunk is only known at the end of the input.
        while (pending.length > chunkSize) {
          this.push(seal(pending.take(chunkSize), false));
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        this.push(seal(pending.take(pending.length), true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

export interface DecryptBackupOptions {
  /**
   * The stored object's size as its metadata records it. With it, an object cut short anywhere is
   * reported as truncated; without it, only one cut at a chunk boundary or inside the header is
   * (a cut inside a chunk then reads as corrupted: the two cannot be told apart from the bytes).
   */
  expectedSizeBytes?: number;
}

/**
 * Decrypts a stream written by {@link encryptBackupStream}, failing with `WrongBackupKeyError`,
 * `CorruptedBackupError` or `TruncatedBackupError`. Plaintext of a chunk is only passed on once
 * the chunk is authenticated, yet a stream that later fails has passed on its earlier chunks: a
 * consumer must treat the output as unverified until the stream ends without error.
 */
export function decryptBackupStream(
  keyring: BackupKeyring,
  options: DecryptBackupOptions = {},
): Transform {
  const { expectedSizeBytes } = options;
  const pending = new ByteQueue();
  let received = 0;
  let header: Buffer | undefined;
  let chunkSize = 0;
  let noncePrefix: Buffer = Buffer.alloc(0);
  let decryptionKey: Buffer = Buffer.alloc(0);
  let counter = 0;

  const readHeader = (): boolean => {
    if (pending.length < FIXED_HEADER_LENGTH) return false;
    const fixed = pending.take(FIXED_HEADER_LENGTH);
    const rest =
      fixed.readUInt8(FIXED_HEADER_LENGTH - 1) + HEADER_DIGEST_LENGTH;
    if (pending.length < rest) {
      // Put the fixed part back in front: wait for the key id and the digest.
      const buffered = pending.take(pending.length);
      pending.push(fixed);
      pending.push(buffered);
      return false;
    }
    const full = Buffer.concat([fixed, pending.take(rest)]);
    const digestAt = full.length - HEADER_DIGEST_LENGTH;
    if (!full.subarray(0, 4).equals(MAGIC)) {
      throw new CorruptedBackupError(
        'the object is not a Hostplane backup: its header does not start with HPBK',
      );
    }
    const version = full.readUInt8(4);
    if (version !== FORMAT_VERSION) {
      throw new CorruptedBackupError(
        `the backup's format version is ${version}; this reader knows ${FORMAT_VERSION} (${BACKUP_ENCRYPTION_ALGORITHM})`,
      );
    }
    if (
      !headerDigest(full.subarray(0, digestAt)).equals(full.subarray(digestAt))
    ) {
      throw new CorruptedBackupError(
        "the backup's header does not match its digest: its bytes were altered",
      );
    }
    chunkSize = full.readUInt32BE(5);
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new CorruptedBackupError(
        `the backup's header gives a chunk size of ${chunkSize} bytes, outside 1 to ${MAX_CHUNK_SIZE}`,
      );
    }
    const salt = full.subarray(9, 25);
    noncePrefix = full.subarray(25, 32);
    const check = full.subarray(32, 48);
    const keyId = full.subarray(FIXED_HEADER_LENGTH, digestAt).toString('utf8');
    const material = keyring.get(keyId);
    if (!material) {
      throw new WrongBackupKeyError(
        `the backup is encrypted with key '${keyId}', which is not among this cluster's keys`,
      );
    }
    if (!keyCheck(material, salt).equals(check)) {
      throw new WrongBackupKeyError(
        `the backup is encrypted with another key than this cluster's key '${keyId}'`,
      );
    }
    decryptionKey = fileKey(material, salt);
    header = full;
    return true;
  };

  const open = (sealed: Buffer, last: boolean): Buffer => {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      decryptionKey,
      chunkNonce(noncePrefix, counter, last),
    );
    decipher.setAAD(header!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    const plaintext = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH)),
      decipher.final(),
    ]);
    counter++;
    return plaintext;
  };

  const opensAsNonLast = (sealed: Buffer): boolean => {
    try {
      open(sealed, false);
      return true;
    } catch {
      return false;
    }
  };

  const openOrExplain = (sealed: Buffer, last: boolean): Buffer => {
    const chunkNumber = counter + 1;
    try {
      return open(sealed, last);
    } catch {
      if (
        last &&
        sealed.length === chunkSize + TAG_LENGTH &&
        opensAsNonLast(sealed)
      ) {
        throw new TruncatedBackupError(
          `the backup ends after chunk ${chunkNumber} without its final chunk`,
        );
      }
      throw new CorruptedBackupError(
        `chunk ${chunkNumber} of the backup fails authentication: its bytes were altered`,
      );
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      received += chunk.length;
      pending.push(chunk);
      try {
        if (expectedSizeBytes !== undefined && received > expectedSizeBytes) {
          throw new CorruptedBackupError(
            `the stored object is longer than the ${expectedSizeBytes} bytes its metadata records`,
          );
        }
        if (!header && !readHeader()) {
          callback();
          return;
        }
        while (pending.length > chunkSize + TAG_LENGTH) {
          this.push(openOrExplain(pending.take(chunkSize + TAG_LENGTH), false));
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (expectedSizeBytes !== undefined && received < expectedSizeBytes) {
          throw new TruncatedBackupError(
            `the stored object ends after ${received} of the ${expectedSizeBytes} bytes its metadata records`,
          );
        }
        if (!header && !readHeader()) {
          throw new TruncatedBackupError(
            `the backup ends inside its header, after ${received} bytes`,
          );
        }
        if (pending.length < TAG_LENGTH) {
          throw new TruncatedBackupError(
            `the backup ends after chunk ${counter} without its final chunk`,
          );
        }
        this.push(openOrExplain(pending.take(pending.length), true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
