import {
  CREDENTIALS_ROTATION_ANNOTATION,
  ClusterStatus,
  NODE_POOL_LABEL,
  NodePoolSpec,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  OfferedRelease,
  ServerSideApplier,
} from '@hostplane/plugin-hostplane-node';
import { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { HubClusterCache } from '../cache/HubClusterCache';
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
}

/** One step of an operation: its title (persisted with the operation, shown as is) and its work. */
export interface Step {
  title: string;
  run(context: StepContext): Promise<void>;
}

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
            stringData: secret.generate(),
          } as KubernetesObject,
        ]);
      }
    },
  },
  applyControlPlane: {
    title: 'Apply the hosted control plane',
    run: async context => {
      await context.applier.apply(
        rendered(context, 'control-plane-first').filter(
          object => !isClusterScoped(object) && !isPoolObject(object),
        ),
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
      for (const secret of context.provider.secretsFor(context.plan.spec)) {
        await deleteIgnoringMissing(context.objects, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: secret.namespace, name: secret.name },
        });
      }
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
    { hibernated, credentialsRotation },
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
