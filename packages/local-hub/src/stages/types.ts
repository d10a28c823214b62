/**
 * The subset of KWOK's `Stage` (kwok.x-k8s.io/v1alpha1, at the version pinned in versions.json)
 * that the local hub renders. KWOK publishes no TypeScript types; the API server validates every
 * Stage against KWOK's own CRD when the hub applies it, so a field spelled wrong here fails there.
 */
export interface KwokStage {
  apiVersion: 'kwok.x-k8s.io/v1alpha1';
  kind: 'Stage';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    resourceRef: { apiGroup: string; kind: string };
    selector: {
      matchLabels?: Record<string, string>;
      matchAnnotations?: Record<string, string>;
      matchExpressions?: StageSelectorExpression[];
    };
    delay?: {
      durationMilliseconds: number;
      jitterDurationMilliseconds: number;
    };
    steps: KwokStageStep[];
  };
}

/**
 * KWOK evaluates CEL against typed objects for built-in kinds, where comprehensions over nested
 * lists (conditions) fail to resolve their element types; JQ selectors work on every kind.
 */
export type StageSelectorExpression =
  | { cel: { expression: string } }
  | {
      jq: {
        key: string;
        operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
        values?: string[];
      };
    };

export type KwokStageStep =
  | {
      patch: {
        root?: string;
        subresource?: string;
        type: 'merge' | 'json';
        template: string;
      };
    }
  | {
      finalizers: {
        add?: Array<{ value: string }>;
        remove?: Array<{ value: string }>;
        empty?: boolean;
      };
    }
  | { delete: true }
  | { event: { type: 'Normal' | 'Warning'; reason: string; message: string } };

/**
 * How long each simulated transition takes. Tests use near-zero values; the demo uses delays
 * close to what a person would wait for on a real hub, so progress is visible in the portal.
 */
export interface StageTimings {
  /** A fake node becoming Ready. */
  nodeReadyMs: number;
  /** A scheduled pod reaching Running. */
  podRunningMs: number;
  /** A HostedCluster from accepted to Available. */
  controlPlaneAvailableMs: number;
  /** A NodePool's status catching up with its spec. */
  nodePoolReadyMs: number;
  /** A VirtualMachine (and its instance) from Starting to Running. */
  vmBootMs: number;
  /** An operator's finalizer being released after deletion is requested. */
  deletionMs: number;
}

export const FAST_TIMINGS: StageTimings = {
  nodeReadyMs: 0,
  podRunningMs: 0,
  controlPlaneAvailableMs: 200,
  nodePoolReadyMs: 200,
  vmBootMs: 200,
  deletionMs: 100,
};

export const DEMO_TIMINGS: StageTimings = {
  nodeReadyMs: 1_000,
  podRunningMs: 2_000,
  controlPlaneAvailableMs: 25_000,
  nodePoolReadyMs: 20_000,
  vmBootMs: 15_000,
  deletionMs: 8_000,
};
