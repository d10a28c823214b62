import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { EtcdSnapshotError } from './errors';

/** What the first message of a snapshot says, before any of its bytes are passed on. */
export interface SnapshotStart {
  /** The size of the database the snapshot holds, without its trailing checksum. */
  dbSizeBytes: number;
  /** The storage version etcd reports with the snapshot (`3.6.0`), when it reports one. */
  storageVersion?: string;
}

/** etcd's SHA-256 after the database: the last 32 bytes of a snapshot file, which etcdutl checks. */
const CHECKSUM_LENGTH = 32;

/** gRPC's prefix of each message: a compression flag and the message's length (u32 BE). */
const PREFIX_LENGTH = 5;

/** No message of the stream comes near this (etcd sends 32 KiB blobs). */
const MAX_MESSAGE_LENGTH = 4 * 1024 * 1024;

/** The fields of etcdserverpb.SnapshotResponse this reads (its header, field 1, is skipped). */
interface SnapshotMessage {
  remainingBytes: number;
  blob: Buffer;
  version: string;
}

/**
 * Reads a protobuf varint at `offset`: its value (exact below 2^53, which byte counts are) and
 * where the next field starts.
 */
function readVarint(bytes: Buffer, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let at = offset; at < bytes.length && at < offset + 10; at++) {
    value += (bytes[at] & 0x7f) * scale;
    scale *= 128;
    if ((bytes[at] & 0x80) === 0) return [value, at + 1];
  }
  throw new Error('a truncated varint');
}

/** Decodes one etcdserverpb.SnapshotResponse; fields it does not know are skipped by wire type. */
export function decodeSnapshotResponse(bytes: Buffer): SnapshotMessage {
  const message: SnapshotMessage = {
    remainingBytes: 0,
    blob: Buffer.alloc(0),
    version: '',
  };
  let at = 0;
  while (at < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, at);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    at = afterTag;
    if (wireType === 0) {
      const [value, next] = readVarint(bytes, at);
      if (field === 2) message.remainingBytes = value;
      at = next;
    } else if (wireType === 2) {
      const [length, start] = readVarint(bytes, at);
      const end = start + length;
      if (end > bytes.length) throw new Error('a truncated field');
      if (field === 3) message.blob = bytes.subarray(start, end);
      if (field === 4) message.version = bytes.toString('utf8', start, end);
      at = end;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
    } else {
      throw new Error(`an unknown wire type ${wireType}`);
    }
  }
  if (at > bytes.length) throw new Error('a truncated field');
  return message;
}

/**
 * Turns etcd's Maintenance/Snapshot response stream, as gRPC carries it (each SnapshotResponse
 * prefixed by its length; each holds a `blob` and the `remaining_bytes` after it), into the bytes
 * of a snapshot file as `etcdctl snapshot save` writes it: the database, then etcd's SHA-256 of it.
 *
 * The database's bytes are passed on as they arrive and hashed on the way; the checksum message
 * that follows the last of them is compared with that hash and passed on only when it matches, so
 * the stream ends only after its checksum was checked. A mismatch, a malformed message, or an end
 * before the checksum fails the stream with an EtcdSnapshotError naming the member (`source`).
 * Memory stays at one message and the stream's buffers: a consumer that stops reading stops this
 * transform, which stops reading its source.
 *
 * Emits `start` (SnapshotStart) once the first message is read.
 */
export class SnapshotDecoder extends Transform {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private dbSizeBytes?: number;
  private receivedBytes = 0;
  private readonly hash = createHash('sha256');
  private checksum?: string;

  constructor(private readonly source: string) {
    super();
  }

  /** The database's SHA-256 (hex) as etcd sent and this stream verified it; set once the stream ends. */
  sha256(): string | undefined {
    return this.checksum;
  }

  /** The error for a source that failed before its end: how far the stream got, and why. */
  cut(reason: string): EtcdSnapshotError {
    return this.failure(
      `the stream was cut after ${this.receivedBytes} of ${
        this.dbSizeBytes ?? 'unknown'
      } bytes: ${reason}`,
    );
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    try {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      for (let message = this.nextMessage(); message; ) {
        this.onMessage(message);
        message = this.nextMessage();
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.checksum !== undefined && this.pendingLength === 0) {
      callback();
      return;
    }
    let what: string;
    if (this.pendingLength > 0) {
      what = `the stream was cut in the middle of a message, after ${this.receivedBytes} bytes`;
    } else if (this.dbSizeBytes === undefined) {
      what = 'the stream ended before its first message';
    } else {
      what = `the stream was cut after ${this.receivedBytes} of ${this.dbSizeBytes} bytes, before its checksum`;
    }
    callback(this.failure(what));
  }

  /** The next whole message's bytes, taken off what is pending; undefined until one has arrived. */
  private nextMessage(): Buffer | undefined {
    if (this.pendingLength < PREFIX_LENGTH) return undefined;
    if (this.pending[0].length < PREFIX_LENGTH) {
      this.pending = [Buffer.concat(this.pending)];
    }
    const head = this.pending[0];
    if (head[0] !== 0) {
      throw this.failure('a compressed message, which was not asked for');
    }
    const length = head.readUInt32BE(1);
    if (length > MAX_MESSAGE_LENGTH) {
      throw this.failure(
        `a message of ${length} bytes: not etcd's snapshot stream`,
      );
    }
    // Joined only once the whole message is there, so a message in many pieces is copied once.
    if (this.pendingLength < PREFIX_LENGTH + length) return undefined;
    const buffered =
      this.pending.length > 1 ? Buffer.concat(this.pending) : head;
    const message = buffered.subarray(PREFIX_LENGTH, PREFIX_LENGTH + length);
    const rest = buffered.subarray(PREFIX_LENGTH + length);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingLength = rest.length;
    return message;
  }

  private onMessage(bytes: Buffer): void {
    let message: SnapshotMessage;
    try {
      message = decodeSnapshotResponse(bytes);
    } catch (error) {
      throw this.failure(
        `a malformed message after ${this.receivedBytes} bytes: ${
          (error as Error).message
        }`,
      );
    }
    if (this.checksum !== undefined) {
      throw this.failure('data after its checksum');
    }
    const { blob, remainingBytes } = message;
    if (this.dbSizeBytes === undefined) {
      this.dbSizeBytes = remainingBytes + blob.length;
      this.emit('start', {
        dbSizeBytes: this.dbSizeBytes,
        storageVersion: message.version || undefined,
      } satisfies SnapshotStart);
    }
    if (this.receivedBytes < this.dbSizeBytes) {
      this.receivedBytes += blob.length;
      if (this.receivedBytes + remainingBytes !== this.dbSizeBytes) {
        throw this.failure(
          `${this.receivedBytes} bytes received and ${remainingBytes} said to remain, of ${this.dbSizeBytes}`,
        );
      }
      this.hash.update(blob);
      this.push(blob);
      return;
    }
    const computed = this.hash.digest('hex');
    const sent = blob.toString('hex');
    if (blob.length !== CHECKSUM_LENGTH || sent !== computed) {
      throw this.failure(
        `checksum mismatch: etcd sent ${sent || 'none'}, the ${
          this.dbSizeBytes
        } bytes received hash to ${computed}`,
      );
    }
    this.checksum = computed;
    this.push(blob);
  }

  private failure(what: string): EtcdSnapshotError {
    return new EtcdSnapshotError(`snapshot of ${this.source}: ${what}`);
  }
}
