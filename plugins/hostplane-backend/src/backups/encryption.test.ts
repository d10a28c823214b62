import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  BackupKey,
  decryptBackupStream,
  encryptBackupStream,
  generateBackupKey,
} from './encryption';
import {
  CorruptedBackupError,
  TruncatedBackupError,
  WrongBackupKeyError,
} from './errors';

const CHUNK = 1024;

/** Feeds `data` in pieces of `piece` bytes, so chunk boundaries fall anywhere in the input. */
function pieces(data: Buffer, piece = 333): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) {
    parts.push(data.subarray(i, i + piece));
  }
  return Readable.from(parts);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function encrypt(key: BackupKey, plaintext: Buffer): Promise<Buffer> {
  return collect(
    pieces(plaintext).pipe(encryptBackupStream(key, { chunkSize: CHUNK })),
  );
}

async function decrypt(
  key: BackupKey,
  ciphertext: Buffer,
  expectedSizeBytes?: number,
): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    pieces(ciphertext, 500),
    decryptBackupStream(new Map([[key.id, key.material]]), {
      expectedSizeBytes,
    }),
    new Writable({
      write(chunk, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('backup encryption', () => {
  const key = generateBackupKey('cluster-a-1');

  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 17])(
    'round-trips %i bytes',
    async size => {
      const plaintext = randomBytes(size);
      const ciphertext = await encrypt(key, plaintext);
      expect(await decrypt(key, ciphertext)).toEqual(plaintext);
      expect(await decrypt(key, ciphertext, ciphertext.length)).toEqual(
        plaintext,
      );
    },
  );

  it('never writes the same ciphertext twice, nor the plaintext', async () => {
    const plaintext = Buffer.alloc(4 * CHUNK, 'etcd snapshot ');
    const first = await encrypt(key, plaintext);
    const second = await encrypt(key, plaintext);
    expect(first.equals(second)).toBe(false);
    expect(first.includes(Buffer.from('etcd snapshot'))).toBe(false);
    expect(first.includes(key.material)).toBe(false);
  });

  it('refuses a key with the same id but other material as a wrong key', async () => {
    const ciphertext = await encrypt(key, randomBytes(3 * CHUNK));
    const other = { id: key.id, material: randomBytes(32) };
    await expect(decrypt(other, ciphertext)).rejects.toThrow(
      new WrongBackupKeyError(
        "the backup is encrypted with another key than this cluster's key 'cluster-a-1'",
      ),
    );
  });

  it('refuses a backup whose key id the keyring does not hold', async () => {
    const ciphertext = await encrypt(key, randomBytes(10));
    await expect(
      decrypt(generateBackupKey('cluster-b-1'), ciphertext),
    ).rejects.toThrow(
      new WrongBackupKeyError(
        "the backup is encrypted with key 'cluster-a-1', which is not among this cluster's keys",
      ),
    );
  });

  it('refuses a flipped byte in any chunk as corrupted, naming the chunk', async () => {
    const ciphertext = await encrypt(key, randomBytes(3 * CHUNK + 5));
    const headerLength = ciphertext.length - (3 * (CHUNK + 16) + 5 + 16);
    for (const [chunk, offset] of [
      [1, headerLength + 10],
      [3, headerLength + 2 * (CHUNK + 16) + CHUNK + 3], // a tag byte
      [4, ciphertext.length - 1],
    ]) {
      const altered = Buffer.from(ciphertext);
      altered[offset] ^= 0x01;
      await expect(decrypt(key, altered)).rejects.toThrow(
        new CorruptedBackupError(
          `chunk ${chunk} of the backup fails authentication: its bytes were altered`,
        ),
      );
    }
  });

  it('refuses a flipped byte in the header as corrupted, not as a wrong key', async () => {
    const ciphertext = await encrypt(key, randomBytes(10));
    for (const offset of [12, 40]) {
      const altered = Buffer.from(ciphertext);
      altered[offset] ^= 0x80;
      await expect(decrypt(key, altered)).rejects.toThrow(
        new CorruptedBackupError(
          "the backup's header does not match its digest: its bytes were altered",
        ),
      );
    }
    const notABackup = Buffer.from(ciphertext);
    notABackup.write('XXXX', 0);
    await expect(decrypt(key, notABackup)).rejects.toThrow(
      CorruptedBackupError,
    );
  });

  it('refuses chunks swapped or dropped as corrupted', async () => {
    const ciphertext = await encrypt(key, randomBytes(3 * CHUNK + 5));
    const sealed = CHUNK + 16;
    const headerLength = ciphertext.length - (3 * sealed + 5 + 16);
    const header = ciphertext.subarray(0, headerLength);
    const chunk = (i: number) =>
      ciphertext.subarray(
        headerLength + i * sealed,
        headerLength + (i + 1) * sealed,
      );
    const last = ciphertext.subarray(headerLength + 3 * sealed);
    const swapped = Buffer.concat([header, chunk(1), chunk(0), chunk(2), last]);
    await expect(decrypt(key, swapped)).rejects.toThrow(CorruptedBackupError);
    const dropped = Buffer.concat([header, chunk(0), chunk(2), last]);
    await expect(decrypt(key, dropped)).rejects.toThrow(CorruptedBackupError);
  });

  it('refuses a backup cut at a chunk boundary as truncated', async () => {
    const ciphertext = await encrypt(key, randomBytes(3 * CHUNK + 5));
    const cut = ciphertext.subarray(0, ciphertext.length - (5 + 16));
    await expect(decrypt(key, cut)).rejects.toThrow(
      new TruncatedBackupError(
        'the backup ends after chunk 3 without its final chunk',
      ),
    );
  });

  it('refuses a backup cut inside a chunk as truncated when its size is known', async () => {
    const ciphertext = await encrypt(key, randomBytes(3 * CHUNK + 5));
    const cut = ciphertext.subarray(0, ciphertext.length - 700);
    await expect(decrypt(key, cut, ciphertext.length)).rejects.toThrow(
      new TruncatedBackupError(
        `the stored object ends after ${cut.length} of the ${ciphertext.length} bytes its metadata records`,
      ),
    );
  });

  it('refuses a backup cut inside its header, or empty, as truncated', async () => {
    const ciphertext = await encrypt(key, randomBytes(10));
    for (const length of [0, 3, 40, 60]) {
      await expect(
        decrypt(key, ciphertext.subarray(0, length)),
      ).rejects.toThrow(
        new TruncatedBackupError(
          `the backup ends inside its header, after ${length} bytes`,
        ),
      );
    }
  });

  it('streams 64 MiB in bounded memory', async () => {
    const block = randomBytes(256 * 1024);
    const total = 64 * 1024 * 1024;
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        produced += block.length;
        // A copy, as a real source reads fresh buffers (and so the test cannot reuse one).
        this.push(Buffer.from(block));
      },
    });
    // Live memory, after full collections (the second frees the buffers the first finalized):
    // garbage awaiting collection is not held.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const inUse = () => {
      gc();
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const before = inUse();
    let peak = before;
    let received = 0;
    await pipeline(
      source,
      encryptBackupStream(key),
      decryptBackupStream(new Map([[key.id, key.material]])),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          if (received % (4 * 1024 * 1024) === 0) {
            peak = Math.max(peak, inUse());
          }
          callback();
        },
      }),
    );
    expect(received).toBe(total);
    // Holding the snapshot would take 64 MiB of plaintext, and as much again of ciphertext.
    expect(peak - before).toBeLessThan(8 * 1024 * 1024);
  });
});
