import {
  CREDENTIALS_ROTATION_ANNOTATION,
  ClusterStatus,
  EtcdMemberHealth,
  NODE_POOL_LABEL,
  NodePoolSpec,
  formatByteSize,
} from '@hostplane/plugin-hostplane-common';
import {
  AuditWebhookEndpoint,
  EtcdAccess,
  HostedControlPlaneProvider,
  HubDefinition,
  OfferedRelease,
  RenderState,
  ServerSideApplier,
} from '@hostplane/plugin-hostplane-node';
import { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { BackupRefusedError } from '../backups/errors';
import { BackupRef } from '../backups/BackupService';
import { HubClusterCache } from '../cache/HubClusterCache';
import { defragmentationPlan } from '../etcd';
import { ClusterEtcd, EtcdServices } from './etcdServices';
import { OperationPlan } from './plan';

/** What a step works with. Every step is idempotent: run twice, it leaves the hub the same. */
export interface StepContext {
  plan: OperationPlan;
  hub: HubDefinition;
  provider: HostedControlPlaneProvider;
  /** The watch-backed cache of the hub's clusters: what the steps read instead of the hub. */
  cache: Pick<HubClusterCache, 'get' | 'objectsOf'>;
  applier: Pick<ServerSideApplier, 'apply'>;
  objects: Pick<KubernetesObjectApi, 'read' | 'delete'>;
  signal: AbortSignal;
  /** Records how the step is getting on (shown with the operation). */
  progress(message: string): Promise<void>;
  /** How long the step's attempt may wait for the hub to converge, in all. */
  waitTimeoutMs: number;
  /**
   * When the attempt's waits give up (milliseconds since the epoch): set once per attempt, so a
   * run again after a transient hub error spends the same budget instead of starting a new one.
   */
  deadline: number;
  /** What the etcd operations work with (backups, the cluster's etcd); absent, their steps fail saying so. */
  etcd?: EtcdServices;
  /** Where the cluster's audit events go (threat detection); absent, its control plane sends none. */
  auditWebhook?: (cluster: {
    hub: string;
    name: string;
  }) => AuditWebhookEndpoint;
}

/** One step of an operation: its title (persisted with the operation, shown as is) and its work. */
export interface Step {
  title: string;
  run(context: StepContext): Promise<void>;
}

/** Thresholds no member is below: a defragmentation asked for takes them all. */
const EVERY_MEMBER = { fragmentationThreshold: 0, minDbSizeBytes: 0 };

/**
 * Every step, by the name operations persist. A step's name and title are part of the API:
 * operations list them, and a resumed operation finds its steps here by name.
 */
export const STEPS = {
  ensureNamespace: {
    title: 'Create the namespace',
    run: async context => {
      await context.applier.apply(rendered(context).filter(isClusterScoped));
    },
  },
  ensureSecrets: {
    title: 'Create the pull secret, SSH key and etcd encryption key',
    run: async context => {
      const { spec, namespace } = context.plan;
      // A cluster made from a backup gets the etcd encryption key its data was written with.
      const restored = await restoredEncryptionKey(context);
      if (context.etcd?.backups.hasStore(context.hub.name)) {
        await context.etcd.backups
          .keysOf(context.hub.name)
          .ensure({ namespace, cluster: spec.name });
      }
      for (const secret of context.provider.secretsFor(context.plan.spec)) {
        const existing = await readOrUndefined(context.objects, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: secret.namespace, name: secret.name },
        });
        // Generated once: a repeat must never replace a key that is already in use.
        if (existing) continue;
        await context.applier.apply([
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              namespace: secret.namespace,
              name: secret.name,
              ...secret.metadata,
            },
            ...(secret.type ? { type: secret.type } : {}),
            stringData:
              restored && restored.name === secret.name
                ? restored.data
                : secret.generate(),
          } as KubernetesObject,
        ]);
      }
    },
  },
  applyControlPlane: {
    title: 'Apply the hosted control plane',
    run: async context => {
      await applyAuditWebhookSecret(context);
      await context.applier.apply(
        controlPlaneObjects(context, {
          etcdRestoreSnapshotURL: restoreSnapshotUrl(context),
        }),
      );
    },
  },
  applyNodePools: {
    title: 'Apply the node pools',
    run: async context => {
      await context.applier.apply(rendered(context).filter(isPoolObject));
    },
  },
  pruneNodePools: {
    title: 'Remove node pools no longer in the spec',
    run: async context => {
      const wanted = new Set(context.plan.spec.nodePools.map(p => p.name));
      const unwanted = clusterObjects(context).filter(
        object =>
          isPoolObject(object) &&
          !wanted.has(object.metadata!.labels![NODE_POOL_LABEL]),
      );
      await deleteAll(context, unwanted);
      await waitUntil(context, 'the removed node pools to go', status => {
        const left = (status?.nodePools ?? []).filter(p => !wanted.has(p.name));
        return left.length === 0
          ? true
          : `removing ${left
              .map(p => `${p.name} (${p.currentReplicas} machines)`)
              .join(', ')}`;
      });
    },
  },
  waitControlPlane: {
    title: 'Wait for the control plane',
    run: async context => {
      const version = context.plan.spec.version;
      await waitUntil(
        context,
        `the control plane to run ${version}`,
        status => {
          if (!status) return 'waiting for the hosted cluster to appear';
          if (status.phase === 'Failed') {
            throw new Error(
              `The control plane failed: ${status.reason ?? ''} ${
                status.message ?? ''
              }`.trim(),
            );
          }
          const available = status.conditions.some(
            c => c.type === 'Available' && c.status === 'True',
          );
          if (
            available &&
            status.version === version &&
            !status.desiredVersion
          ) {
            return true;
          }
          return describe(status);
        },
      );
    },
  },
  waitNodePools: {
    title: 'Wait for the node pools',
    run: async context => {
      const { spec, hibernated } = context.plan;
      await waitUntil(context, 'the node pools', status => {
        if (!status) return 'waiting for the hosted cluster to appear';
        const pending: string[] = [];
        for (const pool of spec.nodePools) {
          const current = status.nodePools.find(p => p.name === pool.name);
          if (!current) {
            pending.push(`${pool.name}: not created yet`);
            continue;
          }
          const machines = current.currentReplicas;
          const sized = hasWantedMachines(pool, machines, hibernated);
          const settled = hibernated
            ? current.phase === 'Hibernated'
            : current.phase === 'Ready';
          const versioned = hibernated || current.version === spec.version;
          if (!sized || !settled || !versioned) {
            const target = hibernated
              ? 0
              : pool.replicas ??
                `${pool.autoscaling!.min}-${pool.autoscaling!.max}`;
            pending.push(
              `${pool.name}: ${machines}/${target} machines, ${current.phase}${
                versioned ? '' : `, at ${current.version ?? 'unknown version'}`
              }${current.reason ? ` (${current.reason})` : ''}`,
            );
          }
        }
        return pending.length === 0 ? true : pending.join('; ');
      });
    },
  },
  waitCredentialsRotated: {
    title: 'Wait for the control plane to replace its CA and admin credential',
    run: async context => {
      const { credentialsRotation, namespace, spec } = context.plan;
      const refs = context.provider.credentialRefs({
        hub: context.hub.name,
        namespace,
        name: spec.name,
      });
      const secrets = [
        { what: 'root CA', ...refs.rootCa },
        { what: 'admin kubeconfig', ...refs.adminKubeconfig },
      ];
      // Secrets are not watched (the cache holds no credentials), so this asks the hub, once a second.
      await pollUntil(
        context,
        'the control plane to replace its credentials',
        async () => {
          const waiting: string[] = [];
          for (const secret of secrets) {
            const found = await readOrUndefined(context.objects, {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { namespace: secret.namespace, name: secret.name },
            });
            if (!found) {
              throw new Error(
                `The control plane has published no ${secret.what} (Secret ${secret.namespace}/${secret.name}); there are no credentials to rotate`,
              );
            }
            const answered =
              found.metadata?.annotations?.[CREDENTIALS_ROTATION_ANNOTATION];
            if (answered !== credentialsRotation) {
              waiting.push(`${secret.what} not yet replaced`);
            }
          }
          return waiting.length === 0 ? true : waiting.join('; ');
        },
        1_000,
      );
    },
  },
  deleteNodePools: {
    title: 'Delete the node pools and wait for their machines to go',
    run: async context => {
      await deleteAll(context, clusterObjects(context).filter(isPoolObject));
      await waitUntil(context, 'the node pools to go', status =>
        !status || status.nodePools.length === 0
          ? true
          : `deleting ${status.nodePools
              .map(p => `${p.name} (${p.currentReplicas} machines)`)
              .join(', ')}`,
      );
    },
  },
  deleteControlPlane: {
    title: 'Delete the hosted control plane and wait for its finalizers',
    run: async context => {
      await deleteAll(context, clusterObjects(context));
      await waitUntil(context, 'the hosted cluster to go', status => {
        if (clusterObjects(context).length === 0) return true;
        return status ? `deleting: ${describe(status)}` : 'deleting';
      });
    },
  },
  deleteSecrets: {
    title: 'Delete the generated secrets',
    run: async context => {
      const secrets = context.provider
        .secretsFor(context.plan.spec)
        .map(({ namespace, name }) => ({ namespace, name }));
      // The audit webhook's credential goes with the cluster: it would let anyone holding it post
      // events as a cluster that no longer exists.
      if (sendsAuditEvents(context)) {
        const { spec } = context.plan;
        const { metadata } = context.provider.auditWebhookSecret!(
          spec,
          context.auditWebhook!({ hub: context.hub.name, name: spec.name }),
        );
        secrets.push({
          namespace: metadata!.namespace!,
          name: metadata!.name!,
        });
      }
      for (const secret of secrets) {
        await deleteIgnoringMissing(context.objects, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: secret,
        });
      }
    },
  },

  takeBackup: {
    title: 'Back up etcd',
    run: async context => {
      const { services, cluster, access, etcd } = etcdOf(context);
      const requester = context.plan.etcd ?? {
        requestedBy: 'hostplane',
        trigger: 'manual' as const,
      };
      await context.progress('opening a snapshot stream from etcd');
      const snapshot = await etcd.snapshot();
      const backup = await services.backups.takeBackup({
        cluster,
        access,
        snapshot,
        trigger: requester.trigger,
        requestedBy: requester.requestedBy,
        progress: context.progress,
      });
      await context.progress(
        `backup ${backup.id}: ${formatByteSize(
          backup.snapshot.sizeBytes,
        )} at revision ${backup.etcd.revision}, verified`,
      );
    },
  },
  pruneBackups: {
    title: 'Delete backups beyond the retention',
    run: async context => {
      const { services, cluster } = etcdOf(context);
      const { deleted } = await services.backups.prune(
        cluster,
        context.plan.spec.etcd.backup.retention,
      );
      await context.progress(
        `kept the newest ${context.plan.spec.etcd.backup.retention}; deleted ${deleted.length}`,
      );
    },
  },
  verifyBackup: {
    title: 'Verify the backup (checksum and decryption)',
    run: async context => {
      const services = requireEtcdServices(context);
      const source = restoreSource(context);
      try {
        const backup = await services.backups.verify(source, context.progress);
        await context.progress(
          `backup ${backup.id} of ${source.cluster}: ${formatByteSize(
            backup.snapshot.sizeBytes,
          )}, checksum ${backup.snapshot.sha256.slice(0, 12)}…, verified`,
        );
      } catch (error) {
        throw refusalOf(error);
      }
    },
  },
  requestEtcdRestore: {
    title: 'Ask the control plane to restore etcd from the backup',
    run: async context => {
      const services = requireEtcdServices(context);
      const request = context.plan.etcd?.restore?.requestId;
      if (!request) throw new Error('The plan names no restore request');
      const current = context.cache.get(
        context.plan.namespace,
        context.plan.spec.name,
      );
      if (current?.etcdRestoredRequest === request) return;
      await context.applier.apply(
        controlPlaneObjects(context, {
          etcdRestoreRequest: {
            id: request,
            url: services.backups.restoreUrl(restoreSource(context)),
          },
        }),
      );
    },
  },
  waitEtcdRestored: {
    title: 'Wait for every etcd member to be restored',
    run: async context => {
      const request = context.plan.etcd?.restore?.requestId;
      await waitUntil(context, 'the etcd restore', status => {
        if (!status) return 'waiting for the hosted cluster';
        if (status.etcdRestoredRequest === request) return true;
        return `restoring: ${describe(status)}`;
      });
      // Done: the request (and its URL) leaves the hub object.
      await context.applier.apply(controlPlaneObjects(context));
    },
  },
  defragmentEtcd: {
    title: 'Defragment etcd, one member at a time, the leader last',
    run: async context => {
      const { etcd } = etcdOf(context);
      const members = await healthyMembers(context, etcd);
      // Every voting member, whatever its fragmentation: the followers first, the leader last.
      for (const member of defragmentationPlan(members, EVERY_MEMBER)) {
        await defragmentMember(context, etcd, member);
      }
    },
  },
  recoverEtcdSpace: {
    title: 'Recover etcd space: compact, defragment each member, clear NOSPACE',
    run: async context => {
      const { etcd } = etcdOf(context);
      const before = await etcd.members();
      const revision = await etcd.revision();
      await context.progress(`compacting to revision ${revision}`);
      try {
        await etcd.compact(revision);
      } catch (error) {
        // Compacted there already (a run again): what is left is to defragment.
        if (!/compacted/i.test((error as Error).message)) throw error;
      }
      for (const member of followersThenLeader(before)) {
        if (!member.reachable) {
          throw new Error(
            `etcd member ${member.pod} is unreachable (${
              member.error ?? 'no answer'
            }); its space cannot be recovered`,
          );
        }
        await defragmentMember(context, etcd, member);
      }
      await etcd.disarm('NOSPACE');
      const after = await etcd.members();
      const freed =
        totalSize(before) - totalSize(after.filter(m => m.reachable));
      const alarms = after.flatMap(m => m.alarms);
      if (alarms.includes('NOSPACE')) {
        throw new Error(
          'etcd raised NOSPACE again: its data fills the quota even compacted; raise the quota or delete data',
        );
      }
      await context.progress(
        `freed ${formatByteSize(Math.max(0, freed))} (${formatByteSize(
          totalSize(before),
        )} → ${formatByteSize(totalSize(after))} over ${
          after.length
        } members); NOSPACE cleared`,
      );
    },
  },
  replaceEtcdMember: {
    title: 'Replace the etcd member and wait for it to sync',
    run: async context => {
      const { etcd, access } = etcdOf(context);
      const index = context.plan.etcd?.member ?? 0;
      const pod = access.pods[index];
      if (!pod) throw new Error(`The cluster has no etcd member ${index}`);
      const members = await etcd.members();
      const others = members.filter(m => m.pod !== pod);
      const healthyOthers = others.filter(m => m.reachable && !m.error);
      if (healthyOthers.length < Math.floor(access.pods.length / 2) + 1) {
        throw new Error(
          `Replacing ${pod} would lose quorum: only ${healthyOthers.length} of the other members are healthy`,
        );
      }
      const replaced = members.find(m => m.pod === pod);
      if (replaced?.id) {
        await context.progress(`removing member ${pod} from etcd`);
        await etcd.memberRemove(replaced.id);
      }
      await context.progress(
        `deleting pod ${pod} so a fresh member replaces it`,
      );
      await deleteIgnoringMissing(context.objects, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: access.namespace, name: pod },
      });
      await pollUntil(
        context,
        `the new member ${pod} to join and sync`,
        async () => {
          const now = await etcd.members();
          const fresh = now.find(m => m.pod === pod);
          if (!fresh?.reachable) return `${pod}: not answering yet`;
          if (fresh.learner) return `${pod}: syncing as a learner`;
          if (fresh.id && fresh.id === replaced?.id) {
            return `${pod}: still the removed member`;
          }
          const unhealthy = now.filter(m => !m.reachable || m.error);
          if (unhealthy.length > 0) {
            return `waiting for ${unhealthy.map(m => m.pod).join(', ')}`;
          }
          return true;
        },
        1_000,
      );
    },
  },
} satisfies Record<string, Step>;

export type StepName = keyof typeof STEPS;

/**
 * The cluster's objects as the plan wants them. During an upgrade the control plane moves first:
 * until its pools are applied, they are rendered at the version they run.
 */
function rendered(
  context: StepContext,
  mode: 'control-plane-first' | 'all' = 'all',
  extra: Pick<
    RenderState,
    'etcdRestoreSnapshotURL' | 'etcdRestoreRequest'
  > = {},
): KubernetesObject[] {
  const { spec, poolVersion, hibernated, credentialsRotation } = context.plan;
  const release = (version: string): OfferedRelease => {
    const found = context.hub.releases.find(r => r.version === version);
    if (!found) {
      throw new Error(
        `hub '${context.hub.name}' no longer offers ${version}; add it back to hostplane.hubs[].releases to finish this operation`,
      );
    }
    return found;
  };
  const poolRelease = release(
    mode === 'control-plane-first' && poolVersion ? poolVersion : spec.version,
  );
  return context.provider.render(
    spec,
    {
      controlPlane: release(spec.version),
      nodePools: Object.fromEntries(
        spec.nodePools.map(p => [p.name, poolRelease]),
      ),
    },
    {
      hibernated,
      credentialsRotation,
      auditWebhook: sendsAuditEvents(context),
      ...extra,
    },
  );
}

function sendsAuditEvents(context: StepContext): boolean {
  return Boolean(context.auditWebhook && context.provider.auditWebhookSecret);
}

/**
 * The Secret the control plane's audit webhook reads, before the control plane that names it.
 * Applied on every run: its token is derived, so it only changes when the webhook's key does.
 */
async function applyAuditWebhookSecret(context: StepContext): Promise<void> {
  if (!sendsAuditEvents(context)) return;
  const { spec } = context.plan;
  await context.applier.apply([
    context.provider.auditWebhookSecret!(
      spec,
      context.auditWebhook!({ hub: context.hub.name, name: spec.name }),
    ),
  ]);
}

/** The control plane's objects: neither cluster-scoped nor a pool's. */
function controlPlaneObjects(
  context: StepContext,
  extra: Pick<
    RenderState,
    'etcdRestoreSnapshotURL' | 'etcdRestoreRequest'
  > = {},
): KubernetesObject[] {
  return rendered(context, 'control-plane-first', extra).filter(
    object => !isClusterScoped(object) && !isPoolObject(object),
  );
}

function isClusterScoped(object: KubernetesObject): boolean {
  return !object.metadata?.namespace;
}

function isPoolObject(object: KubernetesObject): boolean {
  return Boolean(object.metadata?.labels?.[NODE_POOL_LABEL]);
}

/** Whether a pool runs as many machines as the plan wants: none while hibernated. */
function hasWantedMachines(
  pool: NodePoolSpec,
  machines: number,
  hibernated: boolean,
): boolean {
  if (hibernated) return machines === 0;
  if (pool.autoscaling) {
    return machines >= pool.autoscaling.min && machines <= pool.autoscaling.max;
  }
  return machines === pool.replicas;
}

function clusterObjects(context: StepContext): KubernetesObject[] {
  return context.cache.objectsOf(
    context.plan.namespace,
    context.plan.spec.name,
  );
}

function describe(status: ClusterStatus): string {
  return [status.phase, status.reason, status.message]
    .filter(Boolean)
    .join(': ');
}

async function readOrUndefined(
  client: StepContext['objects'],
  object: KubernetesObject,
): Promise<KubernetesObject | undefined> {
  try {
    return await client.read(object as never);
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

async function deleteIgnoringMissing(
  client: StepContext['objects'],
  object: KubernetesObject,
): Promise<void> {
  try {
    await client.delete({
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: object.metadata!.name,
        namespace: object.metadata!.namespace,
      },
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
}

async function deleteAll(context: StepContext, objects: KubernetesObject[]) {
  for (const object of objects) {
    if (!object.metadata?.deletionTimestamp) {
      await deleteIgnoringMissing(context.objects, object);
    }
  }
}

/**
 * Waits on the watch-backed cache (no request to the hub) until `check` says the cluster is where
 * it should be; its other answers are the progress shown meanwhile.
 */
function waitUntil(
  context: StepContext,
  what: string,
  check: (status: ClusterStatus | undefined) => true | string,
): Promise<void> {
  return pollUntil(
    context,
    what,
    async () =>
      check(context.cache.get(context.plan.namespace, context.plan.spec.name)),
    250,
  );
}

/** Asks `probe` until it says true, reporting its other answers as progress, within the timeout. */
async function pollUntil(
  context: StepContext,
  what: string,
  probe: () => Promise<true | string>,
  intervalMs: number,
): Promise<void> {
  let reported = '';
  for (;;) {
    context.signal.throwIfAborted();
    const result = await probe();
    if (result === true) return;
    if (result !== reported) {
      reported = result;
      await context.progress(result);
    }
    if (Date.now() > context.deadline) {
      throw new Error(
        `Timed out after ${Math.round(
          context.waitTimeoutMs / 1000,
        )} s waiting for ${what}: ${result}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}

/** The etcd services, or a clear failure where the engine runs without them. */
function requireEtcdServices(context: StepContext): EtcdServices {
  if (!context.etcd) {
    throw new Error(
      'This Hostplane backend runs without etcd operations (no backup store or etcd access configured)',
    );
  }
  return context.etcd;
}

/** The cluster as the cache holds it, where its etcd runs, and a client for it. */
function etcdOf(context: StepContext): {
  services: EtcdServices;
  cluster: ClusterStatus;
  access: EtcdAccess;
  etcd: ClusterEtcd;
} {
  const services = requireEtcdServices(context);
  const cluster = context.cache.get(
    context.plan.namespace,
    context.plan.spec.name,
  );
  if (!cluster) {
    throw new Error(
      `Cluster '${context.plan.spec.name}' is not on hub '${context.hub.name}'`,
    );
  }
  if (!context.provider.etcdAccess) {
    throw new Error(
      `The provider ${context.provider.id} does not say where its etcd runs`,
    );
  }
  const access = context.provider.etcdAccess(cluster);
  return {
    services,
    cluster,
    access,
    etcd: services.etcd(context.hub, access),
  };
}

/** The backup a restore reads: named by the plan (in place) or by the spec (a new cluster). */
function restoreSource(context: StepContext): BackupRef {
  const source = context.plan.etcd?.restore?.source;
  if (!source) throw new Error('The plan names no backup to restore');
  return source;
}

/** A new cluster made from a backup: its first control plane names the snapshot to start from. */
function restoreSnapshotUrl(context: StepContext): string | undefined {
  const restore = context.plan.etcd?.restore;
  if (!restore || restore.requestId || !context.plan.spec.restoreFrom) {
    return undefined;
  }
  return requireEtcdServices(context).backups.restoreUrl(restore.source);
}

/** The etcd encryption-key Secret a new cluster made from a backup takes over, if it was saved. */
async function restoredEncryptionKey(
  context: StepContext,
): Promise<{ name: string; data: Record<string, string> } | undefined> {
  const restore = context.plan.etcd?.restore;
  if (!restore || restore.requestId || !context.provider.etcdAccess) {
    return undefined;
  }
  const data = await requireEtcdServices(context).backups.savedEncryptionKey(
    restore.source,
  );
  if (!data) return undefined;
  const { spec, namespace } = context.plan;
  const access = context.provider.etcdAccess({
    hub: context.hub.name,
    name: spec.name,
    namespace,
    owner: spec.owner,
    phase: 'Provisioning',
    availability: spec.availability,
    nodePools: [],
    conditions: [],
    deletionProtection: spec.deletionProtection,
    labels: spec.labels,
    spec,
  });
  return { name: access.encryptionKeySecret.name, data };
}

/** A refused backup's error, its cause named first. */
function refusalOf(error: unknown): Error {
  if (!(error instanceof BackupRefusedError)) return error as Error;
  const cause: Record<string, string> = {
    WrongBackupKeyError:
      'The backup is encrypted with a key this cluster does not hold',
    CorruptedBackupError: 'The backup is corrupted',
    TruncatedBackupError: 'The backup is truncated',
  };
  return new Error(
    `${cause[error.name] ?? 'The backup is refused'}; nothing was restored: ${
      error.message
    }`,
  );
}

/** Every member, all of them answering: maintenance starts only on a healthy etcd. */
async function healthyMembers(
  context: StepContext,
  etcd: ClusterEtcd,
): Promise<EtcdMemberHealth[]> {
  let members: EtcdMemberHealth[] = [];
  await pollUntil(
    context,
    'every etcd member to answer',
    async () => {
      members = await etcd.members();
      const down = members.filter(m => !m.reachable || m.error);
      return down.length === 0
        ? true
        : `waiting for ${down
            .map(m => `${m.pod} (${m.error ?? 'unreachable'})`)
            .join(', ')}`;
    },
    1_000,
  );
  return members;
}

/** Defragments one member, then waits until every member answers again. */
async function defragmentMember(
  context: StepContext,
  etcd: ClusterEtcd,
  member: EtcdMemberHealth,
): Promise<void> {
  await context.progress(
    `defragmenting ${member.pod}${member.leader ? ' (the leader)' : ''}: ${
      member.dbSizeBytes === undefined
        ? ''
        : `${formatByteSize(member.dbSizeBytes)}, ${formatByteSize(
            member.dbSizeInUseBytes ?? 0,
          )} in use`
    }`,
  );
  await etcd.defragment(member.pod);
  const after = await healthyMembers(context, etcd);
  const now = after.find(m => m.pod === member.pod);
  await context.progress(
    `defragmented ${member.pod}: ${formatByteSize(
      member.dbSizeBytes ?? 0,
    )} → ${formatByteSize(now?.dbSizeBytes ?? 0)}`,
  );
}

/** Followers first, the leader last: defragmenting blocks a member, and the leader's block costs most. */
export function followersThenLeader(
  members: EtcdMemberHealth[],
): EtcdMemberHealth[] {
  return [...members.filter(m => !m.leader), ...members.filter(m => m.leader)];
}

function totalSize(members: EtcdMemberHealth[]): number {
  return members.reduce((sum, m) => sum + (m.dbSizeBytes ?? 0), 0);
}
