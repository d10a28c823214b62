import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { BUILD_SCRIPT, cacheDir, versions } from '../paths';

const SOURCE_DIR = resolvePackagePath('@hostplane/local-hub', 'go', 's3');

/**
 * Where the build script puts the S3 test server: keyed by gofakes3's version and by a hash of the
 * wrapper's own source, computed exactly as `build-binaries.sh` does.
 */
export function s3ServerBinary(cache = cacheDir()): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(fs.readFileSync(path.join(SOURCE_DIR, file)));
  }
  const folder = `s3-server-gofakes3-${versions.gofakes3}-${hash
    .digest('hex')
    .slice(0, 12)}`;
  return path.join(cache, 'bin', folder, 's3-server');
}

/** Finds the S3 test server in the cache, building it (well under a minute) when missing. */
export async function ensureS3ServerBinary(
  cache = cacheDir(),
): Promise<string> {
  const binary = s3ServerBinary(cache);
  if (!fs.existsSync(binary)) {
    await run('bash', [BUILD_SCRIPT, 's3-server'], {
      ...process.env,
      HOSTPLANE_CACHE: cache,
    });
  }
  return binary;
}

export interface S3ServerOptions {
  /** Buckets that exist from the start. */
  buckets?: string[];
}

/**
 * An S3-compatible server on a free loopback port, storing objects in a temporary directory that
 * {@link S3Server.stop} removes: the backup stores' tests run against it. It accepts requests
 * signed (SigV4) with its one key pair, generated at random for each server.
 */
export class S3Server {
  static async start(options: S3ServerOptions = {}): Promise<S3Server> {
    const binary = await ensureS3ServerBinary();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-s3-'));
    const accessKeyId = `HP${randomBytes(9).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const child = spawn(
      binary,
      [
        '-root',
        root,
        '-listen',
        '127.0.0.1:0',
        '-access-key-id',
        accessKeyId,
        '-buckets',
        (options.buckets ?? []).join(','),
      ],
      {
        env: { PATH: process.env.PATH, S3_SECRET_ACCESS_KEY: secretAccessKey },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const endpoint = await listeningEndpoint(child);
      return new S3Server(child, root, endpoint, {
        accessKeyId,
        secretAccessKey,
      });
    } catch (error) {
      child.kill('SIGKILL');
      fs.rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  private constructor(
    private readonly child: ChildProcess,
    /** The directory holding the buckets; tests may alter objects there. */
    readonly root: string,
    /** Such as `http://127.0.0.1:40123`. */
    readonly endpoint: string,
    readonly credentials: { accessKeyId: string; secretAccessKey: string },
  ) {}

  /** Stops the server and removes its objects. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise(resolve => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

const START_TIMEOUT_MS = 30_000;

/** Resolves with the endpoint the server prints once it accepts connections. */
function listeningEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `the S3 test server did not report listening within ${START_TIMEOUT_MS} ms: ${stderr}`,
          ),
        ),
      START_TIMEOUT_MS,
    );
    child.stderr!.on('data', data => {
      stderr += data;
    });
    child.stdout!.on('data', data => {
      stdout += data;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(
          `the S3 test server exited with ${code} before listening: ${stderr}`,
        ),
      );
    });
  });
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}
