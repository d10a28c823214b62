import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { stringify } from 'yaml';
import { ephemeralPort } from '../ports';

/** The repository this package is in, two folders above it. */
const REPO_ROOT = resolvePackagePath('@hostplane/local-hub', '..', '..');
const BACKEND_DIR = path.join(REPO_ROOT, 'packages', 'backend');

export type Database = 'sqlite' | 'postgres';

export interface RunningBackend {
  baseUrl: string;
  /** The backend's process (for its memory use). */
  pid: number;
  /** The database prefix the backend used on PostgreSQL. */
  postgresPrefix?: string;
  guestToken(): Promise<string>;
  /** Stops the backend and removes its folder; returns what it logged. */
  stop(): Promise<string>;
}

/**
 * Starts the real backend (packages/backend, every plugin it has) as a child process, with the
 * repository's own app-config files and only the differences a test or benchmark needs layered on
 * top: a free port, the hub, and the database. PostgreSQL goes through app-config.production.yaml's
 * POSTGRES_* switch, the way an operator would run it.
 */
export async function startBackend(options: {
  database: Database;
  hubKubeconfig: string;
  /** Another entry point than packages/backend's (a benchmark's smaller backend). */
  entry?: string;
  /**
   * `production` for benchmarks: the logger writes JSON lines and Express drops its development
   * conveniences, as in a deployed backend. Tests run `development`, as `yarn start` does.
   */
  nodeEnv?: 'development' | 'production';
  /** Node options for the backend's process alone (a benchmark's `--inspect`). */
  nodeOptions?: string;
  /** The databases of an earlier backend to start on again (a restart), instead of new ones. */
  postgresPrefix?: string;
  /**
   * PostgreSQL's address, or the folder of its Unix socket (node-postgres takes either as
   * `host`); 127.0.0.1 unless told.
   */
  postgresHost?: string;
  /** Config files layered last, over the hub and database given here (a benchmark's settings). */
  extraConfigs?: string[];
}): Promise<RunningBackend> {
  const port = await ephemeralPort();
  const baseUrl = `http://localhost:${port}`;
  const workdir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'hostplane-test-backend-'),
  );
  const postgresPrefix =
    options.database === 'postgres'
      ? options.postgresPrefix ?? `hostplane_test_${process.pid}_${port}_`
      : undefined;
  const override = {
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      cors: { origin: baseUrl },
      database:
        options.database === 'sqlite'
          ? {
              client: 'better-sqlite3',
              connection: { directory: path.join(workdir, 'sqlite') },
            }
          : { prefix: postgresPrefix },
    },
    auth: {
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    hostplane: {
      hubs: [
        {
          name: 'local',
          kubeconfig: options.hubKubeconfig,
          releases: LOCAL_HUB_RELEASES,
          // The hub's etcd backups, in the backend's own folder (gone with it).
          backups: { directory: { path: path.join(workdir, 'backups') } },
        },
      ],
    },
  };
  const overridePath = path.join(workdir, 'app-config.test.yaml');
  fs.writeFileSync(overridePath, stringify(override));
  const configs = [path.join(REPO_ROOT, 'app-config.yaml')];
  if (options.database === 'postgres') {
    configs.push(path.join(REPO_ROOT, 'app-config.production.yaml'));
  }
  configs.push(overridePath, ...(options.extraConfigs ?? []));

  const logFile = path.join(workdir, 'backend.log');
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs', {
        paths: [BACKEND_DIR],
      }),
      options.entry ?? 'src/index.ts',
      ...configs.flatMap(c => ['--config', c]),
    ],
    {
      cwd: BACKEND_DIR,
      env: {
        ...process.env,
        NODE_ENV: options.nodeEnv ?? 'development',
        NODE_OPTIONS: options.nodeOptions ?? process.env.NODE_OPTIONS ?? '',
        POSTGRES_HOST: options.postgresHost ?? '127.0.0.1',
        POSTGRES_PORT: '5432',
        POSTGRES_USER: 'postgres',
      },
      stdio: ['ignore', log, log],
    },
  );
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  // A test runner or benchmark that dies must not leave its backend running.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  void exited.then(() => process.off('exit', killChild));

  // Generous: on two busy cores the app plugin alone can take minutes to store its assets.
  const deadline = Date.now() + 300_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}/.backstage/health/v1/readiness`)
      .then(r => r.ok)
      .catch(() => false);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const output = fs.readFileSync(logFile, 'utf8');
      fs.rmSync(workdir, { recursive: true, force: true });
      throw new Error(
        `backend on ${options.database} did not become ready:\n${output.slice(
          -4000,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }

  return {
    baseUrl,
    pid: child.pid!,
    postgresPrefix,
    async guestToken() {
      const response = await fetch(
        `${baseUrl}/api/auth/guest/refresh?env=development`,
        {
          headers: { 'X-Requested-With': 'XMLHttpRequest' },
        },
      );
      if (!response.ok) {
        throw new Error(
          `guest sign-in answered ${response.status}: ${await response.text()}`,
        );
      }
      return (await response.json()).backstageIdentity.token;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      fs.closeSync(log);
      const output = fs.readFileSync(logFile, 'utf8');
      fs.rmSync(workdir, { recursive: true, force: true });
      return output;
    },
  };
}
