import { InputError } from '@backstage/errors';
import {
  ClusterChange,
  ClusterSpec,
  ClusterSpecInput,
  MAX_CLUSTER_NAME_LENGTH,
  MAX_NODE_POOLS,
  MAX_POOL_REPLICAS,
  clusterChangeSchema,
  clusterSpecSchema,
  describeFieldIssues,
  fieldIssuesOf,
} from '@hostplane/plugin-hostplane-common';
import type { z as zod3 } from 'zod/v3';
import { FieldIssuesError } from './FieldIssuesError';
import { DRY_RUN_OPERATION_ID } from './common';

export type Zod3 = typeof zod3;

/*
 * The scaffolder describes and checks action inputs with JSON Schema that scaffolder-node makes
 * from zod 3, while the cluster model is zod 4 (`clusterSpecSchema`, shared with the API). So the
 * inputs below give names, types and descriptions only, and each action runs the shared schema
 * itself: a template author then sees the API's limits and messages, with field paths, before
 * anything is sent. `inputs.test.ts` keeps the two in step.
 */

const nodePoolInput = (z: Zod3) =>
  z.object({
    name: z
      .string()
      .describe(
        "Pool name: lower-case letters, digits and '-', at most 15 characters",
      ),
    replicas: z
      .number()
      .int()
      .optional()
      .describe(
        `Machines in the pool, 0 to ${MAX_POOL_REPLICAS}; give this or autoscaling`,
      ),
    autoscaling: z
      .object({ min: z.number().int(), max: z.number().int() })
      .optional()
      .describe(`Autoscaler range, 1 to ${MAX_POOL_REPLICAS} machines`),
    vcpu: z.number().int().describe('vCPUs per machine, 1 to 64'),
    memoryGiB: z.number().int().describe('Memory per machine in GiB, 1 to 512'),
    diskGiB: z.number().int().describe('Disk per machine in GiB, 10 to 2048'),
    labels: z
      .record(z.string())
      .optional()
      .describe('Kubernetes labels for the nodes'),
    taints: z
      .array(
        z.object({
          key: z.string(),
          value: z.string().optional(),
          effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
        }),
      )
      .optional()
      .describe('Taints for the nodes, at most 20'),
  });

/** The cluster spec's fields as action inputs (the SSH public key comes from the secrets instead). */
export const clusterSpecInput = {
  name: (z: Zod3) =>
    z
      .string()
      .describe(
        `Cluster name, unique on its hub: lower-case letters, digits and '-', at most ${MAX_CLUSTER_NAME_LENGTH} characters`,
      ),
  owner: (z: Zod3) =>
    z
      .string()
      .describe(
        "Owning group or user entity ref, such as 'group:default/team-a'",
      ),
  hub: (z: Zod3) => z.string().describe('The hub that hosts the cluster'),
  version: (z: Zod3) =>
    z.string().describe("Kubernetes version the hub offers, such as 'v1.37.2'"),
  availability: (z: Zod3) =>
    z
      .enum(['SingleReplica', 'HighlyAvailable'])
      .optional()
      .describe('Control-plane availability; SingleReplica when left out'),
  network: (z: Zod3) =>
    z
      .object({
        podCidr: z.string().optional(),
        serviceCidr: z.string().optional(),
      })
      .optional()
      .describe(
        'IPv4 CIDRs that must not overlap; 10.132.0.0/14 and 172.31.0.0/16 when left out',
      ),
  nodePools: (z: Zod3) =>
    z
      .array(nodePoolInput(z))
      .describe(`Worker node pools, 1 to ${MAX_NODE_POOLS}`),
  etcd: (z: Zod3) =>
    z
      .object({
        storageGiB: z.number().int().optional(),
        backup: z
          .object({
            schedule: z.string().optional(),
            retention: z.number().int().optional(),
          })
          .optional(),
      })
      .optional()
      .describe(
        "etcd storage (8 GiB) and backups (cron '0 */6 * * *', 7 kept) when left out",
      ),
  deletionProtection: (z: Zod3) =>
    z
      .boolean()
      .optional()
      .describe('Refuse deletion until turned off; off when left out'),
  labels: (z: Zod3) =>
    z
      .record(z.string())
      .optional()
      .describe(
        'Labels for the cluster; lifecycle, env and system also reach its catalog entity',
      ),
  restoreFrom: (z: Zod3) =>
    z
      .object({
        hub: z.string().describe('The hub of the cluster the backup is of'),
        cluster: z.string().describe('The cluster the backup is of'),
        backupId: z
          .string()
          .describe("The backup, such as '20261208T101500Z-a1b2c3'"),
      })
      .optional()
      .describe(
        "Start the new cluster's etcd from this backup (one the initiator may restore) instead of empty; left out, the cluster starts empty",
      ),
};

export const clusterRefInput = {
  hub: (z: Zod3) => z.string().describe('The hub that hosts the cluster'),
  name: (z: Zod3) => z.string().describe('The cluster name'),
};

export const waitInput = (what: string) => (z: Zod3) =>
  z
    .boolean()
    .default(false)
    .describe(
      `Wait until ${what}, logging each step; the task fails if the operation does`,
    );

export const operationIdOutput = {
  operationId: (z: Zod3) =>
    z
      .string()
      .describe(
        `The Hostplane operation; '${DRY_RUN_OPERATION_ID}' in a dry run`,
      ),
};

/**
 * The body of `POST /clusters`: the spec fields as given, with the SSH public key from the task's
 * secrets, after the API's own schema has accepted them. Throws with every field issue.
 */
export function clusterRequest(
  fields: Record<string, unknown>,
  secrets: Record<string, string> | undefined,
): { body: ClusterSpecInput; spec: ClusterSpec } {
  if ('sshPublicKey' in fields) {
    throw new InputError(
      'sshPublicKey is not an input: pass it in the task secrets as secrets.sshPublicKey (inputs are stored with the task and shown to whoever can see it)',
    );
  }
  // An optional secret field left empty in a form arrives as an empty string.
  const sshPublicKey = secrets?.sshPublicKey?.trim() || undefined;
  const body = sshPublicKey ? { ...fields, sshPublicKey } : fields;
  const parsed = clusterSpecSchema.safeParse(body);
  if (!parsed.success) {
    const issues = fieldIssuesOf(parsed.error);
    throw new FieldIssuesError(
      `The cluster spec is not valid: ${describeFieldIssues(issues)}`,
      issues,
    );
  }
  // The body as given, not as parsed: the API fills in its own defaults.
  return { body: body as ClusterSpecInput, spec: parsed.data };
}

/** A change as `PATCH /clusters/:hub/:name` takes it, checked by the API's schema. */
export function clusterChange(change: unknown): ClusterChange {
  const parsed = clusterChangeSchema.safeParse(change);
  if (!parsed.success) {
    const issues = fieldIssuesOf(parsed.error);
    throw new FieldIssuesError(
      `The change is not valid: ${describeFieldIssues(issues)}`,
      issues,
    );
  }
  return parsed.data;
}
