import {
  CREDENTIALS_ROTATION_ANNOTATION,
  ETCD_RESTORE_REQUEST_ANNOTATION,
  EtcdMemberHealth,
  ClusterSpec,
  ClusterStatus,
  NodePoolStatus,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { HypershiftKubevirtProvider } from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { KubernetesObject } from '@kubernetes/client-node';
import { clusterStatus } from '../__testUtils__/clusterStatus';
import { BackupService } from '../backups/BackupService';
import {
  CorruptedBackupError,
  TruncatedBackupError,
  WrongBackupKeyError,
} from '../backups/errors';
import { ClusterEtcd } from './etcdServices';
import { OperationPlan } from './plan';
import { STEPS, StepContext } from './steps';

const NAMESPACE = 'tenants-team-a';

const spec = clusterSpecSchema.parse({
  name: 'payments',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    {
      name: 'burst',
      autoscaling: { min: 1, max: 4 },
      vcpu: 2,
      memoryGiB: 4,
      diskGiB: 20,
    },
  ],
});

const provider = new HypershiftKubevirtProvider();

const pool = (
  name: string,
  change: Partial<NodePoolStatus> = {},
): NodePoolStatus => ({
  name,
  phase: 'Ready',
  currentReplicas: 2,
  version: 'v1.37.2',
  conditions: [],
  ...change,
});

const status = (change: Partial<ClusterStatus> = {}): ClusterStatus => ({
  ...clusterStatus('payments', 'team-a', 'Ready', 'v1.37.2'),
  namespace: NAMESPACE,
  conditions: [
    { type: 'Available', status: 'True', reason: 'AsExpected', message: '' },
  ],
  ...change,
});

const notFound = () => Object.assign(new Error('not found'), { code: 404 });

const key = (object: KubernetesObject) =>
  `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`;

/**
 * A step's world without a hub: the cache's status and objects of the cluster, the hub's objects
 * by kind and name (for reads and deletes), and what the step applied, deleted and reported.
 */
function fakeContext(
  options: {
    plan?: Partial<OperationPlan>;
    status?: ClusterStatus;
    clusterObjects?: KubernetesObject[];
    hubObjects?: KubernetesObject[];
    /** Whether the step's time to wait is already up: its first answer not true fails it. */
    expired?: boolean;
  } = {},
) {
  const hubObjects = new Map(
    (options.hubObjects ?? []).map(object => [key(object), object]),
  );
  const world = {
    status: options.status,
    applied: [] as KubernetesObject[],
    deleted: [] as string[],
    progress: [] as string[],
  };
  const waitTimeoutMs = 60_000;
  const context: StepContext = {
    plan: {
      namespace: NAMESPACE,
      spec,
      hibernated: false,
      ...options.plan,
    },
    hub: {
      name: 'local',
      provider: provider.id,
      releases: LOCAL_HUB_RELEASES,
      kubeConfig: () => {
        throw new Error('this test talks to no hub');
      },
    },
    provider,
    cache: {
      get: (namespace, name) =>
        namespace === NAMESPACE && name === spec.name
          ? world.status
          : undefined,
      objectsOf: () => options.clusterObjects ?? [],
    },
    applier: {
      apply: async objects => {
        world.applied.push(...objects);
      },
    },
    objects: {
      read: (async (object: KubernetesObject) => {
        const found = hubObjects.get(key(object));
        if (!found) throw notFound();
        return found;
      }) as StepContext['objects']['read'],
      delete: (async (object: KubernetesObject) => {
        if (!hubObjects.delete(key(object))) throw notFound();
        world.deleted.push(key(object));
        return {};
      }) as unknown as StepContext['objects']['delete'],
    },
    signal: new AbortController().signal,
    progress: async message => {
      world.progress.push(message);
    },
    waitTimeoutMs,
    deadline: options.expired ? Date.now() - 1 : Date.now() + waitTimeoutMs,
  };
  return { context, world };
}

/** The cluster's objects as Hostplane renders them for `forSpec`, as the cache holds them. */
function renderedObjects(forSpec: ClusterSpec): KubernetesObject[] {
  const release = LOCAL_HUB_RELEASES.find(r => r.version === forSpec.version)!;
  return provider
    .render(forSpec, { controlPlane: release, nodePools: {} })
    .filter(object => object.kind !== 'Namespace');
}

describe('steps', () => {
  it('keeps the names and titles that operations persist and show', () => {
    expect(
      Object.fromEntries(
        Object.entries(STEPS).map(([name, step]) => [name, step.title]),
      ),
    ).toEqual({
      ensureNamespace: 'Create the namespace',
      ensureSecrets: 'Create the pull secret, SSH key and etcd encryption key',
      applyControlPlane: 'Apply the hosted control plane',
      waitControlPlane: 'Wait for the control plane',
      applyNodePools: 'Apply the node pools',
      pruneNodePools: 'Remove node pools no longer in the spec',
      waitNodePools: 'Wait for the node pools',
      deleteNodePools:
        'Delete the node pools and wait for their machines to go',
      deleteControlPlane:
        'Delete the hosted control plane and wait for its finalizers',
      deleteSecrets: 'Delete the generated secrets',
      waitCredentialsRotated:
        'Wait for the control plane to replace its CA and admin credential',
      takeBackup: 'Back up etcd',
      pruneBackups: 'Delete backups beyond the retention',
      verifyBackup: 'Verify the backup (checksum and decryption)',
      requestEtcdRestore:
        'Ask the control plane to restore etcd from the backup',
      waitEtcdRestored: 'Wait for every etcd member to be restored',
      defragmentEtcd: 'Defragment etcd, one member at a time, the leader last',
      recoverEtcdSpace:
        'Recover etcd space: compact, defragment each member, clear NOSPACE',
      replaceEtcdMember: 'Replace the etcd member and wait for it to sync',
    });
  });

  describe('waitNodePools', () => {
    it('accepts an autoscaling pool anywhere within its range', async () => {
      const { context } = fakeContext({
        status: status({
          nodePools: [pool('workers'), pool('burst', { currentReplicas: 3 })],
        }),
      });
      await expect(STEPS.waitNodePools.run(context)).resolves.toBeUndefined();
    });

    it('waits for an autoscaling pool below its range, naming the range when it times out', async () => {
      const { context, world } = fakeContext({
        status: status({
          nodePools: [pool('workers'), pool('burst', { currentReplicas: 0 })],
        }),
        expired: true,
      });
      await expect(STEPS.waitNodePools.run(context)).rejects.toThrow(
        'Timed out after 60 s waiting for the node pools: burst: 0/1-4 machines, Ready',
      );
      expect(world.progress).toEqual(['burst: 0/1-4 machines, Ready']);
    });

    it('accepts hibernated pools at no machines, whatever version they last ran', async () => {
      const { context } = fakeContext({
        plan: { hibernated: true },
        status: status({
          nodePools: [
            pool('workers', {
              phase: 'Hibernated',
              currentReplicas: 0,
              version: 'v1.36.4',
            }),
            pool('burst', { phase: 'Hibernated', currentReplicas: 0 }),
          ],
        }),
      });
      await expect(STEPS.waitNodePools.run(context)).resolves.toBeUndefined();
    });

    it('waits for a hibernating pool until its machines are gone', async () => {
      const { context } = fakeContext({
        plan: { hibernated: true },
        status: status({
          nodePools: [
            pool('workers', { phase: 'Scaling', currentReplicas: 2 }),
            pool('burst', { phase: 'Hibernated', currentReplicas: 0 }),
          ],
        }),
        expired: true,
      });
      await expect(STEPS.waitNodePools.run(context)).rejects.toThrow(
        'waiting for the node pools: workers: 2/0 machines, Scaling',
      );
    });

    it('reports each new answer once, and returns when the pools are there', async () => {
      const { context, world } = fakeContext({
        status: status({
          nodePools: [
            pool('workers', {
              phase: 'Updating',
              version: 'v1.36.4',
              reason: 'AsExpected',
            }),
          ],
        }),
      });
      const waiting = STEPS.waitNodePools.run(context);
      // The step reads the cache again a quarter of a second later; by then the pools are there.
      await new Promise(resolve => setImmediate(resolve));
      world.status = status({
        nodePools: [pool('workers'), pool('burst', { currentReplicas: 1 })],
      });
      await expect(waiting).resolves.toBeUndefined();
      expect(world.progress).toEqual([
        'workers: 2/2 machines, Updating, at v1.36.4 (AsExpected); burst: not created yet',
      ]);
    });
  });

  describe('waitControlPlane', () => {
    it('fails at once when the control plane has Failed, with its reason', async () => {
      const { context } = fakeContext({
        status: status({
          phase: 'Failed',
          reason: 'InvalidImage',
          message: 'failed to look up release image metadata',
        }),
      });
      await expect(STEPS.waitControlPlane.run(context)).rejects.toThrow(
        'The control plane failed: InvalidImage failed to look up release image metadata',
      );
    });

    it('times out naming the version it waited for and where the cluster is', async () => {
      const { context } = fakeContext({
        status: status({
          phase: 'Provisioning',
          reason: 'WaitingForAvailable',
          conditions: [],
          version: undefined,
        }),
        expired: true,
      });
      await expect(STEPS.waitControlPlane.run(context)).rejects.toThrow(
        'Timed out after 60 s waiting for the control plane to run v1.37.2: Provisioning: WaitingForAvailable',
      );
    });

    it('gives up at the deadline it is given, not one counted from its own start', async () => {
      const { context } = fakeContext({ status: undefined });
      // An attempt that has spent its budget before a run again (after a transient hub error).
      context.deadline = Date.now() - 1;
      await expect(STEPS.waitControlPlane.run(context)).rejects.toThrow(
        'Timed out after 60 s waiting for the control plane to run v1.37.2: waiting for the hosted cluster to appear',
      );
    });

    it('waits while the control plane still moves to the version', async () => {
      const { context } = fakeContext({
        status: status({
          phase: 'Updating',
          version: 'v1.36.4',
          desiredVersion: 'v1.37.2',
        }),
        expired: true,
      });
      await expect(STEPS.waitControlPlane.run(context)).rejects.toThrow(
        'waiting for the control plane to run v1.37.2: Updating',
      );
    });

    it('returns once the control plane is Available at the version', async () => {
      const { context } = fakeContext({ status: status() });
      await expect(
        STEPS.waitControlPlane.run(context),
      ).resolves.toBeUndefined();
    });
  });

  describe('ensureSecrets', () => {
    it('creates the missing Secrets and never replaces one that exists', async () => {
      const [first, ...others] = provider.secretsFor(spec);
      expect(others.length).toBeGreaterThan(0);
      const existing = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: first.namespace, name: first.name },
      };
      const { context, world } = fakeContext({ hubObjects: [existing] });
      await STEPS.ensureSecrets.run(context);
      expect(world.applied.map(key)).toEqual(
        others.map(s => `Secret ${s.namespace}/${s.name}`),
      );
      expect(world.applied.every(s => 'stringData' in s)).toBe(true);
    });
  });

  describe('pruneNodePools', () => {
    it('deletes only the pools the spec no longer has, then waits for them to go', async () => {
      const objects = renderedObjects(spec);
      const { context, world } = fakeContext({
        plan: {
          spec: { ...spec, nodePools: [spec.nodePools[0]] },
        },
        clusterObjects: objects,
        hubObjects: objects,
        status: status({ nodePools: [pool('workers')] }),
      });
      await STEPS.pruneNodePools.run(context);
      expect(world.deleted).toEqual([`NodePool ${NAMESPACE}/payments-burst`]);
    });

    it('leaves a pool that is already being deleted to its finalizers', async () => {
      const objects = renderedObjects(spec).map(object =>
        object.metadata?.name === 'payments-burst'
          ? {
              ...object,
              metadata: { ...object.metadata, deletionTimestamp: new Date() },
            }
          : object,
      );
      const { context, world } = fakeContext({
        plan: { spec: { ...spec, nodePools: [spec.nodePools[0]] } },
        clusterObjects: objects,
        hubObjects: objects,
        status: status({
          nodePools: [pool('workers'), pool('burst', { phase: 'Deleting' })],
        }),
        expired: true,
      });
      await expect(STEPS.pruneNodePools.run(context)).rejects.toThrow(
        'waiting for the removed node pools to go: removing burst (2 machines)',
      );
      expect(world.deleted).toEqual([]);
    });
  });

  describe('waitCredentialsRotated', () => {
    const rotation = '2026-11-23T10:00:00.000Z';
    const refs = provider.credentialRefs({
      hub: 'local',
      namespace: NAMESPACE,
      name: spec.name,
    });
    const secret = (
      ref: { namespace: string; name: string },
      answered?: string,
    ): KubernetesObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...ref,
        annotations: answered
          ? { [CREDENTIALS_ROTATION_ANNOTATION]: answered }
          : {},
      },
    });

    it('fails at once, naming the Secret, when the control plane has published none', async () => {
      const { context } = fakeContext({
        plan: { credentialsRotation: rotation },
        hubObjects: [secret(refs.adminKubeconfig)],
      });
      await expect(STEPS.waitCredentialsRotated.run(context)).rejects.toThrow(
        `The control plane has published no root CA (Secret ${refs.rootCa.namespace}/${refs.rootCa.name}); there are no credentials to rotate`,
      );
    });

    it('waits until both Secrets answer the rotation asked for', async () => {
      const { context } = fakeContext({
        plan: { credentialsRotation: rotation },
        hubObjects: [
          secret(refs.rootCa, rotation),
          secret(refs.adminKubeconfig, '2026-01-01T00:00:00.000Z'),
        ],
        expired: true,
      });
      await expect(STEPS.waitCredentialsRotated.run(context)).rejects.toThrow(
        'waiting for the control plane to replace its credentials: admin kubeconfig not yet replaced',
      );
      const { context: answered } = fakeContext({
        plan: { credentialsRotation: rotation },
        hubObjects: [
          secret(refs.rootCa, rotation),
          secret(refs.adminKubeconfig, rotation),
        ],
      });
      await expect(
        STEPS.waitCredentialsRotated.run(answered),
      ).resolves.toBeUndefined();
    });
  });

  describe('etcd steps', () => {
    const member = (
      pod: string,
      change: Partial<EtcdMemberHealth> = {},
    ): EtcdMemberHealth => ({
      name: pod,
      pod,
      id: `id-${pod}`,
      reachable: true,
      leader: false,
      learner: false,
      dbSizeBytes: 100,
      dbSizeInUseBytes: 40,
      alarms: [],
      ...change,
    });

    /** An etcd of three members whose calls are recorded in order. */
    function fakeEtcd(members: EtcdMemberHealth[]) {
      const calls: string[] = [];
      const etcd: ClusterEtcd = {
        // A copy each time, as each read of a real etcd is.
        members: async () => {
          calls.push('members');
          return members.map(m => ({ ...m, alarms: [...m.alarms] }));
        },
        snapshot: async () => {
          throw new Error('no snapshot here');
        },
        defragment: async pod => {
          calls.push(`defragment ${pod}`);
          const found = members.find(m => m.pod === pod)!;
          found.dbSizeBytes = found.dbSizeInUseBytes;
        },
        compact: async revision => {
          calls.push(`compact ${revision}`);
        },
        revision: async () => 42,
        disarm: async alarm => {
          calls.push(`disarm ${alarm}`);
          members.forEach(m => {
            m.alarms = m.alarms.filter(a => a !== alarm);
          });
        },
        memberRemove: async id => {
          calls.push(`remove ${id}`);
        },
      };
      return { etcd, calls };
    }

    const withEtcd = (
      etcd: ClusterEtcd,
      backups: Partial<BackupService> = {},
      plan: Partial<OperationPlan> = {},
    ) => {
      const faked = fakeContext({
        status: status({
          spec: { ...spec, availability: 'HighlyAvailable' },
          availability: 'HighlyAvailable',
        }),
        plan,
      });
      faked.context.etcd = {
        etcd: () => etcd,
        backups: backups as BackupService,
        now: () => new Date('2026-12-08T10:00:00Z'),
      };
      return faked;
    };

    it('defragments the followers first and the leader last, waiting for health between', async () => {
      const { etcd, calls } = fakeEtcd([
        member('etcd-0', { leader: true }),
        member('etcd-1'),
        member('etcd-2'),
      ]);
      const { context, world } = withEtcd(etcd);
      await STEPS.defragmentEtcd.run(context);
      expect(calls.filter(c => c !== 'members')).toEqual([
        'defragment etcd-1',
        'defragment etcd-2',
        'defragment etcd-0',
      ]);
      // Health read before the first and after each member.
      expect(calls.filter(c => c === 'members')).toHaveLength(4);
      expect(world.progress).toContain('defragmented etcd-0: 100 B → 40 B');
    });

    it('recovers space: compacts to the current revision, defragments each member, clears NOSPACE and says what it freed', async () => {
      const { etcd, calls } = fakeEtcd([
        member('etcd-0', { leader: true, alarms: ['NOSPACE'] }),
        member('etcd-1', { alarms: ['NOSPACE'] }),
        member('etcd-2'),
      ]);
      const { context, world } = withEtcd(etcd);
      await STEPS.recoverEtcdSpace.run(context);
      expect(calls.filter(c => c !== 'members')).toEqual([
        'compact 42',
        'defragment etcd-1',
        'defragment etcd-2',
        'defragment etcd-0',
        'disarm NOSPACE',
      ]);
      expect(world.progress.at(-1)).toBe(
        'freed 180 B (300 B → 120 B over 3 members); NOSPACE cleared',
      );
    });

    it('refuses to replace a member when the others would not keep quorum', async () => {
      const { etcd, calls } = fakeEtcd([
        member('etcd-0', { leader: true }),
        member('etcd-1', { reachable: false, error: 'no answer' }),
        member('etcd-2'),
      ]);
      const { context } = withEtcd(
        etcd,
        {},
        { etcd: { requestedBy: 'u', trigger: 'manual', member: 2 } },
      );
      await expect(STEPS.replaceEtcdMember.run(context)).rejects.toThrow(
        'Replacing etcd-2 would lose quorum: only 1 of the other members are healthy',
      );
      expect(calls).toEqual(['members']);
    });

    it('names the reason a backup is refused, before the restore asks anything of the hub', async () => {
      const source = {
        hub: 'local',
        namespace: NAMESPACE,
        cluster: 'payments',
        backupId: '20261208T101500Z-a1b2c3',
      };
      for (const [error, message] of [
        [new CorruptedBackupError('bad tag'), 'The backup is corrupted'],
        [new TruncatedBackupError('cut'), 'The backup is truncated'],
        [
          new WrongBackupKeyError('other key'),
          'The backup is encrypted with a key this cluster does not hold',
        ],
      ] as const) {
        const { context, world } = withEtcd(
          fakeEtcd([]).etcd,
          {
            verify: async () => {
              throw error;
            },
          },
          {
            etcd: {
              requestedBy: 'u',
              trigger: 'manual',
              restore: { source, requestId: 'r1' },
            },
          },
        );
        await expect(STEPS.verifyBackup.run(context)).rejects.toThrow(
          `${message}; nothing was restored: ${error.message}`,
        );
        expect(world.applied).toEqual([]);
      }
    });

    it('asks for an in-place restore once, with a fresh URL, and clears the request when it is answered', async () => {
      const source = {
        hub: 'local',
        namespace: NAMESPACE,
        cluster: 'payments',
        backupId: '20261208T101500Z-a1b2c3',
      };
      const plan = {
        etcd: {
          requestedBy: 'u',
          trigger: 'manual' as const,
          restore: { source, requestId: 'r1' },
        },
      };
      const { context, world } = withEtcd(
        fakeEtcd([]).etcd,
        { restoreUrl: () => 'https://portal.example/restore-snapshots/t' },
        plan,
      );
      await STEPS.requestEtcdRestore.run(context);
      const hostedCluster = world.applied.find(
        o => o.kind === 'HostedCluster',
      )!;
      expect(
        JSON.parse(
          hostedCluster.metadata!.annotations![ETCD_RESTORE_REQUEST_ANNOTATION],
        ),
      ).toEqual({
        id: 'r1',
        url: 'https://portal.example/restore-snapshots/t',
      });

      world.status = status({ spec, etcdRestoredRequest: 'r1' });
      world.applied.length = 0;
      await STEPS.requestEtcdRestore.run(context);
      expect(world.applied).toEqual([]);
      await STEPS.waitEtcdRestored.run(context);
      expect(
        world.applied.find(o => o.kind === 'HostedCluster')!.metadata!
          .annotations![ETCD_RESTORE_REQUEST_ANNOTATION],
      ).toBeUndefined();
    });

    it('fails clearly where the engine runs without etcd services', async () => {
      const { context } = fakeContext({ status: status({ spec }) });
      await expect(STEPS.takeBackup.run(context)).rejects.toThrow(
        'This Hostplane backend runs without etcd operations',
      );
    });
  });
});
