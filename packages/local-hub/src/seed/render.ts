import {
  CLUSTER_LABEL,
  HIBERNATED_REPLICAS_ANNOTATION,
  OWNER_LABEL,
  OWNER_REF_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { STANDIN_LABEL } from '../stages';
import {
  HostedClusterState,
  UpstreamCondition,
  hostedClusterConditions,
  nodePoolConditions,
} from '../upstream/hypershiftConditions';
import {
  kubevirtHostedClusterSpec,
  kubevirtNodePoolSpec,
} from '../upstream/hypershiftSpecs';
import { TenantPhase, TenantPlan } from './plan';

/** Marks tenants that get status only: no control-plane pods, no processes. */
export const STATUS_ONLY = 'status-only';

/** The release image the local hub pairs with a Kubernetes version (its tag is the version). */
export function releaseImageFor(kubernetesVersion: string): string {
  return `registry.hostplane.local/kubernetes-release:${kubernetesVersion}`;
}

export interface RenderedObject {
  manifest: {
    apiVersion: string;
    kind: string;
    metadata: { namespace: string; name: string };
  } & Record<string, unknown>;
  /** The status the operators would have written, applied to the status subresource. */
  status: Record<string, unknown>;
}

function withTimes(list: UpstreamCondition[], time: string, generation = 1) {
  return list.map(c => ({
    ...c,
    lastTransitionTime: time,
    observedGeneration: generation,
  }));
}

/** The state a tenant's HostedCluster reports: a ready or hibernated control plane is Available. */
function hostedClusterState(phase: TenantPhase): HostedClusterState {
  if (
    phase === 'Provisioning' ||
    phase === 'Updating' ||
    phase === 'Degraded'
  ) {
    return phase;
  }
  return 'Available';
}

/** The HostedCluster's version history, newest first: a rollout still under way is Partial. */
function versionHistory(plan: TenantPlan, image: string, time: string) {
  const completed = {
    state: 'Completed',
    version: plan.kubernetesVersion,
    image,
    startedTime: time,
    completionTime: time,
    verified: false,
  };
  const partial = { ...completed, state: 'Partial', completionTime: null };
  if (plan.phase === 'Provisioning') return [partial];
  if (plan.phase === 'Updating' && plan.previousVersion) {
    return [
      partial,
      {
        ...completed,
        version: plan.previousVersion,
        image: releaseImageFor(plan.previousVersion),
      },
    ];
  }
  return [completed];
}

/**
 * A tenant as HyperShift would leave it: the HostedCluster and its NodePools with the spec a
 * Hostplane cluster has and the status its state implies. A tenant that is not status-only is
 * left unmarked, for the stand-in operator to run and report on; its rendered status is unused.
 */
export function renderTenant(
  plan: TenantPlan,
  now: Date,
  { statusOnly = true }: { statusOnly?: boolean } = {},
): RenderedObject[] {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const image = releaseImageFor(plan.kubernetesVersion);
  const labels = {
    [CLUSTER_LABEL]: plan.name,
    [OWNER_LABEL]: plan.owner,
    ...(statusOnly ? { [STANDIN_LABEL]: STATUS_ONLY } : {}),
  };
  const annotations = { [OWNER_REF_ANNOTATION]: `group:default/${plan.owner}` };
  const metadata = (name: string, extra: Record<string, string> = {}) => ({
    namespace: plan.namespace,
    name,
    labels,
    annotations: { ...annotations, ...extra },
  });

  const state = hostedClusterState(plan.phase);

  const hostedCluster: RenderedObject = {
    manifest: {
      apiVersion: 'hypershift.openshift.io/v1beta1',
      kind: 'HostedCluster',
      metadata: metadata(plan.name),
      spec: kubevirtHostedClusterSpec(plan.name, image, plan.highlyAvailable),
    },
    status: {
      conditions: withTimes(hostedClusterConditions(state), time),
      ...(state === 'Provisioning'
        ? {}
        : {
            controlPlaneEndpoint: {
              host: `api.${plan.name}.${plan.namespace}.hub.local`,
              port: 6443,
            },
          }),
      version: {
        desired: { image, version: plan.kubernetesVersion },
        observedGeneration: 1,
        availableUpdates: null,
        history: versionHistory(plan, image, time),
      },
    },
  };

  const nodePools = plan.pools.map<RenderedObject>(pool => {
    const hibernated = plan.phase === 'Hibernated';
    const replicas =
      hibernated || plan.phase === 'Provisioning' ? 0 : pool.replicas;
    const poolVersion = plan.previousVersion ?? plan.kubernetesVersion;
    return {
      manifest: {
        apiVersion: 'hypershift.openshift.io/v1beta1',
        kind: 'NodePool',
        metadata: metadata(
          `${plan.name}-${pool.name}`,
          hibernated
            ? { [HIBERNATED_REPLICAS_ANNOTATION]: String(pool.replicas) }
            : {},
        ),
        spec: kubevirtNodePoolSpec(
          plan.name,
          hibernated ? 0 : pool.replicas,
          releaseImageFor(poolVersion),
        ),
      },
      status: {
        replicas,
        // HyperShift records a pool's version once its machines have all come up at it.
        ...(plan.phase === 'Provisioning' ? {} : { version: poolVersion }),
        conditions: withTimes(
          nodePoolConditions(
            releaseImageFor(poolVersion),
            plan.phase !== 'Provisioning',
          ),
          time,
        ),
      },
    };
  });

  return [hostedCluster, ...nodePools];
}
