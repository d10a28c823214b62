import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { S3Server } from '@hostplane/local-hub';
import { S3BackupStore } from './S3BackupStore';
import { generateBackupKey } from './encryption';
import { restoreSnapshotToFile } from './readBackup';
import { writeBackup } from './writeBackup';
import {
  describeBackupStoreContract,
  digest,
  everythingIn,
  generatedStream,
} from './__testUtils__/backupStoreContract';

// A real S3-compatible server on loopback (gofakes3 behind a SigV4 check; packages/local-hub/go/s3).
let server: S3Server;
const stores: S3BackupStore[] = [];
beforeAll(async () => {
  server = await S3Server.start({ buckets: ['etcd-backups'] });
}, 120_000);
afterAll(async () => {
  stores.forEach(store => store.destroy());
  await server?.stop();
});

function s3Store(
  overrides: Partial<ConstructorParameters<typeof S3BackupStore>[0]> = {},
): S3BackupStore {
  const store = new S3BackupStore({
    bucket: 'etcd-backups',
    prefix: 'hostplane/',
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: server.credentials,
    ...overrides,
  });
  stores.push(store);
  return store;
}

describeBackupStoreContract('S3BackupStore', {
  store: () => s3Store(),
  secrets: () => [server.credentials.secretAccessKey],
});

describe('S3BackupStore', () => {
  it('keeps its objects under the prefix', async () => {
    await s3Store().put('under/prefix', Readable.from([Buffer.from('x')]));
    const unprefixed = s3Store({ prefix: '' });
    expect((await unprefixed.list('hostplane/under/')).map(o => o.key)).toEqual(
      ['hostplane/under/prefix'],
    );
  });

  it('is refused with a wrong secret, and names neither secret', async () => {
    const wrongSecret = 'not-the-secret-but-secret-too';
    const store = s3Store({
      credentials: {
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: wrongSecret,
      },
    });
    const error = await store
      .put('refused', Readable.from([Buffer.from('x')]))
      .then(
        () => undefined,
        e => e,
      );
    expect(error?.message).toMatch(
      /^s3:\/\/etcd-backups\/hostplane\/ at http:\/\/127\.0\.0\.1:\d+: cannot put 'refused': SignatureDoesNotMatch \(HTTP 403\): /,
    );
    const listError = await store.list('').then(
      () => undefined,
      e => e,
    );
    expect(listError?.message).toContain('SignatureDoesNotMatch');
    for (const text of [everythingIn(error), everythingIn(listError)]) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(server.credentials.secretAccessKey);
    }
  });

  it('is refused with an unknown access key', async () => {
    const store = s3Store({
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'whatever' },
    });
    await expect(store.list('')).rejects.toThrow(
      /: cannot list '': InvalidAccessKeyId \(HTTP 403\): /,
    );
    // HEAD answers carry no error code.
    await expect(store.stat('any')).rejects.toThrow(
      /: cannot stat 'any': HTTP 403: the credentials are refused or lack permission$/,
    );
  });

  it('takes credentials from the environment when the config has none', async () => {
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = server.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = server.credentials.secretAccessKey;
    try {
      const store = s3Store({ credentials: undefined });
      await store.put('from-env', Readable.from([Buffer.from('env')]));
      expect((await store.stat('from-env'))?.sizeBytes).toBe(3);
    } finally {
      process.env = saved;
    }
  });

  it('shows no credential when printed or serialized', () => {
    const store = s3Store();
    const { secretAccessKey } = server.credentials;
    expect(inspect(store, { depth: 10 })).not.toContain(secretAccessKey);
    expect(JSON.stringify(store)).not.toContain(secretAccessKey);
    expect(store.location).toBe(
      `s3://etcd-backups/hostplane/ at ${server.endpoint}`,
    );
  });

  it('holds a backup that restores, and refuses it once truncated', async () => {
    const store = s3Store();
    const key = generateBackupKey('payments-1');
    const keyring = new Map([[key.id, key.material]]);
    const seed = Buffer.from('snapshot');
    const size = 9 * 1024 * 1024; // more than one upload part
    const metadata = await writeBackup({
      store,
      key,
      snapshot: generatedStream(size, seed),
      description: {
        hub: 'east',
        namespace: 'clusters-team-a',
        cluster: 'payments',
        trigger: 'pre-restore',
        requestedBy: 'user:default/alice',
        etcd: {
          revision: 7,
          dbSizeBytes: size,
          member: 'etcd-1',
          version: '3.6.16',
        },
        kubernetesVersion: 'v1.37.2',
      },
      now: new Date(),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-restore-'));
    try {
      const target = path.join(dir, 'snapshot.db');
      await restoreSnapshotToFile(store, keyring, metadata, target);
      expect(await digest(fs.createReadStream(target))).toEqual(
        await digest(generatedStream(size, seed)),
      );

      const stored = await store.get(metadata.object.key);
      const chunks: Buffer[] = [];
      for await (const chunk of stored) chunks.push(chunk);
      const cut = Buffer.concat(chunks).subarray(0, 4 * 1024 * 1024);
      await store.put(metadata.object.key, Readable.from([cut]));
      fs.rmSync(target);
      await expect(
        restoreSnapshotToFile(store, keyring, metadata, target),
      ).rejects.toThrow(
        `the backup's object '${metadata.object.key}' has ${cut.length} of the ${metadata.object.sizeBytes} bytes its metadata records`,
      );
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
