/**
 * The engine with its etcd services in a process of its own, for the backup crash trials to kill
 * at any moment:
 * `etcdEngineWorker.ts <hub kubeconfig> <sqlite file> <instance> <backup directory> <port> [<request, JSON>]`.
 * It serves the backups router (the restore snapshots a hub fetches) on `port`, which every
 * incarnation keeps so that a restore URL signed by one is served by the next; resumes what the
 * database says was running; submits the request (`{ cluster, body, since }`: a change, or a
 * cluster to create when `create` is set) unless an operation of its type was submitted for the
 * cluster since `since`; and exits once nothing is running. Step starts are printed as `STEP <step name>`,
 * and each write to the backup store as `PUT <object>` when it starts and `STORED <object>` when it
 * is done (`<object>`: `snapshot`, `etcd-encryption-key` or `metadata`).
 */
import http from 'node:http';
import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import express from 'express';
import knexFactory from 'knex';
import { migrationsDirectory } from '../../database/migrations';
import { DEFAULT_DEFRAGMENTATION_THRESHOLDS } from '../../etcd';
import { DirectoryBackupStore } from '../DirectoryBackupStore';
import { createBackupsRouter } from '../router';
import { createEtcdEngine, recordingLogger } from './etcdEngine';

// Announces the store's writes, so that a trial can kill the process in or between any of them.
const put = DirectoryBackupStore.prototype.put;
DirectoryBackupStore.prototype.put = async function announcedPut(key, body) {
  const object =
    ['metadata', 'etcd-encryption-key'].find(kind =>
      key.endsWith(kind === 'metadata' ? '.json' : `.${kind}.enc`),
    ) ?? 'snapshot';
  process.stdout.write(`PUT ${object}\n`);
  const stored = await put.call(this, key, body);
  process.stdout.write(`STORED ${object}\n`);
  return stored;
};

/** Short, so that resuming after a kill costs the trials seconds. */
const WORKER_LEASE_MS = 2_000;

async function main() {
  const [kubeconfigPath, sqliteFile, instanceId, storeDir, port, request] =
    process.argv.slice(2);
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: sqliteFile },
    useNullAsDefault: true,
  });
  await db.migrate.latest({ directory: migrationsDirectory });
  const logger = recordingLogger(true);
  const stepLogger = {
    ...logger,
    info: (message: string) => {
      const step = /^(\w+) of [^:]+: step (\w+) started/.exec(message);
      if (step) process.stdout.write(`STEP ${step[2]}\n`);
      logger.info(message);
    },
    child: () => stepLogger,
  };
  const { engine, etcd, hubs, provider } = await createEtcdEngine({
    kubeconfigPath,
    db,
    instanceId,
    storeDir,
    logger: stepLogger,
    leaseMs: WORKER_LEASE_MS,
    waitTimeoutMs: 180_000,
    restoreBaseUrl: `http://127.0.0.1:${port}/api/hostplane`,
  });

  // Only the restore-snapshot route is used: it takes a signed token, not Backstage credentials.
  const app = express();
  app.use(
    '/api/hostplane',
    await createBackupsRouter({
      hubs,
      providers: new Map([[provider.id, provider]]),
      clusters: engine.clusters,
      backups: etcd.backups,
      etcd: etcd.etcd,
      defragmentation: DEFAULT_DEFRAGMENTATION_THRESHOLDS,
      // The restore route decides nothing: nothing here authenticates or authorizes.
      httpAuth: unavailable('httpAuth'),
      permissions: unavailable('permissions'),
      permissionsRegistry: {
        getPermissionRuleset: () => ({
          getRuleByName: (name: string) => {
            throw new Error(`no permission rule '${name}' in the crash worker`);
          },
        }),
      } as unknown as PermissionsRegistryService,
      userInfo: unavailable('userInfo'),
      decisionTtlMs: 0,
      logger: stepLogger,
    }),
  );
  const server = http.createServer(app);
  await new Promise<void>(resolve =>
    server.listen(Number(port), '127.0.0.1', resolve),
  );

  await engine.start();
  if (request) {
    const { cluster, body, create, since } = JSON.parse(request) as {
      cluster: string;
      body: { action?: string };
      create?: boolean;
      /** When the trial asked first: an operation of the type since then is the request's. */
      since: string;
    };
    await engine.cache.whenSynced();
    const type = create ? 'create' : body.action;
    const submitted = await db('hostplane_operations')
      .where({ cluster, type })
      .where('created_at', '>=', since);
    const user = 'user:default/crash-test';
    if (submitted.length === 0) {
      if (create) {
        await engine.clusters.create(body, user, async () => {});
      } else {
        await engine.clusters.change(
          engine.clusters.get('local', cluster),
          body as never,
          user,
        );
      }
    }
  }
  // Operations another instance holds are claimed by the runner once their leases expire.
  while ((await engine.store.running()).length > 0) {
    const here = engine.runner.running();
    if (here.length > 0) {
      await Promise.all(here.map(id => engine.runner.settled(id)));
    } else {
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
  process.stdout.write('SETTLED\n');
  await engine.stop();
  server.close();
  await db.destroy();
  process.exit(0);
}

/** A service the worker has no use for: any use of it fails, naming it. */
function unavailable(service: string): never {
  return new Proxy(
    {},
    {
      get: (_target, method) => () => {
        throw new Error(
          `the crash worker has no ${service} (${String(method)} was called)`,
        );
      },
    },
  ) as never;
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
