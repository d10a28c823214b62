import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  V1ClusterRoleBinding,
  V1Pod,
  V1RoleBinding,
} from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../../operations/OperationRunner';
import type { ScalableOwner } from './plan';

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

/** The reads and writes of threat response inside one tenant, with its admin credential. */
export class TenantClient {
  private readonly objects: KubernetesObjectApi;
  private readonly applier: ServerSideApplier;

  constructor(private readonly admin: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(admin);
    // A response takes over the fields it sets (a replica count, a label) from whoever had them.
    this.applier = new ServerSideApplier(admin, FIELD_MANAGER, { force: true });
  }

  /** The object, or undefined when it does not exist. */
  async read<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return (await this.objects.read({
        apiVersion,
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
      })) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async apply(object: KubernetesObject): Promise<void> {
    await this.applier.apply([object]);
  }

  /** Deletes the object; one already gone is deleted. */
  async delete(
    object: KubernetesObject,
    gracePeriodSeconds?: number,
  ): Promise<void> {
    try {
      await this.objects.delete(
        object,
        undefined,
        undefined,
        gracePeriodSeconds,
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async pod(namespace: string, name: string): Promise<V1Pod | undefined> {
    const pod = await this.read<V1Pod>('v1', 'Pod', name, namespace);
    return pod ? { ...pod, apiVersion: 'v1', kind: 'Pod' } : undefined;
  }

  /** The pods running as a service account, the newest first. */
  async podsOf(namespace: string, serviceAccount: string): Promise<V1Pod[]> {
    const list = await this.admin
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace });
    return list.items
      .filter(p => (p.spec?.serviceAccountName ?? 'default') === serviceAccount)
      .filter(p => !p.metadata?.deletionTimestamp)
      .sort((a, b) =>
        String(b.metadata?.creationTimestamp ?? '').localeCompare(
          String(a.metadata?.creationTimestamp ?? ''),
        ),
      );
  }

  async bindings(): Promise<{
    roleBindings: V1RoleBinding[];
    clusterRoleBindings: V1ClusterRoleBinding[];
  }> {
    const rbac = this.admin.makeApiClient(RbacAuthorizationV1Api);
    const [roleBindings, clusterRoleBindings] = await Promise.all([
      rbac.listRoleBindingForAllNamespaces(),
      rbac.listClusterRoleBinding(),
    ]);
    return {
      roleBindings: roleBindings.items,
      clusterRoleBindings: clusterRoleBindings.items,
    };
  }

  async binding(
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<(V1RoleBinding | V1ClusterRoleBinding) | undefined> {
    if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') {
      return undefined;
    }
    const binding = await this.read<V1RoleBinding>(
      'rbac.authorization.k8s.io/v1',
      kind,
      name,
      kind === 'RoleBinding' ? namespace : undefined,
    );
    return binding
      ? { ...binding, apiVersion: 'rbac.authorization.k8s.io/v1', kind }
      : undefined;
  }

  /**
   * The workload that keeps a pod running and can be scaled: its ReplicaSet's Deployment, its
   * StatefulSet, or a ReplicaSet of its own.
   */
  async scalableOwner(pod: V1Pod): Promise<ScalableOwner | undefined> {
    const namespace = pod.metadata?.namespace ?? '';
    const controllerOf = (object: KubernetesObject) =>
      object.metadata?.ownerReferences?.find(r => r.controller);
    const scalable = async (
      kind: string,
      name: string,
    ): Promise<ScalableOwner | undefined> => {
      const object = await this.read<
        KubernetesObject & { spec?: { replicas?: number } }
      >('apps/v1', kind, name, namespace);
      if (!object) return undefined;
      if (kind === 'ReplicaSet') {
        const parent = controllerOf(object);
        if (parent?.kind === 'Deployment') {
          return scalable('Deployment', parent.name);
        }
      }
      return {
        apiVersion: 'apps/v1',
        kind,
        namespace,
        name,
        replicas: object.spec?.replicas ?? 1,
      };
    };
    const controller = controllerOf(pod);
    if (
      !controller ||
      !['ReplicaSet', 'StatefulSet', 'Deployment'].includes(controller.kind)
    ) {
      return undefined;
    }
    return scalable(controller.kind, controller.name);
  }
}
