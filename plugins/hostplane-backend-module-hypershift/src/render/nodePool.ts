import { KubernetesObject } from '@kubernetes/client-node';
import {
  ClusterSpec,
  HIBERNATED_REPLICAS_ANNOTATION,
  NODE_POOL_LABEL,
  NodePoolSpec,
} from '@hostplane/plugin-hostplane-common';
import { OfferedRelease, RenderState } from '@hostplane/plugin-hostplane-node';
import { HYPERSHIFT_API_VERSION } from './hostedCluster';
import { clusterLabels, ownerAnnotations } from './metadata';
import { tenantNamespace } from './namespace';

function nodePoolObjectName(clusterName: string, poolName: string) {
  return `${clusterName}-${poolName}`;
}

/**
 * The pool's size: a fixed number of machines or the autoscaler's range. Hibernated, the pool is
 * at zero machines and the size to come back to is noted on it (the spec keeps it as well).
 */
function sizing(pool: NodePoolSpec, hibernated: boolean) {
  if (hibernated) {
    return {
      spec: { replicas: 0 },
      annotations: {
        [HIBERNATED_REPLICAS_ANNOTATION]: String(
          pool.replicas ?? pool.autoscaling!.min,
        ),
      },
    };
  }
  return {
    spec: pool.autoscaling
      ? {
          autoScaling: { min: pool.autoscaling.min, max: pool.autoscaling.max },
        }
      : { replicas: pool.replicas },
    annotations: {},
  };
}

/**
 * A NodePool of KubeVirt virtual machines. Upgrades replace machines rather than updating them in
 * place: a KubeVirt node is cheap to recreate and comes back clean.
 */
export function renderNodePool(
  spec: ClusterSpec,
  pool: NodePoolSpec,
  release: OfferedRelease,
  state: RenderState = {},
): KubernetesObject {
  const size = sizing(pool, state.hibernated ?? false);
  return {
    apiVersion: HYPERSHIFT_API_VERSION,
    kind: 'NodePool',
    metadata: {
      namespace: tenantNamespace(spec),
      name: nodePoolObjectName(spec.name, pool.name),
      labels: { ...clusterLabels(spec), [NODE_POOL_LABEL]: pool.name },
      annotations: { ...ownerAnnotations(spec), ...size.annotations },
    },
    spec: {
      clusterName: spec.name,
      ...size.spec,
      release: { image: release.image },
      management: { upgradeType: 'Replace' },
      platform: {
        type: 'KubeVirt',
        kubevirt: {
          compute: { cores: pool.vcpu, memory: `${pool.memoryGiB}Gi` },
          rootVolume: {
            type: 'Persistent',
            persistent: { size: `${pool.diskGiB}Gi` },
          },
        },
      },
      ...(Object.keys(pool.labels).length > 0
        ? { nodeLabels: pool.labels }
        : {}),
      ...(pool.taints.length > 0
        ? {
            taints: pool.taints.map(taint => ({
              key: taint.key,
              ...(taint.value !== undefined ? { value: taint.value } : {}),
              effect: taint.effect,
            })),
          }
        : {}),
    },
  } as KubernetesObject;
}
