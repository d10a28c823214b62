/* eslint-disable jest/no-export -- the suite every store's test file runs, with its helpers */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BackupStore } from '@hostplane/plugin-hostplane-node';

const MiB = 1024 * 1024;

/** `sizeBytes` of varied bytes in 1 MiB pieces, each a fresh buffer; then, optionally, an error. */
export function generatedStream(
  sizeBytes: number,
  seed: Buffer,
  failWith?: Error,
): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= sizeBytes) {
        if (failWith) this.destroy(failWith);
        else this.push(null);
        return;
      }
      const piece = Buffer.alloc(Math.min(MiB, sizeBytes - sent));
      for (let i = 0; i < piece.length; i += seed.length) seed.copy(piece, i);
      piece.writeUInt32BE(sent / MiB, 0);
      sent += piece.length;
      this.push(piece);
    },
  });
}

export async function digest(
  stream: Readable,
): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

/** Collects what the process writes to stdout, stderr and the console while the suite runs. */
function captureOutput(): { text: () => string; restore: () => void } {
  const captured: string[] = [];
  const restores: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    const spy = jest
      .spyOn(stream, 'write')
      .mockImplementation((...args: unknown[]) => {
        captured.push(String(args[0]));
        return write(...args);
      });
    restores.push(() => spy.mockRestore());
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => {
        captured.push(args.map(String).join(' '));
      });
    restores.push(() => spy.mockRestore());
  }
  return {
    text: () => captured.join('\n'),
    restore: () => restores.forEach(restore => restore()),
  };
}

/** The error's message, stack and every enumerable field, as a log line could show them. */
export function everythingIn(error: unknown): string {
  const { message, stack } = (error ?? {}) as Error;
  let fields = '';
  try {
    fields = JSON.stringify(error);
  } catch {
    fields = '';
  }
  return `${String(error)} ${message} ${stack} ${fields}`;
}

/**
 * The behaviour every `BackupStore` promises, run against each implementation. `secrets` are the
 * credentials the store was given: none may appear in an error or in anything written to the
 * console or the process's output while the suite runs.
 */
export function describeBackupStoreContract(
  name: string,
  options: { store: () => BackupStore; secrets: () => string[] },
): void {
  describe(`${name}: the BackupStore contract`, () => {
    let store: BackupStore;
    let base: string;
    let output: ReturnType<typeof captureOutput>;
    const errors: unknown[] = [];
    const rejection = async (promise: Promise<unknown>): Promise<Error> => {
      try {
        await promise;
      } catch (error) {
        errors.push(error);
        return error as Error;
      }
      throw new Error('expected a rejection');
    };

    beforeAll(() => {
      output = captureOutput();
    });
    afterAll(() => output.restore());
    beforeEach(() => {
      store = options.store();
      // Each test in its own part of the store: tests of one suite share its root or bucket.
      base = `contract-${randomBytes(4).toString('hex')}/`;
    });

    it('round-trips a multi-MiB stream, reporting its size and SHA-256', async () => {
      const size = 12 * MiB + 123;
      const expected = await digest(generatedStream(size, randomBytes(4096)));
      const seed = randomBytes(4096);
      const source = await digest(generatedStream(size, seed));
      expect(source.sha256).not.toBe(expected.sha256);

      const stored = await store.put(`${base}big`, generatedStream(size, seed));
      expect(stored).toEqual({ key: `${base}big`, ...source });
      expect(await digest(await store.get(`${base}big`))).toEqual(source);
      const stat = await store.stat(`${base}big`);
      expect(stat?.key).toBe(`${base}big`);
      expect(stat?.sizeBytes).toBe(size);
      // Dates from the file system come from another realm than Jest's: compare their times.
      expect(Math.abs(stat!.lastModified.getTime() - Date.now())).toBeLessThan(
        60_000,
      );
    });

    it('stores an empty object', async () => {
      const stored = await store.put(`${base}empty`, Readable.from([]));
      expect(stored.sizeBytes).toBe(0);
      expect(await digest(await store.get(`${base}empty`))).toEqual({
        sizeBytes: 0,
        sha256: createHash('sha256').digest('hex'),
      });
    });

    it('replaces the object under a key that is put again', async () => {
      await store.put(`${base}k`, Readable.from([Buffer.from('first')]));
      await store.put(`${base}k`, Readable.from([Buffer.from('second!')]));
      const read = await digest(await store.get(`${base}k`));
      expect(read.sizeBytes).toBe(7);
    });

    it('lists by prefix, in key order, with sizes and times', async () => {
      const before = Date.now();
      for (const key of ['a/x/2', 'a/x/1', 'a/xy/1', 'a/y/1', 'b/1']) {
        await store.put(
          `${base}${key}`,
          Readable.from([Buffer.from(key.repeat(3))]),
        );
      }
      const after = Date.now();
      const listed = await store.list(`${base}a/`);
      expect(listed.map(o => o.key)).toEqual([
        `${base}a/x/1`,
        `${base}a/x/2`,
        `${base}a/xy/1`,
        `${base}a/y/1`,
      ]);
      expect(listed.map(o => o.sizeBytes)).toEqual([15, 15, 18, 15]);
      for (const { lastModified } of listed) {
        // S3 keeps seconds; a directory, its file system's resolution.
        expect(lastModified.getTime()).toBeGreaterThanOrEqual(before - 2000);
        expect(lastModified.getTime()).toBeLessThanOrEqual(after + 2000);
      }
      expect((await store.list(`${base}a/x/`)).map(o => o.key)).toEqual([
        `${base}a/x/1`,
        `${base}a/x/2`,
      ]);
      expect((await store.list(`${base}a/x`)).map(o => o.key)).toEqual([
        `${base}a/x/1`,
        `${base}a/x/2`,
        `${base}a/xy/1`,
      ]);
      expect(await store.list(`${base}none/`)).toEqual([]);
    });

    it('deletes, and deleting what is not there is no error', async () => {
      await store.put(`${base}gone`, Readable.from([Buffer.from('x')]));
      await store.delete(`${base}gone`);
      expect(await store.stat(`${base}gone`)).toBeUndefined();
      expect(await store.list(base)).toEqual([]);
      await expect(store.delete(`${base}gone`)).resolves.toBeUndefined();
    });

    it('answers a missing key with NotFoundError from get and undefined from stat', async () => {
      const error = await rejection(store.get(`${base}missing`));
      expect(error.name).toBe('NotFoundError');
      expect(error.message).toContain(`'${base}missing'`);
      expect(await store.stat(`${base}missing`)).toBeUndefined();
    });

    it('takes concurrent puts, each whole', async () => {
      const seeds = [1, 2, 3, 4, 5, 6].map(() => randomBytes(512));
      const size = 3 * MiB + 7;
      const expected = await Promise.all(
        seeds.map(seed => digest(generatedStream(size, seed))),
      );
      await Promise.all([
        ...seeds
          .slice(0, 3)
          .map((seed, i) =>
            store.put(`${base}distinct/${i}`, generatedStream(size, seed)),
          ),
        ...seeds
          .slice(3)
          .map(seed => store.put(`${base}shared`, generatedStream(size, seed))),
      ]);
      for (const i of [0, 1, 2]) {
        expect(await digest(await store.get(`${base}distinct/${i}`))).toEqual(
          expected[i],
        );
      }
      const shared = await digest(await store.get(`${base}shared`));
      expect(expected.slice(3)).toContainEqual(shared);
    });

    it('leaves nothing and keeps the previous object when a put is interrupted', async () => {
      const previous = Buffer.from('the previous snapshot');
      await store.put(`${base}kept`, Readable.from([previous]));
      for (const key of [`${base}kept`, `${base}new`]) {
        const error = await rejection(
          store.put(
            key,
            generatedStream(
              10 * MiB,
              randomBytes(64),
              new Error('etcd went away'),
            ),
          ),
        );
        expect(error.message).toContain('etcd went away');
      }
      expect((await store.list(base)).map(o => o.key)).toEqual([`${base}kept`]);
      expect(await store.stat(`${base}new`)).toBeUndefined();
      expect(await digest(await store.get(`${base}kept`))).toEqual({
        sizeBytes: previous.length,
        sha256: createHash('sha256').update(previous).digest('hex'),
      });
    });

    it.each([
      '../escape',
      '/absolute',
      'a//b',
      'a/./b',
      'a/../b',
      '.hidden',
      'a/',
      '',
    ])("refuses the key '%s' before touching anything", async key => {
      const error = await rejection(
        store.put(key, Readable.from([Buffer.from('x')])),
      );
      expect(error.name).toBe('InputError');
      expect(error.message).toContain('is not a valid backup object key');
      expect((await rejection(store.get(key))).name).toBe('InputError');
      expect((await rejection(store.delete(key))).name).toBe('InputError');
    });

    it('puts no credential in its location, its errors or any output', () => {
      const secrets = options.secrets();
      const seen = [
        store.location,
        output.text(),
        ...errors.map(everythingIn),
      ].join('\n');
      expect(errors.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        expect(seen).not.toContain(secret);
      }
    });
  });
}
