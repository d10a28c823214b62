import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  BackupMetadata,
  backupObjectKeys,
} from '@hostplane/plugin-hostplane-node';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import { generateBackupKey } from './encryption';
import { pruneBackups } from './pruneBackups';
import { BackupDescription, writeBackup } from './writeBackup';

const description: BackupDescription = {
  hub: 'local',
  namespace: 'clusters-team-a',
  cluster: 'payments',
  trigger: 'schedule',
  requestedBy: 'hostplane',
  etcd: { revision: 1, dbSizeBytes: 1, member: 'etcd-0', version: '3.6.16' },
  kubernetesVersion: 'v1.37.2',
};
const HOUR = 60 * 60 * 1000;
const NOW = new Date('2026-12-07T21:00:00Z');

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-prune-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('pruneBackups', () => {
  it('deletes what the policy does not keep, and leftovers of backups that never completed', async () => {
    const store = new DirectoryBackupStore(root);
    const key = generateBackupKey('payments-1');
    const written = [];
    for (const age of [30, 20, 10, 0]) {
      written.push(
        await writeBackup({
          store,
          key,
          snapshot: Readable.from([Buffer.from(`snapshot ${age}`)]),
          description,
          now: new Date(NOW.getTime() - age * HOUR),
        }),
      );
    }
    const prefix = 'local/clusters-team-a/payments/';
    const orphan = (name: string, ageHours: number) => {
      fs.writeFileSync(path.join(root, prefix, name), 'never completed');
      const time = new Date(NOW.getTime() - ageHours * HOUR);
      fs.utimesSync(path.join(root, prefix, name), time, time);
    };
    orphan('20261205T210000Z-aaaaaa.snapshot.enc', 48);
    orphan('20261205T210000Z-aaaaaa.etcd-encryption-key.enc', 48);
    orphan('20261207T205000Z-bbbbbb.snapshot.enc', 0.2);
    orphan('20261207T205000Z-bbbbbb.etcd-encryption-key.enc', 0.2);

    const result = await pruneBackups({
      store,
      cluster: description,
      policy: { keepNewest: 2 },
      now: NOW,
    });

    expect(result.deleted.map(b => b.id)).toEqual([
      written[1].id,
      written[0].id,
    ]);
    // A crash before the metadata leaves the snapshot and the saved etcd key behind: both go.
    expect(result.orphansRemoved.sort()).toEqual([
      `${prefix}20261205T210000Z-aaaaaa.etcd-encryption-key.enc`,
      `${prefix}20261205T210000Z-aaaaaa.snapshot.enc`,
    ]);
    // These backups were written without an etcd encryption key beside them.
    const stored = (
      backup: Pick<BackupMetadata, 'hub' | 'namespace' | 'cluster' | 'id'>,
    ) => {
      const keys = backupObjectKeys(backup);
      return [keys.object, keys.metadata];
    };
    expect((await store.list(prefix)).map(o => o.key).sort()).toEqual(
      [
        ...stored(written[2]),
        ...stored(written[3]),
        `${prefix}20261207T205000Z-bbbbbb.etcd-encryption-key.enc`,
        `${prefix}20261207T205000Z-bbbbbb.snapshot.enc`,
      ].sort(),
    );
  });
});
