import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through stream that counts and hashes (SHA-256) the bytes flowing through it. */
export interface DigestingStream {
  stream: Transform;
  /** Bytes passed so far. */
  sizeBytes(): number;
  /** The hex SHA-256 of everything passed; call once the stream has ended. */
  sha256(): string;
}

export function digestingStream(): DigestingStream {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let digest: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      callback(null, chunk);
    },
  });
  return {
    stream,
    sizeBytes: () => sizeBytes,
    sha256: () => (digest ??= hash.digest('hex')),
  };
}
