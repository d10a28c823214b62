import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BackupStore,
  backupMetadataSchema,
  backupObjectKeys,
} from '@hostplane/plugin-hostplane-node';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import { decryptBackupStream, generateBackupKey } from './encryption';
import { CorruptedBackupError } from './errors';
import { listBackups, restoreSnapshotToFile, verifyBackup } from './readBackup';
import { BackupDescription, writeBackup } from './writeBackup';
import { generatedStream } from './__testUtils__/backupStoreContract';

const NOW = new Date('2026-12-07T21:00:00Z');
const description: BackupDescription = {
  hub: 'local',
  namespace: 'clusters-team-a',
  cluster: 'payments',
  trigger: 'manual',
  requestedBy: 'user:default/alice',
  etcd: {
    revision: 4242,
    dbSizeBytes: 5 * 1024 * 1024,
    member: 'etcd-0',
    version: '3.6.16',
  },
  kubernetesVersion: 'v1.37.2',
};
const SNAPSHOT_SIZE = 5 * 1024 * 1024 + 99;

let root: string;
let store: DirectoryBackupStore;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-backup-'));
  store = new DirectoryBackupStore(path.join(root, 'store'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const key = generateBackupKey('payments-1');
const keyring = new Map([[key.id, key.material]]);
const seed = Buffer.from('etcd snapshot bytes ');

function snapshot() {
  return generatedStream(SNAPSHOT_SIZE, seed);
}

/** Backs up the test snapshot into the directory store. */
function backUp(now = NOW) {
  return writeBackup({ store, key, snapshot: snapshot(), description, now });
}

async function snapshotBytes(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of snapshot()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('writeBackup', () => {
  it('stores the encrypted snapshot, then its metadata, and restores it', async () => {
    const metadata = await backUp();
    expect(backupMetadataSchema.parse(metadata)).toEqual(metadata);
    expect(metadata).toMatchObject({
      ...description,
      createdAt: '2026-12-07T21:00:00.000Z',
      state: 'complete',
      snapshot: { sizeBytes: SNAPSHOT_SIZE },
      encryption: { algorithm: 'AES-256-GCM-STREAM-v1', keyId: 'payments-1' },
    });
    expect(metadata.id).toMatch(/^20261207T210000Z-[0-9a-f]{6}$/);
    const keys = backupObjectKeys(metadata);
    expect((await store.list('')).map(o => o.key)).toEqual([
      keys.metadata,
      keys.object,
    ]);
    const stored = fs.readFileSync(path.join(root, 'store', keys.object));
    expect(stored.length).toBe(metadata.object.sizeBytes);
    expect(stored.includes(seed)).toBe(false);
    const storedMetadata = fs.readFileSync(
      path.join(root, 'store', keys.metadata),
      'utf8',
    );
    expect(storedMetadata).not.toContain(key.material.toString('hex'));
    expect(storedMetadata).not.toContain(key.material.toString('base64'));

    expect(await listBackups(store, description)).toEqual({
      backups: [metadata],
      unreadable: [],
    });
    const target = path.join(root, 'snapshot.db');
    await restoreSnapshotToFile(store, keyring, metadata, target);
    expect(fs.readFileSync(target).equals(await snapshotBytes())).toBe(true);
    expect(fs.readdirSync(root).sort()).toEqual(['snapshot.db', 'store']);
  });

  it('stores nothing when the snapshot stream fails', async () => {
    await expect(
      writeBackup({
        store,
        key,
        snapshot: generatedStream(
          3 * 1024 * 1024,
          seed,
          new Error('etcd closed the snapshot stream'),
        ),
        description,
        now: NOW,
      }),
    ).rejects.toThrow('etcd closed the snapshot stream');
    expect(await store.list('')).toEqual([]);
  });

  it('writes no metadata and removes the object when the stored object reads back wrong', async () => {
    // A store that corrupts what it returns, as a faulty disk or service would.
    const corrupting: BackupStore = {
      location: store.location,
      put: (k, body) => store.put(k, body),
      get: async k => {
        let flipped = false;
        return (await store.get(k)).pipe(
          new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              if (!flipped && chunk.length > 200) {
                chunk[200] ^= 0xff;
                flipped = true;
              }
              callback(null, chunk);
            },
          }),
        );
      },
      stat: k => store.stat(k),
      list: p => store.list(p),
      delete: k => store.delete(k),
    };
    await expect(
      writeBackup({
        store: corrupting,
        key,
        snapshot: snapshot(),
        description,
        now: NOW,
      }),
    ).rejects.toThrow(CorruptedBackupError);
    expect(await store.list('')).toEqual([]);
  });
});

describe("a backup with the cluster's etcd encryption key", () => {
  const encryptionKey = { key: 'the etcd encryption key of payments' };

  /** The store's puts in order; the metadata's put fails with `failMetadata`, as a crash would stop it. */
  function recordingStore(failMetadata?: Error) {
    const puts: string[] = [];
    const recording: BackupStore = {
      location: store.location,
      put: async (k, body) => {
        puts.push(k);
        if (failMetadata && k.endsWith('.json')) {
          body.resume();
          throw failMetadata;
        }
        return store.put(k, body);
      },
      get: k => store.get(k),
      stat: k => store.stat(k),
      list: p => store.list(p),
      delete: k => store.delete(k),
    };
    return { recording, puts };
  }

  it('saves the key, encrypted, before the metadata marks the backup complete', async () => {
    const { recording, puts } = recordingStore();
    const metadata = await writeBackup({
      store: recording,
      key,
      snapshot: snapshot(),
      description,
      now: NOW,
      encryptionKey,
    });
    const keys = backupObjectKeys(metadata);
    // A crash at any point before the last put leaves no backup listed as complete.
    expect(puts).toEqual([keys.object, keys.encryptionKey, keys.metadata]);
    const stored = fs.readFileSync(
      path.join(root, 'store', keys.encryptionKey),
    );
    expect(stored.includes(Buffer.from(encryptionKey.key))).toBe(false);
    const chunks: Buffer[] = [];
    await pipeline(
      await store.get(keys.encryptionKey),
      decryptBackupStream(keyring),
      new Writable({
        write(chunk, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
      }),
    );
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toEqual(
      encryptionKey,
    );
  });

  it('removes the snapshot and the key when the metadata cannot be written', async () => {
    const { recording } = recordingStore(new Error('the store went away'));
    await expect(
      writeBackup({
        store: recording,
        key,
        snapshot: snapshot(),
        description,
        now: NOW,
        encryptionKey,
      }),
    ).rejects.toThrow('the store went away');
    expect(await store.list('')).toEqual([]);
  });
});

describe('a stored backup that is refused before anything is touched', () => {
  const target = () => path.join(root, 'member', 'snapshot.db');

  async function storedBackup() {
    const metadata = await backUp();
    fs.mkdirSync(path.dirname(target()));
    fs.writeFileSync(target(), 'the data the restore would replace');
    return {
      metadata,
      objectFile: path.join(root, 'store', metadata.object.key),
    };
  }

  /** Runs a restore that must fail: its error, and what the target's directory holds after it. */
  async function refusal(restore: Promise<void>) {
    const error = await restore.then(
      () => undefined,
      (e: Error) => e,
    );
    return {
      error: error && { name: error.name, message: error.message },
      target: fs.readFileSync(target(), 'utf8'),
      files: fs.readdirSync(path.dirname(target())),
    };
  }
  const untouched = {
    target: 'the data the restore would replace',
    files: ['snapshot.db'],
  };

  it('a corrupted object', async () => {
    const { metadata, objectFile } = await storedBackup();
    const bytes = fs.readFileSync(objectFile);
    bytes[bytes.length - 1000] ^= 0x10; // in chunk 80 of 81 (64 KiB each, the last 99 bytes)
    fs.writeFileSync(objectFile, bytes);
    expect(
      await refusal(restoreSnapshotToFile(store, keyring, metadata, target())),
    ).toEqual({
      error: {
        name: 'CorruptedBackupError',
        message:
          'chunk 80 of the backup fails authentication: its bytes were altered',
      },
      ...untouched,
    });
    await expect(verifyBackup(store, keyring, metadata)).rejects.toThrow(
      CorruptedBackupError,
    );
  });

  it('a wrong key', async () => {
    const { metadata } = await storedBackup();
    const otherKey = new Map([[key.id, randomBytes(32)]]);
    expect(
      await refusal(restoreSnapshotToFile(store, otherKey, metadata, target())),
    ).toEqual({
      error: {
        name: 'WrongBackupKeyError',
        message:
          "the backup is encrypted with another key than this cluster's key 'payments-1'",
      },
      ...untouched,
    });
  });

  it('a truncated upload', async () => {
    const { metadata, objectFile } = await storedBackup();
    const bytes = fs.readFileSync(objectFile);
    fs.writeFileSync(objectFile, bytes.subarray(0, 3 * 1024 * 1024));
    expect(
      await refusal(restoreSnapshotToFile(store, keyring, metadata, target())),
    ).toEqual({
      error: {
        name: 'TruncatedBackupError',
        message: `the backup's object '${metadata.object.key}' has ${
          3 * 1024 * 1024
        } of the ${metadata.object.sizeBytes} bytes its metadata records`,
      },
      ...untouched,
    });
  });

  it('an object replaced by another backup of the same size', async () => {
    const { metadata, objectFile } = await storedBackup();
    const other = await backUp(new Date(NOW.getTime() + 1000));
    fs.copyFileSync(path.join(root, 'store', other.object.key), objectFile);
    expect(
      await refusal(restoreSnapshotToFile(store, keyring, metadata, target())),
    ).toEqual({
      error: {
        name: 'CorruptedBackupError',
        message: `the backup's object '${metadata.object.key}' has SHA-256 ${other.object.sha256}; its metadata records ${metadata.object.sha256}`,
      },
      ...untouched,
    });
  });

  it('metadata that is not a backup', async () => {
    const { metadata } = await storedBackup();
    await store.put(
      backupObjectKeys(metadata).metadata,
      Readable.from([Buffer.from('{"id": 1}')]),
    );
    expect(await listBackups(store, description)).toEqual({
      backups: [],
      unreadable: [backupObjectKeys(metadata).metadata],
    });
  });
});
