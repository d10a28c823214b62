import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ResponseActionKind,
  ResponseChange,
  ResponseTarget,
} from '@hostplane/plugin-hostplane-common';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { quarantineLabel, quarantinePolicy } from './quarantine';

/**
 * What an action changes in a tenant, from the objects read there: as `ResponseChange`s to record
 * and show, and as the steps that carry them out or undo them. Pure: reading and writing the
 * tenant is the executor's.
 */

/** The workload a pod belongs to that can be scaled: a Deployment, StatefulSet or ReplicaSet. */
export interface ScalableOwner {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
}

/** The objects an action is planned from, as the executor read them from the tenant. */
export interface TenantObjects {
  pod?: V1Pod;
  /** The pod's scalable owner, for `scaleOwnerToZero`. */
  owner?: ScalableOwner;
  /** The binding to remove. */
  binding?: KubernetesObject;
  /** For `applyManifest`: the object to apply, and what is there now, if anything. */
  manifest?: { object: KubernetesObject; current?: KubernetesObject };
}

export interface PlannedAction {
  target?: ResponseTarget;
  changes: ResponseChange[];
  reversible: boolean;
}

/** One write to the tenant or to the engine. */
export type TenantStep =
  | { op: 'apply'; object: KubernetesObject }
  | { op: 'delete'; object: KubernetesObject; gracePeriodSeconds?: number }
  | { op: 'rotateCredentials' };

const REVERSIBLE: Record<ResponseActionKind, boolean> = {
  isolatePod: true,
  terminatePod: false,
  scaleOwnerToZero: true,
  removeBinding: true,
  // The tenant no longer trusts the CA that signed the old certificates.
  revokeKubeconfigs: false,
  applyManifest: true,
};

export function isReversible(kind: ResponseActionKind): boolean {
  return REVERSIBLE[kind];
}

/** An object as it can be applied again: without what the server set on it. */
export function restorable<T extends KubernetesObject>(object: T): T {
  const {
    managedFields: _managedFields,
    resourceVersion: _resourceVersion,
    uid: _uid,
    creationTimestamp: _creationTimestamp,
    generation: _generation,
    selfLink: _selfLink,
    deletionTimestamp: _deletionTimestamp,
    deletionGracePeriodSeconds: _deletionGracePeriodSeconds,
    ownerReferences: _ownerReferences,
    ...metadata
  } = object.metadata ?? {};
  const { status: _status, ...rest } = object as T & { status?: unknown };
  return { ...rest, metadata } as T;
}

/**
 * What is kept of a terminated pod: enough to tell which workload it was, without its
 * environment or command lines, which may hold credentials (a termination is not undone).
 */
function terminatedPodRecord(pod: V1Pod): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.metadata?.name,
      namespace: pod.metadata?.namespace,
      ...(pod.metadata?.labels ? { labels: pod.metadata.labels } : {}),
    },
    spec: {
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      ...(pod.spec?.serviceAccountName
        ? { serviceAccountName: pod.spec.serviceAccountName }
        : {}),
      containers: (pod.spec?.containers ?? []).map(c => ({
        name: c.name,
        image: c.image,
      })),
    },
  };
}

function header(
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
): KubernetesObject {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
  };
}

function targetOf(object: KubernetesObject): ResponseTarget {
  return {
    kind: object.kind ?? '',
    ...(object.metadata?.namespace
      ? { namespace: object.metadata.namespace }
      : {}),
    name: object.metadata?.name ?? '',
  };
}

function requirePod(objects: TenantObjects, target?: ResponseTarget): V1Pod {
  if (!objects.pod) {
    throw new NotFoundError(
      `There is no pod ${target?.namespace ?? ''}/${
        target?.name ?? ''
      } in the cluster`,
    );
  }
  return objects.pod;
}

/**
 * The changes of an action of `kind` on the objects read for it. `actionId` is what the
 * quarantine label's value and the NetworkPolicy's selector name, so that one isolation is undone
 * without touching another.
 */
export function planAction(
  kind: ResponseActionKind,
  actionId: string,
  objects: TenantObjects,
  cluster: { hub: string; name: string },
  target?: ResponseTarget,
): PlannedAction {
  const reversible = REVERSIBLE[kind];
  switch (kind) {
    case 'isolatePod': {
      const pod = requirePod(objects, target);
      const namespace = pod.metadata!.namespace!;
      const name = pod.metadata!.name!;
      const label = quarantineLabel(namespace, name, actionId);
      const policy = quarantinePolicy(namespace, name, actionId);
      return {
        target: { kind: 'Pod', namespace, name },
        reversible,
        changes: [
          {
            operation: 'apply',
            apiVersion: 'v1',
            kind: 'Pod',
            namespace,
            name,
            before: { labels: pod.metadata?.labels ?? {} },
            after: label,
          },
          {
            operation: 'apply',
            apiVersion: policy.apiVersion!,
            kind: policy.kind!,
            namespace,
            name: policy.metadata!.name!,
            after: policy,
          },
        ],
      };
    }
    case 'terminatePod': {
      const pod = requirePod(objects, target);
      return {
        target: targetOf({ ...pod, kind: 'Pod' }),
        reversible,
        changes: [
          {
            operation: 'delete',
            apiVersion: 'v1',
            kind: 'Pod',
            namespace: pod.metadata!.namespace,
            name: pod.metadata!.name!,
            before: terminatedPodRecord(pod),
          },
        ],
      };
    }
    case 'scaleOwnerToZero': {
      const pod = requirePod(objects, target);
      const owner = objects.owner;
      if (!owner) {
        throw new ConflictError(
          `Pod ${pod.metadata?.namespace}/${pod.metadata?.name} belongs to no Deployment, StatefulSet or ReplicaSet that could be scaled`,
        );
      }
      return {
        target: {
          kind: owner.kind,
          namespace: owner.namespace,
          name: owner.name,
        },
        reversible,
        changes: [
          {
            operation: 'scale',
            apiVersion: owner.apiVersion,
            kind: owner.kind,
            namespace: owner.namespace,
            name: owner.name,
            before: { replicas: owner.replicas },
            after: { replicas: 0 },
          },
        ],
      };
    }
    case 'removeBinding': {
      const binding = objects.binding;
      if (!binding) {
        throw new NotFoundError(
          `There is no ${target?.kind ?? 'binding'} ${[
            target?.namespace,
            target?.name,
          ]
            .filter(Boolean)
            .join('/')} in the cluster`,
        );
      }
      return {
        target: targetOf(binding),
        reversible,
        changes: [
          {
            operation: 'delete',
            apiVersion: binding.apiVersion!,
            kind: binding.kind!,
            ...(binding.metadata?.namespace
              ? { namespace: binding.metadata.namespace }
              : {}),
            name: binding.metadata!.name!,
            before: restorable(binding),
          },
        ],
      };
    }
    case 'revokeKubeconfigs':
      return {
        target: { kind: 'Cluster', name: cluster.name },
        reversible,
        changes: [
          {
            operation: 'rotateCredentials',
            apiVersion: 'hostplane.io/v1',
            kind: 'Cluster',
            name: cluster.name,
          },
        ],
      };
    case 'applyManifest': {
      const manifest = objects.manifest;
      if (!manifest) throw new ConflictError('applyManifest needs a manifest');
      const { object, current } = manifest;
      return {
        target: targetOf(object),
        reversible,
        changes: [
          {
            operation: 'apply',
            apiVersion: object.apiVersion!,
            kind: object.kind!,
            ...(object.metadata?.namespace
              ? { namespace: object.metadata.namespace }
              : {}),
            name: object.metadata!.name!,
            ...(current ? { before: restorable(current) } : {}),
            after: object,
          },
        ],
      };
    }
    default:
      throw new ConflictError(`Unknown response action '${kind as string}'`);
  }
}

/** The writes that carry the changes out, in order. Each is idempotent. */
export function forwardSteps(changes: ResponseChange[]): TenantStep[] {
  return changes.map(change => {
    const identity = header(
      change.apiVersion,
      change.kind,
      change.name,
      change.namespace,
    );
    switch (change.operation) {
      case 'apply':
        return { op: 'apply', object: change.after as KubernetesObject };
      case 'delete':
        // A pod is terminated at once: an intruder's process gets no grace period.
        return change.kind === 'Pod'
          ? { op: 'delete', object: identity, gracePeriodSeconds: 0 }
          : { op: 'delete', object: identity };
      case 'scale':
        return {
          op: 'apply',
          object: {
            ...identity,
            spec: { replicas: (change.after as { replicas: number }).replicas },
          } as KubernetesObject,
        };
      case 'rotateCredentials':
        return { op: 'rotateCredentials' };
      default:
        throw new Error(`Unknown change '${change.operation as string}'`);
    }
  });
}

/** The writes that undo the changes, the last change first. */
export function revertSteps(changes: ResponseChange[]): TenantStep[] {
  return [...changes].reverse().map(change => {
    const identity = header(
      change.apiVersion,
      change.kind,
      change.name,
      change.namespace,
    );
    switch (change.operation) {
      case 'apply':
        if (change.kind === 'Pod') {
          // The pod's bare identity: applied by the same field manager, it releases the label.
          return { op: 'apply', object: identity };
        }
        return change.before === undefined
          ? { op: 'delete', object: identity }
          : { op: 'apply', object: change.before as KubernetesObject };
      case 'delete':
        if (change.before === undefined) {
          throw new ConflictError(
            `${change.kind} ${change.name} was not recorded and cannot be restored`,
          );
        }
        return { op: 'apply', object: change.before as KubernetesObject };
      case 'scale':
        return {
          op: 'apply',
          object: {
            ...identity,
            spec: {
              replicas: (change.before as { replicas: number }).replicas,
            },
          } as KubernetesObject,
        };
      default:
        throw new ConflictError(
          `A ${change.operation} change cannot be reverted`,
        );
    }
  });
}
