import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import {
  describeBackupStoreContract,
  generatedStream,
} from './__testUtils__/backupStoreContract';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-backups-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describeBackupStoreContract('DirectoryBackupStore', {
  store: () => new DirectoryBackupStore(root),
  secrets: () => [],
});

describe('DirectoryBackupStore', () => {
  const filesUnder = (dir: string): string[] =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry =>
        path.relative(dir, path.join(entry.parentPath, entry.name)),
      );

  it('keeps objects as files under its root, readable by no one else', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'files-'));
    const store = new DirectoryBackupStore(dir);
    await store.put('hub/ns/c/one', Readable.from([Buffer.from('1')]));
    expect(filesUnder(dir)).toEqual(['hub/ns/c/one']);
    expect(fs.statSync(path.join(dir, 'hub/ns/c/one')).mode & 0o777).toBe(
      0o600,
    );
  });

  it('removes the temporary file of an interrupted put', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'interrupted-'));
    const store = new DirectoryBackupStore(dir);
    await expect(
      store.put(
        'a/b',
        generatedStream(3 * 1024 * 1024, Buffer.from('x'), new Error('cut')),
      ),
    ).rejects.toThrow('cut');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('does not list what a crash left mid-put, and removes it once it is an hour old', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'crash-'));
    const store = new DirectoryBackupStore(dir);
    fs.mkdirSync(path.join(dir, 'a'));
    const fresh = path.join(dir, 'a', '.partial-b-1');
    const stale = path.join(dir, 'a', '.partial-b-2');
    fs.writeFileSync(fresh, 'half');
    fs.writeFileSync(stale, 'half');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);

    expect(await store.list('')).toEqual([]);
    expect(await store.stat('a/b')).toBeUndefined();

    await store.put('a/c', Readable.from([Buffer.from('c')]));
    expect(filesUnder(dir).sort()).toEqual(['a/.partial-b-1', 'a/c']);
  });

  it('refuses a relative root', () => {
    expect(() => new DirectoryBackupStore('backups')).toThrow(
      "backup directory 'backups' must be an absolute path",
    );
  });
});
