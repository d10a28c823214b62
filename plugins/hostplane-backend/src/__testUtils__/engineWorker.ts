/**
 * The lifecycle engine in a process of its own, for the crash-safety test to kill at any moment:
 * `engineWorker.ts <hub kubeconfig> <sqlite file> <instance> [<operation or array of operations, JSON>]`.
 * It resumes what the database says was running (at once what it ran itself under the same
 * instance name, after their leases expire what another instance ran), submits the given
 * operation (unless it was already submitted), and exits once nothing is running. Step starts are
 * printed as `STEP <step name>`.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { HypershiftKubevirtProvider } from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { KubeConfig } from '@kubernetes/client-node';
import knexFactory from 'knex';
import { createEngine } from '../engine';
import { migrationsDirectory } from '../database/migrations';

function consoleLogger(): LoggerService {
  const write = (level: string) => (message: string) => {
    const step = /^(\w+) of [^:]+: step (\w+) started/.exec(message);
    if (step) process.stdout.write(`STEP ${step[2]}\n`);
    process.stdout.write(`${level} ${message}\n`);
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** Short, so that a takeover by another instance costs the test seconds, not half a minute. */
const WORKER_LEASE_MS = 2_000;

async function main() {
  const [kubeconfigPath, sqliteFile, instanceId, request] =
    process.argv.slice(2);
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: sqliteFile },
    useNullAsDefault: true,
  });
  await db.migrate.latest({ directory: migrationsDirectory });
  const provider = new HypershiftKubevirtProvider();
  const engine = createEngine({
    hubs: [
      {
        name: 'local',
        provider: provider.id,
        releases: LOCAL_HUB_RELEASES,
        kubeConfig: () => {
          const kubeConfig = new KubeConfig();
          kubeConfig.loadFromFile(kubeconfigPath);
          return kubeConfig;
        },
      },
    ],
    providers: new Map([[provider.id, provider]]),
    db,
    logger: consoleLogger(),
    operations: { waitTimeoutMs: 60_000, instanceId, leaseMs: WORKER_LEASE_MS },
  });
  await engine.start();
  const requests: Array<{
    action: 'create' | 'upgrade' | 'delete';
    cluster: string;
    body: object;
  }> = request ? [JSON.parse(request)].flat() : [];
  if (requests.length) await engine.cache.whenSynced();
  for (const { action, cluster, body } of requests) {
    const submitted = await db('hostplane_operations').where({
      cluster,
      type: action,
    });
    if (submitted.length > 0) continue;
    const user = 'user:default/crash-test';
    // The trials are about the engine, not about who may ask: every owner is allowed.
    if (action === 'create')
      await engine.clusters.create(body, user, async () => {});
    else if (action === 'delete')
      await engine.clusters.delete(engine.clusters.get('local', cluster), user);
    else
      await engine.clusters.change(
        engine.clusters.get('local', cluster),
        body as never,
        user,
      );
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
  await db.destroy();
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
