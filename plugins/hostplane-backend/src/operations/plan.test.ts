import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ClusterSpec,
  ClusterStatus,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { ValidationError } from '../service/ValidationError';
import { planChange, planCreate, planDelete } from './plan';

const spec: ClusterSpec = clusterSpecSchema.parse({
  name: 'payments',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.36.4',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    {
      name: 'batch',
      autoscaling: { min: 1, max: 3 },
      vcpu: 2,
      memoryGiB: 4,
      diskGiB: 20,
    },
  ],
});

function cluster(overrides: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    hub: 'local',
    name: 'payments',
    namespace: 'tenants-team-a',
    owner: 'group:default/team-a',
    phase: 'Ready',
    version: spec.version,
    nodePools: spec.nodePools.map(p => ({
      name: p.name,
      phase: 'Ready',
      currentReplicas: p.replicas ?? 1,
      version: spec.version,
      conditions: [],
    })),
    conditions: [],
    deletionProtection: false,
    labels: {},
    spec,
    ...overrides,
  };
}

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('planCreate', () => {
  it('creates with every step, in the spec’s namespace', () => {
    const planned = planCreate(
      spec,
      'tenants-team-a',
      undefined,
      LOCAL_HUB_RELEASES,
    );
    expect(planned.steps).toEqual([
      'ensureNamespace',
      'ensureSecrets',
      'applyControlPlane',
      'applyNodePools',
      'waitControlPlane',
      'waitNodePools',
    ]);
    expect(planned.plan).toEqual({
      namespace: 'tenants-team-a',
      spec,
      hibernated: false,
    });
  });

  it('refuses a name in use and a version the hub does not offer', () => {
    expect(() => planCreate(spec, 'ns', cluster(), LOCAL_HUB_RELEASES)).toThrow(
      ConflictError,
    );
    // Not whose it is: the caller may not be allowed to see that.
    expect(() => planCreate(spec, 'ns', cluster(), LOCAL_HUB_RELEASES)).toThrow(
      new RegExp(
        `^A cluster named '${spec.name}' already exists on hub '${spec.hub}'$`,
      ),
    );
    expect(
      issuesOf(() =>
        planCreate(
          { ...spec, version: 'v1.30.0' },
          'ns',
          undefined,
          LOCAL_HUB_RELEASES,
        ),
      ),
    ).toEqual([
      { path: ['version'], message: expect.stringContaining('not offered') },
    ]);
  });
});

describe('planChange', () => {
  it.each([
    [
      { action: 'scale', pool: 'workers', replicas: 4 },
      0,
      { name: 'workers', replicas: 4 },
      'autoscaling',
    ],
    [
      { action: 'scale', pool: 'batch', replicas: 2 },
      1,
      { replicas: 2 },
      'autoscaling',
    ],
    [
      { action: 'autoscale', pool: 'workers', autoscaling: { min: 1, max: 5 } },
      0,
      { autoscaling: { min: 1, max: 5 } },
      'replicas',
    ],
  ] as const)(
    '%j changes only that pool',
    (change, index, expected, dropped) => {
      const planned = planChange(
        cluster(),
        change as never,
        LOCAL_HUB_RELEASES,
      );
      expect(planned.plan.spec.nodePools[index]).toMatchObject(expected);
      expect(planned.plan.spec.nodePools[index]).not.toHaveProperty(dropped);
      expect(planned.plan.spec.nodePools[1 - index]).toEqual(
        spec.nodePools[1 - index],
      );
      expect(planned.plan.spec.nodePools).toHaveLength(2);
      expect(planned.steps).toContain('waitNodePools');
    },
  );

  it('adds and removes pools, keeping at least one', () => {
    const added = planChange(
      cluster(),
      {
        action: 'addPool',
        nodePool: {
          name: 'gpu',
          replicas: 1,
          vcpu: 8,
          memoryGiB: 32,
          diskGiB: 100,
          labels: {},
          taints: [],
        },
      },
      LOCAL_HUB_RELEASES,
    );
    expect(added.plan.spec.nodePools.map(p => p.name)).toEqual([
      'workers',
      'batch',
      'gpu',
    ]);
    expect(
      issuesOf(() =>
        planChange(
          cluster(),
          { action: 'addPool', nodePool: { ...spec.nodePools[0] } },
          LOCAL_HUB_RELEASES,
        ),
      ),
    ).toEqual([
      {
        path: ['nodePool', 'name'],
        message: "node pool 'workers' already exists",
      },
    ]);

    const removed = planChange(
      cluster(),
      { action: 'removePool', pool: 'batch' },
      LOCAL_HUB_RELEASES,
    );
    expect(removed.plan.spec.nodePools.map(p => p.name)).toEqual(['workers']);
    expect(removed.steps).toEqual(['applyControlPlane', 'pruneNodePools']);
    const single = cluster({ spec: removed.plan.spec });
    expect(
      issuesOf(() =>
        planChange(
          single,
          { action: 'removePool', pool: 'workers' },
          LOCAL_HUB_RELEASES,
        ),
      ),
    ).toEqual([
      { path: ['pool'], message: 'the last node pool cannot be removed' },
    ]);
    expect(() =>
      planChange(
        cluster(),
        { action: 'scale', pool: 'nope', replicas: 1 },
        LOCAL_HUB_RELEASES,
      ),
    ).toThrow(NotFoundError);
  });

  it('upgrades control plane first, keeping the pools at their version until then', () => {
    const planned = planChange(
      cluster(),
      { action: 'upgrade', version: 'v1.37.2' },
      LOCAL_HUB_RELEASES,
    );
    expect(planned.steps).toEqual([
      'applyControlPlane',
      'waitControlPlane',
      'applyNodePools',
      'waitNodePools',
    ]);
    expect(planned.plan).toMatchObject({
      poolVersion: 'v1.36.4',
      spec: { version: 'v1.37.2' },
    });
  });

  it.each([
    ['v1.35.6', 'downgrading from v1.36.4 to v1.35.6 is not supported'],
    ['v1.38.0', 'not offered'],
  ])('refuses upgrading to %s with the reason', (version, reason) => {
    expect(
      issuesOf(() =>
        planChange(
          cluster(),
          { action: 'upgrade', version },
          LOCAL_HUB_RELEASES,
        ),
      ),
    ).toEqual([
      { path: ['version'], message: expect.stringContaining(reason) },
    ]);
  });

  // The version rules themselves are tested with upgradeRefusal in -common.
  it('answers a version rule as bad input at `version`, and the same version as a conflict', () => {
    const old = cluster({
      spec: { ...spec, version: 'v1.35.6' },
      version: 'v1.35.6',
    });
    expect(
      issuesOf(() =>
        planChange(
          old,
          { action: 'upgrade', version: 'v1.37.2' },
          LOCAL_HUB_RELEASES,
        ),
      ),
    ).toEqual([
      {
        path: ['version'],
        message:
          'upgrading from v1.35.6 to v1.37.2 skips a minor version; upgrade to v1.36 first (the control plane moves one minor version at a time)',
      },
    ]);
    const sameVersion = () =>
      planChange(
        cluster(),
        { action: 'upgrade', version: 'v1.36.4' },
        LOCAL_HUB_RELEASES,
      );
    expect(sameVersion).toThrow(ConflictError);
    expect(sameVersion).toThrow("Cluster 'payments' already runs v1.36.4");
  });

  it('hibernates and resumes; a hibernated cluster takes no other change', () => {
    expect(
      planChange(cluster(), { action: 'hibernate' }, LOCAL_HUB_RELEASES).plan
        .hibernated,
    ).toBe(true);
    const hibernated = cluster({ phase: 'Hibernated' });
    expect(
      planChange(hibernated, { action: 'resume' }, LOCAL_HUB_RELEASES).plan
        .hibernated,
    ).toBe(false);
    expect(() =>
      planChange(
        hibernated,
        { action: 'scale', pool: 'workers', replicas: 3 },
        LOCAL_HUB_RELEASES,
      ),
    ).toThrow(/hibernated; resume it before 'scale'/);
    expect(() =>
      planChange(cluster(), { action: 'resume' }, LOCAL_HUB_RELEASES),
    ).toThrow(/is not hibernated/);
    expect(
      planChange(
        hibernated,
        { action: 'protect', deletionProtection: true },
        LOCAL_HUB_RELEASES,
      ).plan,
    ).toMatchObject({
      hibernated: true,
      spec: { deletionProtection: true },
    });
  });

  it('operates only clusters Hostplane created, and not while they are deleted', () => {
    expect(() =>
      planChange(
        cluster({ spec: undefined }),
        { action: 'hibernate' },
        LOCAL_HUB_RELEASES,
      ),
    ).toThrow(/was not created by Hostplane/);
    expect(() =>
      planChange(
        cluster({ phase: 'Deleting' }),
        { action: 'hibernate' },
        LOCAL_HUB_RELEASES,
      ),
    ).toThrow(/is being deleted/);
  });
});

describe('planDelete', () => {
  it('deletes pools, then the control plane, then the secrets; refused under deletion protection', () => {
    expect(planDelete(cluster()).steps).toEqual([
      'deleteNodePools',
      'deleteControlPlane',
      'deleteSecrets',
    ]);
    expect(() =>
      planDelete(cluster({ spec: { ...spec, deletionProtection: true } })),
    ).toThrow(
      new ConflictError(
        "Cluster 'payments' has deletion protection on; turn it off before deleting",
      ),
    );
  });
});

describe('etcd operations', () => {
  const now = new Date('2026-12-08T10:00:00Z');
  const alice = {
    requestedBy: 'user:default/alice',
    trigger: 'manual' as const,
  };
  const backupId = '20261208T101500Z-a1b2c3';

  it('backs up with who asked and why, also while hibernated', () => {
    expect(
      planChange(
        cluster(),
        { action: 'backup' },
        LOCAL_HUB_RELEASES,
        now,
        alice,
      ),
    ).toMatchObject({
      type: 'backup',
      steps: ['takeBackup', 'pruneBackups'],
      plan: { etcd: alice, spec, hibernated: false },
    });
    expect(
      planChange(
        cluster({ phase: 'Hibernated' }),
        { action: 'backup' },
        LOCAL_HUB_RELEASES,
        now,
        { requestedBy: 'hostplane', trigger: 'schedule' },
      ).plan,
    ).toMatchObject({
      hibernated: true,
      etcd: { requestedBy: 'hostplane', trigger: 'schedule' },
    });
  });

  it('configures the schedule and retention in the spec', () => {
    const planned = planChange(
      cluster(),
      {
        action: 'configureBackups',
        backup: { schedule: '*/15 * * * *', retention: 3 },
      },
      LOCAL_HUB_RELEASES,
    );
    expect(planned.steps).toEqual(['applyControlPlane']);
    expect(planned.plan.spec.etcd).toEqual({
      ...spec.etcd,
      backup: { schedule: '*/15 * * * *', retention: 3 },
    });
  });

  it('restores in place only with the name typed, naming the backup and one request a resumed run repeats', () => {
    expect(
      issuesOf(() =>
        planChange(
          cluster(),
          { action: 'restore', backupId, confirmName: 'payment' },
          LOCAL_HUB_RELEASES,
        ),
      ),
    ).toEqual([
      {
        path: ['confirmName'],
        message:
          "confirmName must be the cluster's name, 'payments', typed to confirm rolling its etcd back",
      },
    ]);
    const planned = planChange(
      cluster(),
      { action: 'restore', backupId, confirmName: 'payments' },
      LOCAL_HUB_RELEASES,
      now,
      alice,
    );
    expect(planned.steps).toEqual([
      'verifyBackup',
      'requestEtcdRestore',
      'waitEtcdRestored',
      'waitControlPlane',
    ]);
    expect(planned.plan.etcd).toEqual({
      ...alice,
      restore: {
        source: {
          hub: 'local',
          namespace: 'tenants-team-a',
          cluster: 'payments',
          backupId,
        },
        requestId: expect.stringMatching(/^[0-9a-z]+-[0-9a-f]{8}$/),
      },
    });
    expect(() =>
      planChange(
        cluster({ phase: 'Hibernated' }),
        { action: 'restore', backupId, confirmName: 'payments' },
        LOCAL_HUB_RELEASES,
      ),
    ).toThrow(/hibernated; resume it before 'restore'/);
  });

  it('replaces a member only in a HighlyAvailable cluster', () => {
    expect(() =>
      planChange(
        cluster(),
        { action: 'replaceEtcdMember', member: 1 },
        LOCAL_HUB_RELEASES,
      ),
    ).toThrow(ConflictError);
    const ha = cluster({ spec: { ...spec, availability: 'HighlyAvailable' } });
    expect(
      planChange(
        ha,
        { action: 'replaceEtcdMember', member: 1 },
        LOCAL_HUB_RELEASES,
      ).plan.etcd,
    ).toMatchObject({ member: 1 });
    expect(
      issuesOf(() =>
        planChange(
          ha,
          { action: 'replaceEtcdMember', member: 3 },
          LOCAL_HUB_RELEASES,
        ),
      )[0].path,
    ).toEqual(['member']);
  });

  it('creates a cluster from a backup: the backup is verified before anything is made', () => {
    const source = {
      hub: 'local',
      namespace: 'tenants-team-a',
      cluster: 'payments',
      backupId,
    };
    const restored = {
      ...spec,
      name: 'payments-copy',
      restoreFrom: { hub: 'local', cluster: 'payments', backupId },
    };
    const planned = planCreate(
      restored,
      'tenants-team-a',
      undefined,
      LOCAL_HUB_RELEASES,
      { source, requester: alice },
    );
    expect(planned.steps).toEqual([
      'verifyBackup',
      'ensureNamespace',
      'ensureSecrets',
      'applyControlPlane',
      'applyNodePools',
      'waitControlPlane',
      'waitNodePools',
    ]);
    expect(planned.plan.etcd).toEqual({ ...alice, restore: { source } });
    expect(() =>
      planCreate(restored, 'tenants-team-a', undefined, LOCAL_HUB_RELEASES),
    ).toThrow(ValidationError);
  });
});
