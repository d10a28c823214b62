import { z } from 'zod';
import {
  ClusterSpec,
  autoscalingSchema,
  nodePoolSpecSchema,
} from './clusterSpec';

export const CLUSTER_PHASES = [
  'Pending',
  'Provisioning',
  'Ready',
  'Updating',
  'Degraded',
  'Hibernated',
  'Deleting',
  'Failed',
] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];

export const NODE_POOL_PHASES = [
  'Pending',
  'Provisioning',
  'Ready',
  'Scaling',
  'Updating',
  'Degraded',
  'Hibernated',
  'Deleting',
] as const;
export type NodePoolPhase = (typeof NODE_POOL_PHASES)[number];

/** An upstream condition, with its reason and message kept verbatim. */
export interface ClusterCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface NodePoolStatus {
  name: string;
  phase: NodePoolPhase;
  /** The desired size: spec.replicas, or the autoscaler's range. */
  replicas?: number;
  autoscaling?: { min: number; max: number };
  /** Machines that exist (status.replicas). */
  currentReplicas: number;
  version?: string;
  vcpu?: number;
  memoryGiB?: number;
  diskGiB?: number;
  /** Replicas to restore on resume, while hibernated. */
  hibernatedReplicas?: number;
  /** Why the pool is in its phase: the deciding upstream condition's reason and message. */
  reason?: string;
  message?: string;
  conditions: ClusterCondition[];
}

/** What the portal shows of one tenant cluster. Never carries credentials. */
export interface ClusterStatus {
  hub: string;
  name: string;
  namespace: string;
  /** Entity ref of the owner. */
  owner: string;
  phase: ClusterPhase;
  /** Why the cluster is in its phase: the deciding upstream condition's reason and message. */
  reason?: string;
  message?: string;
  /** The version the control plane runs (last completed in the version history). */
  version?: string;
  /** The version asked for, when an upgrade is under way. */
  desiredVersion?: string;
  availability?: string;
  endpoint?: string;
  nodePools: NodePoolStatus[];
  conditions: ClusterCondition[];
  deletionProtection: boolean;
  labels: Record<string, string>;
  createdAt?: string;
  /** The spec Hostplane applied, when Hostplane created the cluster. */
  spec?: ClusterSpec;
}

export const CLUSTER_SORT_FIELDS = [
  'name',
  'owner',
  'phase',
  'version',
  'hub',
  'createdAt',
] as const;
export type ClusterSortField = (typeof CLUSTER_SORT_FIELDS)[number];

/** Query of `GET /clusters`: server-side paging, filtering and sorting. */
export const listClustersQuerySchema = z.strictObject({
  offset: z.coerce
    .number({ error: 'offset must be a number' })
    .int('offset must be a whole number')
    .min(0, 'offset must be at least 0')
    .default(0),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(500, 'limit must be at most 500')
    .default(50),
  owner: z.string().max(200, 'owner must be at most 200 characters').optional(),
  phase: z
    .enum(CLUSTER_PHASES, { error: 'phase is not a known phase' })
    .optional(),
  version: z
    .string()
    .max(40, 'version must be at most 40 characters')
    .optional(),
  hub: z.string().max(63, 'hub must be at most 63 characters').optional(),
  text: z.string().max(100, 'text must be at most 100 characters').optional(),
  sort: z
    .enum(CLUSTER_SORT_FIELDS, { error: 'sort is not a sortable field' })
    .default('name'),
  order: z
    .enum(['asc', 'desc'], { error: 'order must be asc or desc' })
    .default('asc'),
});
export type ListClustersQuery = z.input<typeof listClustersQuerySchema>;

/** A cluster as a list shows it: its status without the conditions (ask for the cluster for those). */
export type ClusterSummary = Omit<
  ClusterStatus,
  'conditions' | 'spec' | 'nodePools'
> & {
  nodePools: Array<Omit<NodePoolStatus, 'conditions'>>;
};

export function summarizeCluster(cluster: ClusterStatus): ClusterSummary {
  const { conditions: _conditions, spec: _spec, nodePools, ...rest } = cluster;
  return {
    ...rest,
    nodePools: nodePools.map(
      ({ conditions: _poolConditions, ...pool }) => pool,
    ),
  };
}

export interface ListClustersResponse {
  items: ClusterSummary[];
  /** Clusters that match the filters, across all pages. */
  totalCount: number;
  /** Matching clusters per phase (ignoring the phase filter), for the phase chips. */
  phaseCounts: Partial<Record<ClusterPhase, number>>;
  /** Hubs whose clusters are not all known yet (still being listed, or unreachable). */
  incompleteHubs: string[];
}

const poolName = nodePoolSpecSchema.shape.name;

/** Body of `PATCH /clusters/:hub/:name`: one change, carried out as an operation. */
export const clusterChangeSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({
      action: z.literal('scale'),
      pool: poolName,
      replicas: z
        .number({ error: 'replicas must be a number' })
        .int('replicas must be a whole number')
        .min(0, 'replicas must be at least 0')
        .max(100, 'replicas must be at most 100'),
    }),
    z.strictObject({
      action: z.literal('autoscale'),
      pool: poolName,
      autoscaling: autoscalingSchema,
    }),
    z.strictObject({
      action: z.literal('addPool'),
      nodePool: nodePoolSpecSchema,
    }),
    z.strictObject({ action: z.literal('removePool'), pool: poolName }),
    z.strictObject({
      action: z.literal('upgrade'),
      version: z
        .string({ error: 'version must be a string' })
        .regex(/^v\d+\.\d+\.\d+$/, "version must look like 'v1.37.2'"),
    }),
    z.strictObject({ action: z.literal('hibernate') }),
    z.strictObject({ action: z.literal('resume') }),
    z.strictObject({
      action: z.literal('protect'),
      deletionProtection: z.boolean({
        error: 'deletionProtection must be true or false',
      }),
    }),
  ],
  {
    error:
      'action must be one of scale, autoscale, addPool, removePool, upgrade, hibernate, resume, protect',
  },
);
export type ClusterChange = z.output<typeof clusterChangeSchema>;

export const OPERATION_TYPES = [
  'create',
  'scale',
  'autoscale',
  'addPool',
  'removePool',
  'upgrade',
  'hibernate',
  'resume',
  'protect',
  'delete',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];
export type OperationState = 'running' | 'succeeded' | 'failed';
export type StepState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface OperationStep {
  name: string;
  /** What the step does, for people. */
  title: string;
  state: StepState;
  startedAt?: string;
  finishedAt?: string;
  /** The latest progress or the error. */
  message?: string;
  attempts: number;
}

export interface Operation {
  id: string;
  hub: string;
  cluster: string;
  type: OperationType;
  state: OperationState;
  steps: OperationStep[];
  /** Done steps over all steps, 0 to 1. */
  progress: number;
  error?: string;
  /** The Backstage user who asked for it. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export interface ListOperationsResponse {
  items: Operation[];
  totalCount: number;
}

/** A short-lived kubeconfig handed to a user, as recorded (never the credential itself). */
export interface KubeconfigIssuance {
  id: string;
  hub: string;
  cluster: string;
  user: string;
  groups: string[];
  issuedAt: string;
  expiresAt: string;
  /** Serial number of the client certificate. */
  serial: string;
}

export const kubeconfigRequestSchema = z.strictObject({
  ttlHours: z
    .number({ error: 'ttlHours must be a number' })
    .min(0.001, 'ttlHours must be at least 0.001 (3.6 seconds)')
    .max(24, 'ttlHours must be at most 24')
    .default(8),
});

export interface KubeconfigResponse {
  kubeconfig: string;
  expiresAt: string;
  issuance: KubeconfigIssuance;
}

/** A Kubernetes release a hub offers for new clusters and upgrades. */
export interface OfferedVersion {
  version: string;
}

export interface HubVersionsResponse {
  hub: string;
  versions: OfferedVersion[];
}
