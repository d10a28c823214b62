import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '@backstage/errors';
import {
  BackupStore,
  StoredObject,
  StoredObjectInfo,
  assertBackupObjectKey,
  assertBackupObjectPrefix,
} from '@hostplane/plugin-hostplane-node';
import { digestingStream } from './digestingStream';

// Partial writes carry this marker; keys cannot contain it (their segments cannot start with '.').
const PARTIAL = '.partial-';

/**
 * Backups in a directory: the local setup's store, or a mounted volume. A put writes to a hidden
 * temporary name, fsyncs it, renames it into place and fsyncs the directory, so after a crash a key
 * holds either its previous object or the new one, complete; leftovers of interrupted puts are
 * never listed and are removed by the next put in their directory once an hour old.
 */
export class DirectoryBackupStore implements BackupStore {
  readonly location: string;

  constructor(private readonly root: string) {
    if (!path.isAbsolute(root)) {
      throw new Error(`backup directory '${root}' must be an absolute path`);
    }
    this.location = `directory ${root}`;
  }

  async put(key: string, body: Readable): Promise<StoredObject> {
    const file = this.#pathOf(key);
    const dir = path.dirname(file);
    await fs.mkdir(dir, { recursive: true });
    await removeStalePartials(dir);
    const partial = path.join(
      dir,
      `${PARTIAL}${path.basename(file)}-${randomBytes(6).toString('hex')}`,
    );
    const written = digestingStream();
    try {
      const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
      await pipeline(body, written.stream, out);
      await fsyncFile(partial);
      await fs.rename(partial, file);
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
    await fsyncFile(dir);
    return { key, sizeBytes: written.sizeBytes(), sha256: written.sha256() };
  }

  async get(key: string): Promise<Readable> {
    const file = this.#pathOf(key);
    // Opened before returning, so a missing object is this call's error, not the stream's.
    const handle = await fs.open(file, 'r').catch(error => {
      throw error.code === 'ENOENT'
        ? new NotFoundError(`${this.location} has no backup object '${key}'`)
        : error;
    });
    return handle.createReadStream();
  }

  async stat(key: string): Promise<StoredObjectInfo | undefined> {
    try {
      const stats = await fs.stat(this.#pathOf(key));
      return stats.isFile()
        ? { key, sizeBytes: stats.size, lastModified: stats.mtime }
        : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    assertBackupObjectPrefix(prefix);
    // Walk only the deepest directory the prefix names; the rest of the prefix filters names.
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash);
    const found: StoredObjectInfo[] = [];
    await this.#walk(base, prefix, found);
    // Byte order, as S3 lists.
    return found.sort((a, b) => Number(a.key > b.key) - Number(a.key < b.key));
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.#pathOf(key), { force: true });
  }

  async #walk(
    relative: string,
    prefix: string,
    found: StoredObjectInfo[],
  ): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(path.join(this.root, relative), {
        withFileTypes: true,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) {
          await this.#walk(key, prefix, found);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const stats = await fs.stat(path.join(this.root, key));
        found.push({ key, sizeBytes: stats.size, lastModified: stats.mtime });
      }
    }
  }

  #pathOf(key: string): string {
    assertBackupObjectKey(key);
    const file = path.resolve(this.root, ...key.split('/'));
    // The key check already rules out '..'; this keeps the root a hard boundary regardless.
    if (!file.startsWith(`${path.resolve(this.root)}${path.sep}`)) {
      throw new Error(`backup object key '${key}' escapes ${this.location}`);
    }
    return file;
  }
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const STALE_PARTIAL_MS = 60 * 60 * 1000;

async function removeStalePartials(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await fs.readdir(dir)) {
    if (!name.startsWith(PARTIAL)) continue;
    const file = path.join(dir, name);
    const stats = await fs.stat(file).catch(() => undefined);
    if (stats && now - stats.mtimeMs > STALE_PARTIAL_MS) {
      await fs.rm(file, { force: true });
    }
  }
}
