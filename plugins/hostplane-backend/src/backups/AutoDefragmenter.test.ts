import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import {
  ClusterStatus,
  EtcdMemberHealth,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { migrationsDirectory } from '../database/migrations';
import { OperationStore } from '../database/OperationStore';
import { SYSTEM_USER } from '../service/ClusterService';
import { AutoDefragmenter } from './AutoDefragmenter';
import { SubmitSystemChange } from './BackupScheduler';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const MiB = 1024 * 1024;

function cluster(name: string, phase: ClusterStatus['phase'] = 'Ready') {
  const spec = clusterSpecSchema.parse({
    name,
    owner: 'group:default/team-a',
    hub: 'local',
    version: 'v1.37.2',
    nodePools: [
      { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
  });
  return {
    hub: 'local',
    name,
    namespace: 'tenants-team-a',
    owner: spec.owner,
    phase,
    nodePools: [],
    conditions: [],
    deletionProtection: false,
    labels: {},
    spec,
  } satisfies ClusterStatus;
}

const member = (
  pod: string,
  dbMiB: number,
  inUseMiB: number,
  extra: Partial<EtcdMemberHealth> = {},
): EtcdMemberHealth => ({
  name: pod,
  pod,
  reachable: true,
  leader: pod === 'etcd-0',
  learner: false,
  dbSizeBytes: dbMiB * MiB,
  dbSizeInUseBytes: inUseMiB * MiB,
  fragmentation: (dbMiB - inUseMiB) / dbMiB,
  alarms: [],
  ...extra,
});

describe('AutoDefragmenter', () => {
  let store: OperationStore;
  let statuses: Map<string, ClusterStatus>;
  let members: Map<string, EtcdMemberHealth[]>;
  let reads: string[];

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({ directory: migrationsDirectory });
    store = new OperationStore(knex, { holder: 'engine', leaseMs: 30_000 });
    statuses = new Map();
    members = new Map();
    reads = [];
  });

  const submit: SubmitSystemChange = async (hub, name, change) => {
    const status = statuses.get(name)!;
    return store.start({
      hub,
      cluster: name,
      type: change.action,
      input: change,
      plan: {
        namespace: status.namespace,
        spec: status.spec!,
        hibernated: false,
      },
      steps: [],
      createdBy: SYSTEM_USER,
    });
  };

  const defragmenter = (maxConcurrent = 4) =>
    new AutoDefragmenter({
      clusters: {
        hub: () => ({
          listed: () => true,
          statuses: () => statuses.values(),
          findByName: name => statuses.get(name),
        }),
      },
      hubs: ['local'],
      members: async status => {
        reads.push(status.name);
        const found = members.get(status.name);
        if (!found) throw new Error(`etcd of ${status.name} did not answer`);
        return found;
      },
      submit,
      operations: store,
      settings: {
        fragmentationThreshold: 0.45,
        minDbSizeBytes: 100 * MiB,
        intervalMs: 60_000,
        maxConcurrent,
      },
      logger: mockServices.logger.mock(),
    });

  const add = (status: ClusterStatus, etcd?: EtcdMemberHealth[]) => {
    statuses.set(status.name, status);
    if (etcd) members.set(status.name, etcd);
  };

  it('defragments the clusters with a member at or above both thresholds, and only those', async () => {
    add(cluster('fragmented'), [
      member('etcd-0', 200, 150),
      member('etcd-1', 200, 100),
      member('etcd-2', 200, 150),
    ]);
    add(cluster('small'), [member('etcd-0', 50, 10)]);
    add(cluster('tidy'), [member('etcd-0', 400, 300)]);
    add(cluster('half-down'), [
      member('etcd-0', 300, 100),
      member('etcd-1', 300, 100, { reachable: false, error: 'refused' }),
    ]);
    add(cluster('unanswered'));
    add(cluster('creating', 'Provisioning'), [member('etcd-0', 300, 100)]);

    const submitted = await defragmenter().round();
    expect(submitted.map(s => s.cluster)).toEqual(['local/fragmented']);
    const operation = await store.get(submitted[0].operationId);
    expect(operation).toMatchObject({
      type: 'defragment',
      cluster: 'fragmented',
      createdBy: SYSTEM_USER,
      state: 'running',
    });
    // A cluster whose etcd is not up yet is not asked.
    expect(reads.sort()).toEqual([
      'fragmented',
      'half-down',
      'small',
      'tidy',
      'unanswered',
    ]);
  });

  it('submits one defragmentation per cluster at a time, and another once it finished if still due', async () => {
    add(cluster('fragmented'), [member('etcd-0', 200, 100)]);
    const auto = defragmenter();
    const [first] = await auto.round();
    expect(await auto.round()).toEqual([]);
    await store.finish(first.operationId, 'succeeded', []);
    const again = await auto.round();
    expect(again).toHaveLength(1);
    expect(again[0].operationId).not.toBe(first.operationId);
  });

  it('leaves a cluster busy with another operation for the next round', async () => {
    add(cluster('fragmented'), [member('etcd-0', 200, 100)]);
    const upgrade = await submit(
      'local',
      'fragmented',
      { action: 'upgrade', version: 'v1.38.0' },
      'manual',
    );
    const auto = defragmenter();
    expect(await auto.round()).toEqual([]);
    expect(reads).toEqual([]);
    await store.finish(upgrade.id, 'succeeded', []);
    expect(await auto.round()).toHaveLength(1);
  });

  it('has at most maxConcurrent defragmentations running', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      add(cluster(name), [member('etcd-0', 200, 100)]);
    }
    const auto = defragmenter(2);
    const first = await auto.round();
    expect(first).toHaveLength(2);
    expect(await auto.round()).toEqual([]);
    await store.finish(first[0].operationId, 'succeeded', []);
    expect(await auto.round()).toHaveLength(1);
    expect((await store.running()).length).toBe(2);
  });
});
