import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EtcdSnapshotError } from './errors';
import { SnapshotDecoder, SnapshotStart } from './SnapshotDecoder';

const BLOB = 32 * 1024;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push(rest % 0x80 | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const lengthDelimited = (field: number, value: Buffer) =>
  Buffer.concat([varint(field * 8 + 2), varint(value.length), value]);

/** An etcdserverpb.SnapshotResponse in protobuf, as etcd sends it (a zero left out). */
function snapshotResponse(
  remainingBytes: number,
  blob: Buffer,
  extra: Buffer = Buffer.alloc(0),
): Buffer {
  return Buffer.concat([
    extra,
    remainingBytes
      ? Buffer.concat([varint(2 * 8), varint(remainingBytes)])
      : Buffer.alloc(0),
    lengthDelimited(3, blob),
    lengthDelimited(4, Buffer.from('3.6.0')),
  ]);
}

/** gRPC's framing of a message: flag, length, message. */
function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** The messages etcd streams for a database, as etcd cuts it: 32 KiB blobs, then its SHA-256. */
function snapshotMessages(
  db: Buffer,
  checksum = createHash('sha256').update(db).digest(),
): Buffer[] {
  const messages: Buffer[] = [];
  for (let sent = 0; sent < db.length; sent += BLOB) {
    const blob = db.subarray(sent, sent + BLOB);
    // The first carries a response header (field 1), which is skipped, as a field it does not
    // know (field 9, fixed64) is.
    const extra =
      sent === 0
        ? Buffer.concat([
            lengthDelimited(1, Buffer.from([0x08, 0x01])),
            varint(9 * 8 + 1),
            Buffer.alloc(8, 7),
          ])
        : undefined;
    messages.push(
      snapshotResponse(db.length - sent - blob.length, blob, extra),
    );
  }
  messages.push(snapshotResponse(0, checksum));
  return messages;
}

const stream = (messages: Buffer[]) => Buffer.concat(messages.map(framed));

/** A stream's bytes cut into pieces of the given sizes in turn, as a socket may deliver them. */
function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

async function decode(chunks: Buffer[]) {
  const decoder = new SnapshotDecoder('etcd-0 in clusters-alpha');
  const starts: SnapshotStart[] = [];
  decoder.on('start', start => starts.push(start));
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), decoder, async source => {
    for await (const chunk of source) out.push(chunk);
  });
  return { bytes: Buffer.concat(out), starts, sha256: decoder.sha256() };
}

describe('SnapshotDecoder', () => {
  const db = randomBytes(5 * BLOB + 1234);
  const sha = createHash('sha256').update(db).digest();

  it.each([
    ['whole messages at once', [1 << 20]],
    ['one byte at a time', [1]],
    ['odd pieces across messages', [7, 4096, 3, 60_001]],
  ])(
    'passes the database and its checksum on, as etcdctl saves them (%s)',
    async (_, sizes) => {
      const decoded = await decode(
        chunked(stream(snapshotMessages(db)), sizes),
      );
      expect(decoded.bytes.equals(Buffer.concat([db, sha]))).toBe(true);
      expect(decoded.sha256).toBe(sha.toString('hex'));
      expect(decoded.starts).toEqual([
        { dbSizeBytes: db.length, storageVersion: '3.6.0' },
      ]);
    },
  );

  it('fails on a checksum that does not match the bytes, before ending', async () => {
    const wrong = Buffer.from(sha);
    wrong[0] ^= 1;
    await expect(decode([stream(snapshotMessages(db, wrong))])).rejects.toThrow(
      new EtcdSnapshotError(
        `snapshot of etcd-0 in clusters-alpha: checksum mismatch: etcd sent ${wrong.toString(
          'hex',
        )}, the ${db.length} bytes received hash to ${sha.toString('hex')}`,
      ),
    );
  });

  it('fails on altered data, whose hash no longer matches the checksum', async () => {
    const altered = Buffer.from(db);
    altered[BLOB + 5] ^= 0xff;
    await expect(
      decode([stream(snapshotMessages(altered, sha))]),
    ).rejects.toThrow(/checksum mismatch/);
  });

  it('fails on a checksum of the wrong length', async () => {
    await expect(
      decode([stream(snapshotMessages(db, sha.subarray(0, 16)))]),
    ).rejects.toThrow(/checksum mismatch/);
  });

  it('fails on a stream cut before its checksum', async () => {
    await expect(
      decode([stream(snapshotMessages(db).slice(0, -1))]),
    ).rejects.toThrow(
      `snapshot of etcd-0 in clusters-alpha: the stream was cut after ${db.length} of ${db.length} bytes, before its checksum`,
    );
  });

  it('fails on a stream cut in the middle of a message', async () => {
    const bytes = stream(snapshotMessages(db));
    await expect(decode([bytes.subarray(0, BLOB * 2)])).rejects.toThrow(
      `the stream was cut in the middle of a message, after ${BLOB} bytes`,
    );
  });

  it('fails on a stream cut between messages, with how far it got', async () => {
    await expect(
      decode([stream(snapshotMessages(db).slice(0, 2))]),
    ).rejects.toThrow(
      `the stream was cut after ${2 * BLOB} of ${
        db.length
      } bytes, before its checksum`,
    );
  });

  it('fails on an empty stream', async () => {
    await expect(decode([])).rejects.toThrow(
      'the stream ended before its first message',
    );
  });

  it('fails on counts that do not add up (a message lost in between)', async () => {
    const messages = snapshotMessages(db);
    messages.splice(2, 1);
    await expect(decode([stream(messages)])).rejects.toThrow(
      /bytes received and \d+ said to remain/,
    );
  });

  it('fails on data after the checksum', async () => {
    const messages = snapshotMessages(db);
    messages.push(messages[1]);
    await expect(decode([stream(messages)])).rejects.toThrow(
      'data after its checksum',
    );
  });

  it('fails on what is not a snapshot stream: compressed, oversized or malformed messages', async () => {
    const compressed = stream(snapshotMessages(db));
    compressed[0] = 1;
    await expect(decode([compressed])).rejects.toThrow(
      'a compressed message, which was not asked for',
    );
    const oversized = Buffer.from([0, 0xff, 0, 0, 0]);
    await expect(decode([oversized])).rejects.toThrow(
      /a message of \d+ bytes: not etcd's snapshot stream/,
    );
    // A blob field whose length runs past its message.
    const malformed = framed(Buffer.from([3 * 8 + 2, 100, 1, 2]));
    await expect(decode([malformed])).rejects.toThrow(
      'a malformed message after 0 bytes: a truncated field',
    );
  });

  it('names the cause of a source that fails midway, and how far it got', () => {
    const decoder = new SnapshotDecoder('etcd-0 in clusters-alpha');
    decoder.write(stream(snapshotMessages(db).slice(0, 1)));
    expect(decoder.cut('etcdserver: server stopped').message).toBe(
      `snapshot of etcd-0 in clusters-alpha: the stream was cut after ${BLOB} of ${db.length} bytes: etcdserver: server stopped`,
    );
    decoder.destroy();
  });

  it('stops reading its source while its consumer does not read (bounded memory)', async () => {
    const big = randomBytes(400 * BLOB);
    const messages = snapshotMessages(big).map(framed);
    let messagesRead = 0;
    const source = Readable.from(
      (function* generate() {
        for (const message of messages) {
          messagesRead++;
          yield message;
        }
      })(),
    );
    const decoder = new SnapshotDecoder('etcd-0 in clusters-alpha');
    source.pipe(decoder);
    await once(decoder, 'start');
    await new Promise(resolve => setTimeout(resolve, 50));
    // A few of 400 blobs: the decoder's and the pipe's buffers, not the snapshot.
    expect(messagesRead).toBeLessThan(10);
    const out: Buffer[] = [];
    for await (const chunk of decoder) out.push(chunk);
    expect(messagesRead).toBe(messages.length);
    expect(Buffer.concat(out).subarray(0, big.length).equals(big)).toBe(true);
  });
});
