import { z } from 'zod';
import {
  autoscalingSchema,
  clusterSpecSchema,
  etcdSpecSchema,
  nodePoolSpecSchema,
} from './clusterSpec';
import { backupIdSchema } from './etcd';
import { providerCapabilitiesSchema } from './hubs';
import { VERSION_PATTERN } from './versions';

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

/*
 * Response shapes are zod schemas so that the OpenAPI document is generated from the same source
 * as the types the backend answers with. Their descriptions end up in that document.
 */

const nonNegativeInt = () => z.number().int().nonnegative();

export const clusterConditionSchema = z
  .object({
    type: z.string(),
    status: z.enum(['True', 'False', 'Unknown']),
    reason: z.string().optional(),
    message: z.string().optional(),
    lastTransitionTime: z.string().optional(),
  })
  .describe(
    'An upstream condition, with its reason and message kept verbatim.',
  );
export type ClusterCondition = z.output<typeof clusterConditionSchema>;

export const nodePoolStatusSchema = z.object({
  name: z.string(),
  phase: z.enum(NODE_POOL_PHASES),
  replicas: nonNegativeInt()
    .optional()
    .describe("The desired size: spec.replicas, or the autoscaler's range."),
  autoscaling: z
    .object({ min: nonNegativeInt(), max: nonNegativeInt() })
    .optional(),
  currentReplicas: nonNegativeInt().describe(
    'Machines that exist (status.replicas).',
  ),
  version: z.string().optional(),
  vcpu: nonNegativeInt().optional(),
  memoryGiB: nonNegativeInt().optional(),
  diskGiB: nonNegativeInt().optional(),
  hibernatedReplicas: nonNegativeInt()
    .optional()
    .describe('Replicas to restore on resume, while hibernated.'),
  reason: z
    .string()
    .optional()
    .describe(
      "Why the pool is in its phase: the deciding upstream condition's reason.",
    ),
  message: z
    .string()
    .optional()
    .describe("The deciding upstream condition's message."),
  conditions: z.array(clusterConditionSchema),
});
export type NodePoolStatus = z.output<typeof nodePoolStatusSchema>;

export const clusterStatusSchema = z
  .object({
    hub: z.string(),
    name: z.string(),
    namespace: z.string(),
    owner: z.string().describe('Entity ref of the owner.'),
    phase: z.enum(CLUSTER_PHASES),
    reason: z
      .string()
      .optional()
      .describe(
        "Why the cluster is in its phase: the deciding upstream condition's reason.",
      ),
    message: z
      .string()
      .optional()
      .describe("The deciding upstream condition's message."),
    version: z
      .string()
      .optional()
      .describe(
        'The version the control plane runs (last completed in the version history).',
      ),
    desiredVersion: z
      .string()
      .optional()
      .describe('The version asked for, when an upgrade is under way.'),
    availability: z.string().optional(),
    endpoint: z.string().optional(),
    nodePools: z.array(nodePoolStatusSchema),
    conditions: z.array(clusterConditionSchema),
    deletionProtection: z.boolean(),
    labels: z.record(z.string(), z.string()),
    createdAt: z.string().optional(),
    spec: clusterSpecSchema
      .optional()
      .describe(
        'The spec Hostplane applied, when Hostplane created the cluster.',
      ),
    credentialsRotatedAt: z
      .string()
      .optional()
      .describe(
        "When its CA and admin credential were last rotated at Hostplane's request (ISO-8601).",
      ),
    capabilities: providerCapabilitiesSchema
      .optional()
      .describe(
        "What its hub's provider supports; answered with one cluster, not in lists.",
      ),
    etcdRestoredRequest: z
      .string()
      .optional()
      .describe(
        'The id of the last in-place etcd restore its control plane completed.',
      ),
  })
  .describe(
    'What the portal shows of one tenant cluster. Never carries credentials.',
  );
export type ClusterStatus = z.output<typeof clusterStatusSchema>;

export const CLUSTER_SORT_FIELDS = [
  'name',
  'owner',
  'phase',
  'version',
  'hub',
  'createdAt',
] as const;
export type ClusterSortField = (typeof CLUSTER_SORT_FIELDS)[number];

/** A cluster's path in the Hostplane API, below `/api/hostplane`, as every client writes it. */
export function clusterApiPath(hub: string, name: string): string {
  return `/clusters/${encodeURIComponent(hub)}/${encodeURIComponent(name)}`;
}

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

export const clusterSummarySchema = clusterStatusSchema
  .omit({ conditions: true, spec: true, nodePools: true, capabilities: true })
  .extend({
    nodePools: z.array(nodePoolStatusSchema.omit({ conditions: true })),
  })
  .describe(
    'A cluster as a list shows it: its status without the conditions (ask for the cluster for those).',
  );
export type ClusterSummary = z.output<typeof clusterSummarySchema>;

export function summarizeCluster(cluster: ClusterStatus): ClusterSummary {
  const {
    conditions: _conditions,
    spec: _spec,
    capabilities: _capabilities,
    nodePools,
    ...rest
  } = cluster;
  return {
    ...rest,
    nodePools: nodePools.map(
      ({ conditions: _poolConditions, ...pool }) => pool,
    ),
  };
}

export const listClustersResponseSchema = z.object({
  items: z.array(clusterSummarySchema),
  totalCount: nonNegativeInt().describe(
    'Clusters that match the filters, across all pages.',
  ),
  phaseCounts: z
    .partialRecord(z.enum(CLUSTER_PHASES), nonNegativeInt())
    .describe(
      'Matching clusters per phase (ignoring the phase filter), for the phase chips.',
    ),
  incompleteHubs: z
    .array(z.string())
    .describe(
      'Hubs whose clusters are not all known yet (still being listed, or unreachable).',
    ),
});
export type ListClustersResponse = z.output<typeof listClustersResponseSchema>;

const poolName = nodePoolSpecSchema.shape.name;

/*
 * The changes `PATCH /clusters/:hub/:name` takes, one schema each. The actions, the schema's
 * message for an unknown one and the operation types all come from this list, so a new change is
 * one entry here.
 */
const clusterChangeOptions = [
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
      .regex(VERSION_PATTERN, "version must look like 'v1.37.2'"),
  }),
  z.strictObject({ action: z.literal('hibernate') }),
  z.strictObject({ action: z.literal('resume') }),
  z.strictObject({
    action: z.literal('protect'),
    deletionProtection: z.boolean({
      error: 'deletionProtection must be true or false',
    }),
  }),
  z.strictObject({ action: z.literal('rotateCredentials') }),
  // etcd: a backup now; the schedule; a restore in place (the cluster's name typed to confirm);
  // maintenance of its members.
  z.strictObject({ action: z.literal('backup') }),
  z.strictObject({
    action: z.literal('configureBackups'),
    backup: etcdSpecSchema.shape.backup.unwrap(),
  }),
  z.strictObject({
    action: z.literal('restore'),
    backupId: backupIdSchema,
    confirmName: z.string({
      error: "confirmName must be the cluster's name, typed to confirm",
    }),
  }),
  z.strictObject({ action: z.literal('defragment') }),
  z.strictObject({ action: z.literal('recoverEtcdSpace') }),
  z.strictObject({
    action: z.literal('replaceEtcdMember'),
    member: z
      .number({ error: 'member must be a number' })
      .int('member must be a whole number')
      .min(0, 'member must be at least 0')
      .max(4, 'member must be at most 4'),
  }),
] as const;

/** The changes an existing cluster takes, in the order the API documents them. */
export const CHANGE_ACTIONS = clusterChangeOptions.map(
  option => option.shape.action.value,
);
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** Body of `PATCH /clusters/:hub/:name`: one change, carried out as an operation. */
export const clusterChangeSchema = z.discriminatedUnion(
  'action',
  clusterChangeOptions,
  { error: `action must be one of ${CHANGE_ACTIONS.join(', ')}` },
);
export type ClusterChange = z.output<typeof clusterChangeSchema>;

/** What an operation does: create a cluster, make one change to it, or delete it. */
export const OPERATION_TYPES = ['create', ...CHANGE_ACTIONS, 'delete'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];
export const operationStateSchema = z.enum(['running', 'succeeded', 'failed']);
export type OperationState = z.output<typeof operationStateSchema>;
export const stepStateSchema = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
]);
export type StepState = z.output<typeof stepStateSchema>;

export const operationStepSchema = z.object({
  name: z.string(),
  title: z.string().describe('What the step does, for people.'),
  state: stepStateSchema,
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  message: z.string().optional().describe('The latest progress or the error.'),
  attempts: nonNegativeInt(),
});
export type OperationStep = z.output<typeof operationStepSchema>;

export const operationSchema = z.object({
  id: z.string(),
  hub: z.string(),
  cluster: z.string(),
  type: z.enum(OPERATION_TYPES),
  state: operationStateSchema,
  steps: z.array(operationStepSchema),
  progress: z
    .number()
    .min(0)
    .max(1)
    .describe('Done steps over all steps, 0 to 1.'),
  error: z.string().optional(),
  createdBy: z.string().describe('The Backstage user who asked for it.'),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type Operation = z.output<typeof operationSchema>;

export const plannedOperationSchema = operationSchema
  .pick({ hub: true, cluster: true, type: true })
  .extend({
    steps: z.array(z.string()).describe('The steps it would take, in order.'),
  })
  .describe(
    'The operation a dry run found the request would start, after every check; nothing was written.',
  );
export type PlannedOperationView = z.output<typeof plannedOperationSchema>;

export const listOperationsResponseSchema = z.object({
  items: z.array(operationSchema),
  totalCount: nonNegativeInt(),
});
export type ListOperationsResponse = z.output<
  typeof listOperationsResponseSchema
>;

export const kubeconfigIssuanceSchema = z
  .object({
    id: z.string(),
    hub: z.string(),
    cluster: z.string(),
    user: z.string(),
    groups: z.array(z.string()),
    issuedAt: z.string(),
    expiresAt: z.string(),
    serial: z.string().describe('Serial number of the client certificate.'),
    revoked: z
      .boolean()
      .describe(
        "Issued before the cluster's credentials were last rotated: the tenant no longer accepts it.",
      ),
  })
  .describe(
    'A short-lived kubeconfig handed to a user, as recorded (never the credential itself).',
  );
export type KubeconfigIssuance = z.output<typeof kubeconfigIssuanceSchema>;

/** Answer of `GET /clusters/:hub/:name/kubeconfig-issuances`. */
export const listKubeconfigIssuancesResponseSchema = z.object({
  items: z.array(kubeconfigIssuanceSchema),
});
export type ListKubeconfigIssuancesResponse = z.output<
  typeof listKubeconfigIssuancesResponseSchema
>;

export const kubeconfigRequestSchema = z.strictObject({
  ttlHours: z
    .number({ error: 'ttlHours must be a number' })
    .min(0.001, 'ttlHours must be at least 0.001 (3.6 seconds)')
    .max(24, 'ttlHours must be at most 24')
    .default(8),
});

export const kubeconfigResponseSchema = z.object({
  kubeconfig: z.string(),
  expiresAt: z.string(),
  issuance: kubeconfigIssuanceSchema,
});
export type KubeconfigResponse = z.output<typeof kubeconfigResponseSchema>;

/**
 * Answer of `POST /clusters/:hub/:name/service-credentials`: a short-lived, read-only client
 * certificate for a backend plugin (the Kubernetes plugin), never for a user.
 */
export const serviceCredentialResponseSchema = z
  .object({
    cert: z.string().describe('The client certificate (PEM).'),
    key: z
      .string()
      .describe('Its private key (PKCS#1 PEM), generated for this answer.'),
    caData: z
      .string()
      .describe(
        "Base64 of the PEM CA that signed the tenant API server's certificate, as in a kubeconfig.",
      ),
    user: z.string().describe('The Kubernetes user the certificate names.'),
    groups: z
      .array(z.string())
      .describe(
        "Its Kubernetes groups; one is bound to the built-in 'view' ClusterRole in the tenant.",
      ),
    serial: z.string(),
    expiresAt: z.string(),
  })
  .describe(
    'A read-only credential for a tenant cluster, issued to a backend plugin (recorded and audited).',
  );
export type ServiceCredentialResponse = z.output<
  typeof serviceCredentialResponseSchema
>;

export const offeredVersionSchema = z
  .object({ version: z.string() })
  .describe('A Kubernetes release a hub offers for new clusters and upgrades.');
export type OfferedVersion = z.output<typeof offeredVersionSchema>;

export const hubVersionsResponseSchema = z.object({
  hub: z.string(),
  versions: z.array(offeredVersionSchema),
});
export type HubVersionsResponse = z.output<typeof hubVersionsResponseSchema>;
