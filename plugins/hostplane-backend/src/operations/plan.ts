import { randomBytes } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  BackupTrigger,
  ClusterChange,
  ClusterSpec,
  ClusterStatus,
  MAX_NODE_POOLS,
  OperationType,
  clusterSpecSchema,
  upgradeRefusal,
} from '@hostplane/plugin-hostplane-common';
import { OfferedRelease } from '@hostplane/plugin-hostplane-node';
import type { BackupRef } from '../backups/BackupService';
import { ValidationError } from '../service/ValidationError';
import { StepName } from './steps';

/** What an operation converges the cluster to; persisted with it so a resumed run aims at the same. */
export interface OperationPlan {
  namespace: string;
  spec: ClusterSpec;
  hibernated: boolean;
  /** During an upgrade: the version the pools stay at until the control plane has moved. */
  poolVersion?: string;
  /** The last credential rotation asked for; a rotation plans a new one. */
  credentialsRotation?: string;
  /** What the etcd operations need beyond the spec. */
  etcd?: EtcdPlan;
}

/** Who asks for an etcd operation and why: recorded with the backups it takes. */
export interface EtcdRequester {
  requestedBy: string;
  trigger: BackupTrigger;
}

export interface EtcdPlan extends EtcdRequester {
  /**
   * A restore: the backup, named in full; in place, also the id of the request the control plane
   * answers (made at planning, so a resumed operation asks the same and does not restore twice).
   * Without a request id, the cluster is being created from the backup.
   */
  restore?: { source: BackupRef; requestId?: string };
  /** A member replaced: its index (`etcd-<i>`). */
  member?: number;
}

export interface PlannedOperation {
  type: OperationType;
  plan: OperationPlan;
  steps: StepName[];
}

/** The steps of each operation, in order. */
export const OPERATION_STEPS: Record<OperationType, StepName[]> = {
  create: [
    'ensureNamespace',
    'ensureSecrets',
    'applyControlPlane',
    'applyNodePools',
    'waitControlPlane',
    'waitNodePools',
  ],
  scale: ['applyControlPlane', 'applyNodePools', 'waitNodePools'],
  autoscale: ['applyControlPlane', 'applyNodePools', 'waitNodePools'],
  addPool: ['applyControlPlane', 'applyNodePools', 'waitNodePools'],
  removePool: ['applyControlPlane', 'pruneNodePools'],
  upgrade: [
    'applyControlPlane',
    'waitControlPlane',
    'applyNodePools',
    'waitNodePools',
  ],
  hibernate: ['applyNodePools', 'waitNodePools'],
  resume: ['applyNodePools', 'waitNodePools'],
  protect: ['applyControlPlane'],
  rotateCredentials: ['applyControlPlane', 'waitCredentialsRotated'],
  delete: ['deleteNodePools', 'deleteControlPlane', 'deleteSecrets'],
  backup: ['takeBackup', 'pruneBackups'],
  configureBackups: ['applyControlPlane'],
  restore: [
    'verifyBackup',
    'requestEtcdRestore',
    'waitEtcdRestored',
    'waitControlPlane',
  ],
  defragment: ['defragmentEtcd'],
  recoverEtcdSpace: ['recoverEtcdSpace'],
  replaceEtcdMember: ['replaceEtcdMember'],
};

/**
 * A cluster created from a backup: the backup is verified before anything is created, then the
 * control plane starts from it (HyperShift's `restoreSnapshotURL`).
 */
export const CREATE_FROM_BACKUP_STEPS: StepName[] = [
  'verifyBackup',
  ...OPERATION_STEPS.create,
];

/** A hibernated cluster's control plane still runs: it is resumed, protected and backed up. */
const TAKEN_WHILE_HIBERNATED = new Set<ClusterChange['action']>([
  'resume',
  'protect',
  'backup',
  'configureBackups',
]);

/** The request a change makes when nobody says otherwise: the system, by hand. */
const SYSTEM_REQUESTER: EtcdRequester = {
  requestedBy: 'hostplane',
  trigger: 'manual',
};

/** Plans creating a cluster; refuses a name in use or a version the hub does not offer. */
export function planCreate(
  spec: ClusterSpec,
  namespace: string,
  existing: ClusterStatus | undefined,
  releases: OfferedRelease[],
  /** For a cluster made from a backup: that backup, named in full, and who asks. */
  restore?: { source: BackupRef; requester: EtcdRequester },
): PlannedOperation {
  if (existing) {
    // Not whose it is: the caller may not be allowed to see that (the form's name field says it
    // to those who may).
    throw new ConflictError(
      `A cluster named '${spec.name}' already exists on hub '${spec.hub}'`,
    );
  }
  requireOffered(spec.version, releases, ['version']);
  if (spec.restoreFrom && !restore) {
    throw new ValidationError([
      { path: ['restoreFrom'], message: 'the backup to restore is not known' },
    ]);
  }
  return {
    type: 'create',
    plan: {
      namespace,
      spec,
      hibernated: false,
      ...(spec.restoreFrom && restore
        ? {
            etcd: { ...restore.requester, restore: { source: restore.source } },
          }
        : {}),
    },
    steps: spec.restoreFrom ? CREATE_FROM_BACKUP_STEPS : OPERATION_STEPS.create,
  };
}

/** Plans deleting a cluster; refused while deletion protection is on. */
export function planDelete(current: ClusterStatus): PlannedOperation {
  const spec = managedSpec(current);
  if (spec.deletionProtection) {
    throw new ConflictError(
      `Cluster '${current.name}' has deletion protection on; turn it off before deleting`,
    );
  }
  return {
    type: 'delete',
    plan: {
      namespace: current.namespace,
      spec,
      hibernated: current.phase === 'Hibernated',
      credentialsRotation: current.credentialsRotatedAt,
    },
    steps: OPERATION_STEPS.delete,
  };
}

/** Plans one change to an existing cluster: the spec it leads to and the steps that get there. */
export function planChange(
  current: ClusterStatus,
  change: ClusterChange,
  releases: OfferedRelease[],
  now: Date = new Date(),
  requester: EtcdRequester = SYSTEM_REQUESTER,
): PlannedOperation {
  const spec = managedSpec(current);
  const hibernated = current.phase === 'Hibernated';
  if (current.phase === 'Deleting') {
    throw new ConflictError(`Cluster '${current.name}' is being deleted`);
  }
  if (hibernated && !TAKEN_WHILE_HIBERNATED.has(change.action)) {
    throw new ConflictError(
      `Cluster '${current.name}' is hibernated; resume it before '${change.action}'`,
    );
  }
  const planned = (next: ClusterSpec, extra: Partial<OperationPlan> = {}) => ({
    type: change.action,
    plan: {
      namespace: current.namespace,
      spec: validated(next),
      hibernated: false,
      credentialsRotation: current.credentialsRotatedAt,
      ...extra,
    },
    steps: OPERATION_STEPS[change.action],
  });

  switch (change.action) {
    case 'scale':
      requirePool(spec, change.pool);
      return planned(
        withPool(spec, change.pool, pool => ({
          ...pool,
          replicas: change.replicas,
          autoscaling: undefined,
        })),
      );
    case 'autoscale':
      requirePool(spec, change.pool);
      return planned(
        withPool(spec, change.pool, pool => ({
          ...pool,
          replicas: undefined,
          autoscaling: change.autoscaling,
        })),
      );
    case 'addPool':
      if (spec.nodePools.some(p => p.name === change.nodePool.name)) {
        throw new ValidationError([
          {
            path: ['nodePool', 'name'],
            message: `node pool '${change.nodePool.name}' already exists`,
          },
        ]);
      }
      if (spec.nodePools.length >= MAX_NODE_POOLS) {
        throw new ValidationError([
          {
            path: ['nodePool'],
            message: `a cluster has at most ${MAX_NODE_POOLS} node pools`,
          },
        ]);
      }
      return planned({
        ...spec,
        nodePools: [...spec.nodePools, change.nodePool],
      });
    case 'removePool':
      requirePool(spec, change.pool);
      if (spec.nodePools.length === 1) {
        throw new ValidationError([
          { path: ['pool'], message: 'the last node pool cannot be removed' },
        ]);
      }
      return planned({
        ...spec,
        nodePools: spec.nodePools.filter(p => p.name !== change.pool),
      });
    case 'upgrade':
      checkUpgrade(current, spec.version, change.version, releases);
      return planned(
        { ...spec, version: change.version },
        { poolVersion: spec.version },
      );
    case 'hibernate':
      return planned(spec, { hibernated: true });
    case 'resume':
      if (!hibernated) {
        throw new ConflictError(`Cluster '${current.name}' is not hibernated`);
      }
      return planned(spec);
    case 'protect':
      return planned(
        { ...spec, deletionProtection: change.deletionProtection },
        { hibernated },
      );
    case 'rotateCredentials':
      if (current.phase !== 'Ready' && current.phase !== 'Degraded') {
        throw new ConflictError(
          `Cluster '${current.name}' is ${current.phase}; its credentials can be rotated when it is Ready (or Degraded)`,
        );
      }
      // The request's time names it: recorded on the HostedCluster, it is when they were rotated.
      return planned(spec, { credentialsRotation: now.toISOString() });
    case 'backup':
      return planned(spec, { hibernated, etcd: { ...requester } });
    case 'defragment':
    case 'recoverEtcdSpace':
      return planned(spec, { etcd: { ...requester } });
    case 'configureBackups':
      return planned(
        { ...spec, etcd: { ...spec.etcd, backup: change.backup } },
        { hibernated },
      );
    case 'restore':
      if (change.confirmName !== current.name) {
        throw new ValidationError([
          {
            path: ['confirmName'],
            message: `confirmName must be the cluster's name, '${current.name}', typed to confirm rolling its etcd back`,
          },
        ]);
      }
      return planned(spec, {
        etcd: {
          ...requester,
          restore: {
            source: {
              hub: current.hub,
              namespace: current.namespace,
              cluster: current.name,
              backupId: change.backupId,
            },
            requestId: `${now.getTime().toString(36)}-${randomBytes(4).toString(
              'hex',
            )}`,
          },
        },
      });
    case 'replaceEtcdMember': {
      if (spec.availability !== 'HighlyAvailable') {
        throw new ConflictError(
          `Cluster '${current.name}' runs one etcd member (${spec.availability}); a member can be replaced only in a HighlyAvailable cluster, where the others keep quorum`,
        );
      }
      if (change.member > 2) {
        throw new ValidationError([
          {
            path: ['member'],
            message: `cluster '${current.name}' has etcd members 0 to 2`,
          },
        ]);
      }
      return planned(spec, { etcd: { ...requester, member: change.member } });
    }
    default:
      throw new InputError(`Unknown change`);
  }
}

/**
 * Refuses a version the hub does not offer and an upgrade the version rules refuse: staying at
 * the same version is a conflict with the cluster's state, the others are bad input.
 */
export function checkUpgrade(
  current: ClusterStatus,
  from: string,
  to: string,
  releases: OfferedRelease[],
): void {
  requireOffered(to, releases, ['version']);
  const refusal = upgradeRefusal(current, from, to);
  if (refusal?.rule === 'sameVersion') {
    throw new ConflictError(refusal.message);
  }
  if (refusal) {
    throw new ValidationError([
      { path: ['version'], message: refusal.message },
    ]);
  }
}

/** Clusters made outside Hostplane (no spec on the HostedCluster) are shown but not operated. */
function managedSpec(current: ClusterStatus): ClusterSpec {
  if (!current.spec) {
    throw new ConflictError(
      `Cluster '${current.name}' was not created by Hostplane (it carries no spec); it can be viewed but not changed here`,
    );
  }
  return current.spec;
}

function requireOffered(
  version: string,
  releases: OfferedRelease[],
  path: Array<string | number>,
): void {
  if (!releases.some(r => r.version === version)) {
    throw new ValidationError([
      {
        path,
        message: `version ${version} is not offered by this hub (offered: ${releases
          .map(r => r.version)
          .join(', ')})`,
      },
    ]);
  }
}

function requirePool(spec: ClusterSpec, name: string): void {
  if (!spec.nodePools.some(p => p.name === name)) {
    throw new NotFoundError(
      `Cluster '${
        spec.name
      }' has no node pool '${name}' (pools: ${spec.nodePools
        .map(p => p.name)
        .join(', ')})`,
    );
  }
}

function withPool(
  spec: ClusterSpec,
  name: string,
  change: (
    pool: ClusterSpec['nodePools'][number],
  ) => ClusterSpec['nodePools'][number],
): ClusterSpec {
  return {
    ...spec,
    nodePools: spec.nodePools.map(p =>
      p.name === name ? dropUndefined(change(p)) : p,
    ),
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

function validated(spec: ClusterSpec): ClusterSpec {
  const result = clusterSpecSchema.safeParse(spec);
  if (!result.success) {
    throw ValidationError.fromZod(result.error);
  }
  return result.data;
}
