import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { prng, useTestHub } from '@hostplane/local-hub';
import { CLUSTER_LABEL } from '@hostplane/plugin-hostplane-common';
import { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import { OPERATION_STEPS } from './operations/plan';

jest.setTimeout(1_500_000);

const TRIALS = 21;
const SEED = Number(process.env.HOSTPLANE_CRASH_SEED ?? 20261123);
const WORKER = path.join(__dirname, '__testUtils__', 'engineWorker.ts');

// The operations the trials interrupt.
const STEPS = {
  create: OPERATION_STEPS.create,
  upgrade: OPERATION_STEPS.upgrade,
  delete: OPERATION_STEPS.delete,
};
type Action = keyof typeof STEPS;

/** The objects a cluster has on the hub, as `Kind/name` with the cluster's name as `<cluster>`. */
const CLUSTER_OBJECTS = [
  'HostedCluster/<cluster>',
  'NodePool/<cluster>-batch',
  'NodePool/<cluster>-workers',
  'Secret/<cluster>-etcd-encryption-key',
  'Secret/<cluster>-pull-secret',
  'Secret/<cluster>-ssh-key',
];

/** What each operation leaves on the hub once it has converged. */
const END_OBJECTS: Record<Action, string[]> = {
  create: CLUSTER_OBJECTS,
  upgrade: CLUSTER_OBJECTS,
  delete: [],
};

const spec = (name: string) => ({
  name,
  owner: 'group:default/team-crash',
  hub: 'local',
  version: 'v1.36.4',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
    {
      name: 'batch',
      autoscaling: { min: 1, max: 3 },
      vcpu: 4,
      memoryGiB: 16,
      diskGiB: 80,
    },
  ],
});

describe('crash safety of the lifecycle engine', () => {
  const context = useTestHub('crash');
  let db: Knex;
  let sqliteFile: string;
  const workers = new Set<ChildProcess>();
  afterAll(async () => {
    workers.forEach(w => w.kill('SIGKILL'));
    await db?.destroy();
  });
  beforeAll(() => {
    sqliteFile = path.join(context.workdir, 'engine.sqlite');
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: sqliteFile },
      useNullAsDefault: true,
    });
  });

  /**
   * Runs the engine in a child process, as the named backend instance. With `killAt`, kills it
   * (SIGKILL: no cleanup of any kind) the given time after it starts the given step; otherwise
   * waits until nothing is running.
   */
  function runWorker(
    instance: string,
    request?: object,
    killAt?: { step: string; afterMs: number },
  ): Promise<'killed' | 'settled'> {
    const args = [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      WORKER,
      context.hub.kubeconfigPath,
      sqliteFile,
      instance,
    ];
    if (request) args.push(JSON.stringify(request));
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.add(child);
    let output = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', chunk => {
        output += chunk;
        if (
          killAt &&
          output.includes(`STEP ${killAt.step}\n`) &&
          !child.killed
        ) {
          setTimeout(() => child.kill('SIGKILL'), killAt.afterMs);
        }
      });
      child.stderr!.on('data', chunk => (output += chunk));
      child.on('exit', (code, signal) => {
        workers.delete(child);
        if (signal === 'SIGKILL') resolve('killed');
        else if (code === 0 && output.includes('SETTLED')) resolve('settled');
        else
          reject(
            new Error(
              `engine worker exited with ${code ?? signal}:\n${output.slice(
                -3000,
              )}`,
            ),
          );
      });
    });
  }

  const hubState = async (cluster: string) => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    const objects: KubernetesObject[] = [];
    for (const [apiVersion, kind] of [
      ['hypershift.openshift.io/v1beta1', 'HostedCluster'],
      ['hypershift.openshift.io/v1beta1', 'NodePool'],
      ['v1', 'Secret'],
    ]) {
      const list = await client.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        `${CLUSTER_LABEL}=${cluster}`,
      );
      // Typed lists of built-in kinds leave out each item's kind.
      objects.push(...list.items.map(item => ({ ...item, kind })));
    }
    // The end state without what differs by name or time: the same for every trial of one kind.
    return objects
      .map(o => ({
        kind: o.kind,
        name: o.metadata!.name!.replace(cluster, '<cluster>'),
        spec: JSON.parse(
          JSON.stringify((o as any).spec ?? null).replaceAll(
            cluster,
            '<cluster>',
          ),
        ),
        annotations: Object.keys(o.metadata!.annotations ?? {}).sort(),
        dataKeys: Object.keys((o as any).data ?? {}).sort(),
        version:
          (o as any).status?.version?.history?.[0]?.version ??
          (o as any).status?.version,
      }))
      .sort((a, b) =>
        `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`),
      );
  };

  it(`converges after being killed at a random step, in ${TRIALS} seeded trials`, async () => {
    const random = prng(SEED);
    const trials = Array.from({ length: TRIALS }, (_, index) => {
      const action = (['create', 'upgrade', 'delete'] as Action[])[index % 3];
      const steps = STEPS[action];
      return {
        cluster: `crash-${index}`,
        action,
        takenOver: index % 2 === 1,
        killAt: {
          step: steps[Math.floor(random() * steps.length)],
          afterMs: Math.floor(random() * 400),
        },
      };
    });

    // Clusters for the upgrade and delete trials, made without interruption by one engine run each.
    await runWorker(
      'engine-a',
      trials
        .filter(t => t.action !== 'create')
        .map(t => ({
          action: 'create',
          cluster: t.cluster,
          body: spec(t.cluster),
        })),
    );

    const endStates: Partial<Record<Action, unknown>> = {};
    const report: string[] = [];
    let killed = 0;
    for (const trial of trials) {
      const request = {
        action: trial.action,
        cluster: trial.cluster,
        body:
          trial.action === 'create'
            ? spec(trial.cluster)
            : { action: 'upgrade', version: 'v1.37.2' },
      };
      const first = await runWorker('engine-a', request, trial.killAt);
      if (first === 'killed') killed++;
      // Every other trial, a different instance carries on, once the killed one's lease expires;
      // otherwise the same instance restarts and takes its own operation back at once.
      const survivor = trial.takenOver ? 'engine-b' : 'engine-a';
      let restarts = 0;
      // Restart until it settles; the restarts resume from the database alone.
      while ((await runWorker(survivor)) !== 'settled') restarts++;
      report.push(
        `${trial.cluster} ${trial.action} killed in ${trial.killAt.step}+${trial.killAt.afterMs}ms: ${first}, continued by ${survivor}, restarts ${restarts}`,
      );

      const operations = await db('hostplane_operations').where({
        cluster: trial.cluster,
        type: trial.action,
      });
      expect(operations.map(o => o.state)).toEqual(['succeeded']);
      expect(
        await db('hostplane_cluster_locks').where({ cluster: trial.cluster }),
      ).toEqual([]);

      const state = await hubState(trial.cluster);
      expect(state.map(o => `${o.kind}/${o.name}`)).toEqual(
        END_OBJECTS[trial.action],
      );
      // Every trial of one kind ends in the same state, wherever it was killed.
      endStates[trial.action] ??= state;
      expect(state).toEqual(endStates[trial.action]);
    }
    // eslint-disable-next-line no-console
    console.log(`crash trials (seed ${SEED}):\n${report.join('\n')}`);
    // Most kills land inside their step; one that comes after the operation finished still counts
    // as a restart, but the trial set must mostly interrupt work.
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(TRIALS / 2));
  });
});
