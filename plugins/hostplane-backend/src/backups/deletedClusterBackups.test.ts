import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDirectory } from '../database/migrations';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import { pruneDeletedClusterBackups } from './deletedClusterBackups';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const DAY = 24 * 60 * 60 * 1000;

describe('pruneDeletedClusterBackups', () => {
  let knex: Knex;
  let root: string;
  let store: DirectoryBackupStore;
  let present: Set<string>;
  let listed: boolean;
  const clusters = {
    listed: () => listed,
    has: (namespace: string, name: string) =>
      present.has(`${namespace}/${name}`),
  };

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({ directory: migrationsDirectory });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-departed-'));
    store = new DirectoryBackupStore(root);
    present = new Set();
    listed = true;
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const backUp = async (namespace: string, cluster: string, id: string) => {
    const base = `local/${namespace}/${cluster}/${id}`;
    await store.put(`${base}.snapshot.enc`, Readable.from([Buffer.from('x')]));
    await store.put(`${base}.json`, Readable.from([Buffer.from('{}')]));
  };
  const keys = async () => (await store.list('local/')).map(o => o.key);
  const prune = (now: Date) =>
    pruneDeletedClusterBackups({
      db: knex,
      hub: 'local',
      store,
      clusters,
      now,
      graceMs: 7 * DAY,
    });

  it("keeps a deleted cluster's backups for the grace period from when it was found gone, then removes them", async () => {
    await backUp('tenants-a', 'payments', '20260301T000000Z-aaaaaa');
    await backUp('tenants-a', 'payments', '20260302T000000Z-bbbbbb');
    await backUp('tenants-a', 'billing', '20260302T000000Z-cccccc');
    present.add('tenants-a/billing');

    const found = new Date('2026-03-10T00:00:00Z');
    expect(await prune(found)).toEqual({
      kept: [{ hub: 'local', namespace: 'tenants-a', cluster: 'payments' }],
      pruned: [],
    });
    // Six days later: still within the grace period, counted from when it was found gone.
    expect((await prune(new Date(found.getTime() + 6 * DAY))).pruned).toEqual(
      [],
    );
    expect(await keys()).toHaveLength(6);

    expect(await prune(new Date(found.getTime() + 7 * DAY))).toEqual({
      kept: [],
      pruned: [
        {
          hub: 'local',
          namespace: 'tenants-a',
          cluster: 'payments',
          objects: 4,
        },
      ],
    });
    expect(await keys()).toEqual([
      'local/tenants-a/billing/20260302T000000Z-cccccc.json',
      'local/tenants-a/billing/20260302T000000Z-cccccc.snapshot.enc',
    ]);
    expect(await knex('hostplane_departed_clusters')).toEqual([]);
  });

  it('forgets a cluster made again under the same name, and starts over if it goes again', async () => {
    await backUp('tenants-a', 'payments', '20260301T000000Z-aaaaaa');
    const start = new Date('2026-03-10T00:00:00Z');
    await prune(start);
    present.add('tenants-a/payments');
    await prune(new Date(start.getTime() + 5 * DAY));
    expect(await knex('hostplane_departed_clusters')).toEqual([]);
    present.clear();
    await prune(new Date(start.getTime() + 8 * DAY));
    expect((await prune(new Date(start.getTime() + 10 * DAY))).pruned).toEqual(
      [],
    );
    expect(await keys()).toHaveLength(2);
  });

  it('decides nothing before the hub has been listed', async () => {
    await backUp('tenants-a', 'payments', '20260301T000000Z-aaaaaa');
    listed = false;
    expect(await prune(new Date('2026-03-10T00:00:00Z'))).toEqual({
      kept: [],
      pruned: [],
    });
    expect(await knex('hostplane_departed_clusters')).toEqual([]);
  });
});
