import { KubernetesObject } from '@kubernetes/client-node';
import {
  ClusterCondition,
  ClusterPhase,
  ClusterSpec,
  ClusterStatus,
  ETCD_RESTORED_ANNOTATION,
  ETCD_RESTORE_REQUEST_ANNOTATION,
  HIBERNATED_REPLICAS_ANNOTATION,
  HOSTPLANE_KEY_PREFIX,
  NODE_POOL_LABEL,
  NodePoolPhase,
  NodePoolStatus,
  OWNER_LABEL,
  OWNER_REF_ANNOTATION,
  ROTATE_CREDENTIALS_ANNOTATION,
  SPEC_ANNOTATION,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';

/**
 * A cluster's status from its HostedCluster and NodePools as the hub's API server returns them,
 * with status written by HyperShift's operators (or the local hub's stand-ins for them).
 */

/** A condition as the API server returns it; the watch may hand times over as Dates. */
interface UpstreamCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
}

interface HistoryEntry {
  state: 'Partial' | 'Completed';
  version: string;
}

type HostedCluster = KubernetesObject & {
  spec?: { controllerAvailabilityPolicy?: string };
  status?: {
    conditions?: UpstreamCondition[];
    controlPlaneEndpoint?: { host?: string; port?: number };
    version?: {
      desired?: { version?: string };
      /** Newest first, as in OpenShift's ClusterVersion. */
      history?: HistoryEntry[] | null;
    };
  };
};

type NodePool = KubernetesObject & {
  spec?: {
    clusterName?: string;
    replicas?: number;
    autoScaling?: { min: number; max: number };
    platform?: {
      kubevirt?: {
        compute?: { cores?: number; memory?: string | number };
        rootVolume?: { persistent?: { size?: string | number } };
      };
    };
  };
  status?: {
    replicas?: number;
    version?: string;
    conditions?: UpstreamCondition[];
  };
};

/** Copies the fields of `from` named in `keys` that it has. */
function pick<T extends object>(from: T | undefined, keys: Array<keyof T>) {
  if (!from) return undefined;
  const picked: Partial<T> = {};
  for (const key of keys) {
    if (from[key] !== undefined) picked[key] = from[key];
  }
  return picked;
}

/**
 * The part of a HostedCluster or NodePool that `clusterStatus` reads (the fields of the types
 * above) and that deleting it needs (its metadata), so that the cache keeps that and lets go of
 * the rest: most of a HostedCluster's spec and status is platform detail no page shows.
 */
export function retainForStatus(object: KubernetesObject): KubernetesObject {
  const { apiVersion, kind, metadata } = object;
  if (kind === 'HostedCluster') {
    const { spec, status } = object as HostedCluster;
    return {
      apiVersion,
      kind,
      metadata: withoutRestoreRequest(metadata),
      spec: pick(spec, ['controllerAvailabilityPolicy']),
      status: pick(status, ['conditions', 'controlPlaneEndpoint', 'version']),
    } as HostedCluster;
  }
  if (kind === 'NodePool') {
    const { spec, status } = object as NodePool;
    const kubevirt = spec?.platform?.kubevirt;
    return {
      apiVersion,
      kind,
      metadata,
      spec: spec && {
        ...pick(spec, ['clusterName', 'replicas', 'autoScaling']),
        ...(kubevirt && {
          platform: { kubevirt: pick(kubevirt, ['compute', 'rootVolume']) },
        }),
      },
      status: pick(status, ['replicas', 'version', 'conditions']),
    } as NodePool;
  }
  return object;
}

/**
 * The metadata without an in-place restore request: it carries a signed snapshot URL, which the
 * cache (and so every status and log line made from it) never holds.
 */
function withoutRestoreRequest(
  metadata: KubernetesObject['metadata'],
): KubernetesObject['metadata'] {
  if (!metadata?.annotations?.[ETCD_RESTORE_REQUEST_ANNOTATION]) {
    return metadata;
  }
  const { [ETCD_RESTORE_REQUEST_ANNOTATION]: _request, ...annotations } =
    metadata.annotations;
  return { ...metadata, annotations };
}

/** A phase and the upstream condition that decided it, if one did. */
interface Verdict<P> {
  phase: P;
  reason?: string;
  message?: string;
}

function decidedBy<P>(
  phase: P,
  condition: UpstreamCondition | undefined,
): Verdict<P> {
  return { phase, reason: condition?.reason, message: condition?.message };
}

function timestamp(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

function mapConditions(
  conditions: UpstreamCondition[] = [],
): ClusterCondition[] {
  return conditions.map(c => ({
    type: c.type,
    status: c.status as ClusterCondition['status'],
    reason: c.reason,
    message: c.message,
    lastTransitionTime: timestamp(c.lastTransitionTime),
  }));
}

function find(
  conditions: UpstreamCondition[] | undefined,
  type: string,
): UpstreamCondition | undefined {
  return conditions?.find(c => c.type === type);
}

/** Gibibytes of a quantity written as `<n>Gi`, the only form Hostplane renders. */
function gibibytes(quantity: string | number | undefined): number | undefined {
  const match =
    typeof quantity === 'string' ? /^(\d+)Gi$/.exec(quantity) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The spec Hostplane applied, from the HostedCluster's annotation. Absent for clusters Hostplane
 * did not create (the seeded ones); a problem when present but unreadable, because the engine
 * cannot plan changes to a cluster whose spec it cannot read.
 */
function readSpec(hostedCluster: HostedCluster): {
  spec?: ClusterSpec;
  problem?: string;
} {
  const raw = hostedCluster.metadata?.annotations?.[SPEC_ANNOTATION];
  if (raw === undefined) {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return {
      problem: `The ${SPEC_ANNOTATION} annotation is not JSON: ${
        (error as Error).message
      }`,
    };
  }
  const parsed = clusterSpecSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map(issue => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return {
      problem: `The ${SPEC_ANNOTATION} annotation is not a valid cluster spec: ${issues}`,
    };
  }
  return { spec: parsed.data };
}

/** Pools whose machines have not come up yet: a new pool, or one still waiting for its status. */
const NOT_UP: NodePoolPhase[] = ['Pending', 'Provisioning'];

function nodePoolPhase(pool: NodePool): Verdict<NodePoolPhase> {
  const conditions = pool.status?.conditions;
  const machines = pool.status?.replicas ?? 0;
  const hibernating =
    pool.metadata?.annotations?.[HIBERNATED_REPLICAS_ANNOTATION] !==
      undefined && pool.spec?.replicas === 0;
  if (pool.metadata?.deletionTimestamp) {
    return { phase: 'Deleting' };
  }
  if (hibernating) {
    // Hibernated once the machines are gone; until then it is scaling down.
    return { phase: machines === 0 ? 'Hibernated' : 'Scaling' };
  }
  if (!conditions || conditions.length === 0) {
    return { phase: 'Pending' };
  }
  const ready = find(conditions, 'Ready');
  if (ready?.status !== 'True') {
    // Not ready before its machines ever came up (HyperShift records the pool's version once they
    // all have) is a pool coming up; after, one that went wrong, for the reason its machines
    // give when they are not ready (which also names them), else the pool's own.
    if (machines === 0 && pool.status?.version === undefined) {
      return decidedBy('Provisioning', ready);
    }
    const machinesReady = find(conditions, 'AllMachinesReady');
    return decidedBy(
      'Degraded',
      machinesReady?.status === 'False' ? machinesReady : ready,
    );
  }
  const updating = conditions.find(
    c =>
      (c.type === 'UpdatingVersion' || c.type === 'UpdatingConfig') &&
      c.status === 'True',
  );
  if (updating) {
    return decidedBy('Updating', updating);
  }
  const autoScaling = pool.spec?.autoScaling;
  const sized = autoScaling
    ? machines >= autoScaling.min && machines <= autoScaling.max
    : machines === (pool.spec?.replicas ?? 0);
  if (!sized) {
    return { phase: 'Scaling' };
  }
  return decidedBy('Ready', ready);
}

function nodePoolStatus(clusterName: string, pool: NodePool): NodePoolStatus {
  const objectName = pool.metadata?.name ?? '';
  const prefix = `${clusterName}-`;
  const hibernatedReplicas =
    pool.metadata?.annotations?.[HIBERNATED_REPLICAS_ANNOTATION];
  const kubevirt = pool.spec?.platform?.kubevirt;
  const { phase, reason, message } = nodePoolPhase(pool);
  return {
    // Pools Hostplane did not create carry no name label; their object name is prefixed.
    name:
      pool.metadata?.labels?.[NODE_POOL_LABEL] ??
      (objectName.startsWith(prefix)
        ? objectName.slice(prefix.length)
        : objectName),
    phase,
    reason,
    message,
    replicas: pool.spec?.replicas,
    autoscaling: pool.spec?.autoScaling && {
      min: pool.spec.autoScaling.min,
      max: pool.spec.autoScaling.max,
    },
    currentReplicas: pool.status?.replicas ?? 0,
    version: pool.status?.version,
    vcpu: kubevirt?.compute?.cores,
    memoryGiB: gibibytes(kubevirt?.compute?.memory),
    diskGiB: gibibytes(kubevirt?.rootVolume?.persistent?.size),
    hibernatedReplicas:
      hibernatedReplicas === undefined ? undefined : Number(hibernatedReplicas),
    conditions: mapConditions(pool.status?.conditions),
  };
}

/**
 * The cluster's phase, first match wins: Deleting, Failed, Hibernated, Pending, Provisioning,
 * Degraded, Updating, Ready.
 */
function clusterPhase(
  hostedCluster: HostedCluster,
  pools: NodePoolStatus[],
  specProblem: string | undefined,
): Verdict<ClusterPhase> {
  const conditions = hostedCluster.status?.conditions ?? [];
  const history = hostedCluster.status?.version?.history ?? [];
  const everCompleted = history.some(entry => entry.state === 'Completed');
  if (hostedCluster.metadata?.deletionTimestamp) {
    return { phase: 'Deleting' };
  }
  const invalid = conditions.find(
    c =>
      (c.type === 'ValidConfiguration' || c.type === 'ValidReleaseImage') &&
      c.status === 'False',
  );
  if (invalid) {
    return decidedBy('Failed', invalid);
  }
  if (specProblem) {
    return { phase: 'Failed', reason: 'InvalidSpec', message: specProblem };
  }
  if (pools.length > 0 && pools.every(p => p.phase === 'Hibernated')) {
    return { phase: 'Hibernated' };
  }
  if (conditions.length === 0) {
    return { phase: 'Pending' };
  }
  const available = find(conditions, 'Available');
  if (available?.status !== 'True' && !everCompleted) {
    return decidedBy('Provisioning', available);
  }
  const degraded = find(conditions, 'Degraded');
  if (degraded?.status === 'True') {
    return decidedBy('Degraded', degraded);
  }
  if (available?.status !== 'True') {
    return decidedBy('Degraded', available);
  }
  // The control plane is up, but a cluster without a single node yet is still being created.
  if (pools.every(p => NOT_UP.includes(p.phase))) {
    const waiting = pools.find(p => p.reason !== undefined);
    return {
      phase: 'Provisioning',
      reason: waiting?.reason,
      message: waiting?.message,
    };
  }
  const degradedPool = pools.find(p => p.phase === 'Degraded');
  if (degradedPool) {
    return {
      phase: 'Degraded',
      reason: degradedPool.reason,
      message: degradedPool.message,
    };
  }
  if (history[0]?.state === 'Partial' && everCompleted) {
    return decidedBy('Updating', find(conditions, 'Progressing'));
  }
  // A pool updating, scaling, or added to a running cluster and still coming up.
  const changingPool = pools.find(p =>
    ['Updating', 'Scaling', ...NOT_UP].includes(p.phase),
  );
  if (changingPool) {
    return {
      phase: 'Updating',
      reason: changingPool.reason,
      message: changingPool.message,
    };
  }
  return decidedBy('Ready', available);
}

/** Labels users gave the cluster, without Hostplane's and the hub's own bookkeeping. */
function userLabels(labels: Record<string, string> = {}) {
  return Object.fromEntries(
    Object.entries(labels).filter(
      ([key]) => !key.startsWith(HOSTPLANE_KEY_PREFIX),
    ),
  );
}

/** The owner's entity ref; the owner label alone names a group (see OWNER_LABEL). */
function ownerRef(hostedCluster: HostedCluster): string {
  const metadata = hostedCluster.metadata;
  const annotated = metadata?.annotations?.[OWNER_REF_ANNOTATION];
  if (annotated) {
    return annotated;
  }
  const label = metadata?.labels?.[OWNER_LABEL];
  return label ? `group:default/${label}` : '';
}

/**
 * One cluster's status from its objects (a HostedCluster and its NodePools). Undefined without a
 * HostedCluster: pools left over from a deleted cluster do not make a cluster.
 */
export function clusterStatus(
  hub: string,
  objects: KubernetesObject[],
): ClusterStatus | undefined {
  const hostedCluster = objects.find(o => o.kind === 'HostedCluster') as
    | HostedCluster
    | undefined;
  if (!hostedCluster) {
    return undefined;
  }
  const name = hostedCluster.metadata?.name ?? '';
  const { spec, problem } = readSpec(hostedCluster);
  const specOrder = (pool: NodePoolStatus) => {
    const index = spec?.nodePools.findIndex(p => p.name === pool.name) ?? -1;
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const nodePools = (
    objects.filter(
      o => o.kind === 'NodePool' && (o as NodePool).spec?.clusterName === name,
    ) as NodePool[]
  )
    .map(pool => nodePoolStatus(name, pool))
    .sort(
      (a, b) => specOrder(a) - specOrder(b) || a.name.localeCompare(b.name),
    );
  const { phase, reason, message } = clusterPhase(
    hostedCluster,
    nodePools,
    problem,
  );
  const status = hostedCluster.status;
  const version = status?.version?.history?.find(
    entry => entry.state === 'Completed',
  )?.version;
  const desired = status?.version?.desired?.version ?? spec?.version;
  const endpoint = status?.controlPlaneEndpoint;
  return {
    hub,
    name,
    namespace: hostedCluster.metadata?.namespace ?? '',
    owner: spec?.owner ?? ownerRef(hostedCluster),
    phase,
    reason,
    message,
    version,
    desiredVersion: desired !== version ? desired : undefined,
    availability:
      spec?.availability ?? hostedCluster.spec?.controllerAvailabilityPolicy,
    endpoint:
      endpoint?.host && endpoint.port
        ? `https://${endpoint.host}:${endpoint.port}`
        : undefined,
    nodePools,
    conditions: mapConditions(status?.conditions),
    deletionProtection: spec?.deletionProtection ?? false,
    labels: spec?.labels ?? userLabels(hostedCluster.metadata?.labels),
    createdAt: timestamp(hostedCluster.metadata?.creationTimestamp),
    spec,
    credentialsRotatedAt:
      hostedCluster.metadata?.annotations?.[ROTATE_CREDENTIALS_ANNOTATION],
    etcdRestoredRequest:
      hostedCluster.metadata?.annotations?.[ETCD_RESTORED_ANNOTATION],
  };
}
