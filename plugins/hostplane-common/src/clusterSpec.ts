import { z } from 'zod';
import { restoreFromSchema } from './etcd';
import { VERSION_PATTERN } from './versions';

/**
 * A tenant cluster as a developer asks for it. Shared by the API (request validation), the
 * scaffolder actions and the frontend's forms, so every caller gets the same limits and the same
 * messages, each with the path of the field it is about.
 */

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// Qualified label keys as Kubernetes checks them: an optional DNS subdomain prefix and a name.
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const ENTITY_REF =
  /^(group|user):(([a-z0-9][-a-z0-9]*)\/)?[a-z0-9][-a-z0-9_.]*$/;
// Five cron fields of digits, ranges, steps, lists or '*'.
const CRON =
  /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*( (\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*){4}$/;

/** The longest cluster name: its control-plane namespace (`<namespace>-<name>`) must stay a label. */
export const MAX_CLUSTER_NAME_LENGTH = 30;
export const MAX_NODE_POOLS = 10;
export const MAX_POOL_REPLICAS = 100;

const dnsLabel = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(
      DNS_LABEL,
      `${what} must be lower-case letters, digits and '-', start with a letter and end with a letter or digit`,
    );

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`);

export const labelsSchema = z
  .record(
    z
      .string()
      .max(63, 'label keys must be at most 63 characters after the prefix')
      .regex(LABEL_KEY, 'label keys must be valid Kubernetes label keys'),
    z
      .string({ error: 'label values must be strings' })
      .max(63, 'label values must be at most 63 characters')
      .regex(LABEL_VALUE, 'label values must be valid Kubernetes label values'),
  )
  .refine(labels => Object.keys(labels).length <= 20, {
    message: 'at most 20 labels',
  });

export const taintSchema = z.strictObject({
  key: z
    .string({ error: 'taint key must be a string' })
    .max(63, 'taint key must be at most 63 characters')
    .regex(LABEL_KEY, 'taint key must be a valid Kubernetes label key'),
  value: z
    .string({ error: 'taint value must be a string' })
    .max(63, 'taint value must be at most 63 characters')
    .regex(LABEL_VALUE, 'taint value must be a valid Kubernetes label value')
    .optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], {
    error: 'taint effect must be NoSchedule, PreferNoSchedule or NoExecute',
  }),
});

export const autoscalingSchema = z
  .strictObject({
    // HyperShift's NodePool schema requires at least one machine under autoscaling.
    min: int('autoscaling.min', 1, MAX_POOL_REPLICAS),
    max: int('autoscaling.max', 1, MAX_POOL_REPLICAS),
  })
  .refine(a => a.min <= a.max, {
    message: 'autoscaling.min must not exceed autoscaling.max',
    path: ['min'],
  });

export const nodePoolSpecSchema = z
  .strictObject({
    name: dnsLabel('node pool name', 15),
    replicas: int('replicas', 0, MAX_POOL_REPLICAS).optional(),
    autoscaling: autoscalingSchema.optional(),
    vcpu: int('vcpu', 1, 64),
    memoryGiB: int('memoryGiB', 1, 512),
    diskGiB: int('diskGiB', 10, 2048),
    labels: labelsSchema.default({}),
    taints: z
      .array(taintSchema)
      .max(20, 'at most 20 taints per node pool')
      .default([]),
  })
  .refine(p => (p.replicas === undefined) !== (p.autoscaling === undefined), {
    message: 'a node pool needs either replicas or autoscaling, not both',
    path: ['replicas'],
  });

/** An IPv4 CIDR with its network bits only. */
const cidr = (what: string) =>
  z.string({ error: `${what} must be a string` }).superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: `${what}: ${parsed}` });
    }
  });

export const networkSchema = z
  .strictObject({
    podCidr: cidr('podCidr').default('10.132.0.0/14'),
    serviceCidr: cidr('serviceCidr').default('172.31.0.0/16'),
  })
  .superRefine((network, ctx) => {
    const pods = parseCidr(network.podCidr);
    const services = parseCidr(network.serviceCidr);
    if (typeof pods === 'string' || typeof services === 'string') {
      return;
    }
    if (cidrsOverlap(pods, services)) {
      ctx.addIssue({
        code: 'custom',
        message: `serviceCidr ${network.serviceCidr} overlaps podCidr ${network.podCidr}`,
        path: ['serviceCidr'],
      });
    }
    if (pods.prefix > 23) {
      ctx.addIssue({
        code: 'custom',
        message: 'podCidr must be /23 or larger (each node takes a /23)',
        path: ['podCidr'],
      });
    }
    if (services.prefix > 24) {
      ctx.addIssue({
        code: 'custom',
        message: 'serviceCidr must be /24 or larger',
        path: ['serviceCidr'],
      });
    }
  });

export const etcdSpecSchema = z.strictObject({
  storageGiB: int('etcd.storageGiB', 1, 128).default(8),
  backup: z
    .strictObject({
      schedule: z
        .string({ error: 'backup schedule must be a string' })
        .regex(CRON, 'backup schedule must be a five-field cron expression')
        .default('0 */6 * * *'),
      retention: int('backup retention', 1, 365).default(7),
    })
    .default({ schedule: '0 */6 * * *', retention: 7 }),
});

const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) ([A-Za-z0-9+/]+={0,2})( [^\r\n]*)?$/;
const SSH_PUBLIC_KEY_FORMAT =
  "sshPublicKey must be one OpenSSH public key line: 'ssh-ed25519', 'ssh-rsa' or 'ecdsa-sha2-nistp256', a space, the base64 key and an optional comment";

/** The key type at the start of an OpenSSH key blob (an SSH string: big-endian length, bytes). */
function blobKeyType(base64: string): string | undefined {
  let bytes: string;
  try {
    bytes = atob(base64);
  } catch {
    return undefined;
  }
  if (bytes.length < 4) return undefined;
  const length =
    ((bytes.charCodeAt(0) << 24) |
      (bytes.charCodeAt(1) << 16) |
      (bytes.charCodeAt(2) << 8) |
      bytes.charCodeAt(3)) >>>
    0;
  // The key material follows the type; a blob that ends after it is truncated.
  return 4 + length < bytes.length ? bytes.slice(4, 4 + length) : undefined;
}

/**
 * An OpenSSH `authorized_keys` line for the nodes. Messages never repeat the value: it reaches
 * the API through the scaffolder's secrets, which must not be written to a task's log.
 */
export const sshPublicKeySchema = z
  .string({ error: 'sshPublicKey must be a string' })
  .trim()
  .max(16_384, 'sshPublicKey must be at most 16384 characters')
  .superRefine((line, ctx) => {
    const match = SSH_PUBLIC_KEY.exec(line);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: SSH_PUBLIC_KEY_FORMAT });
    } else if (blobKeyType(match[2]) !== match[1]) {
      ctx.addIssue({
        code: 'custom',
        message: `sshPublicKey's base64 part is not a ${match[1]} key (the line may be cut short or mixed up)`,
      });
    }
  });

export const availabilitySchema = z.enum(['SingleReplica', 'HighlyAvailable'], {
  error: 'availability must be SingleReplica or HighlyAvailable',
});
export type Availability = z.infer<typeof availabilitySchema>;

export const clusterSpecSchema = z
  .strictObject({
    name: dnsLabel('cluster name', MAX_CLUSTER_NAME_LENGTH),
    owner: z
      .string({ error: 'owner must be an entity ref' })
      .max(200, 'owner must be at most 200 characters')
      .regex(
        ENTITY_REF,
        "owner must be a group or user entity ref, such as 'group:default/team-a'",
      ),
    hub: dnsLabel('hub', 63),
    version: z
      .string({ error: 'version must be a string' })
      .regex(VERSION_PATTERN, "version must look like 'v1.37.2'"),
    availability: availabilitySchema.default('SingleReplica'),
    network: networkSchema.default({
      podCidr: '10.132.0.0/14',
      serviceCidr: '172.31.0.0/16',
    }),
    nodePools: z
      .array(nodePoolSpecSchema)
      .min(1, 'a cluster needs at least one node pool')
      .max(MAX_NODE_POOLS, `at most ${MAX_NODE_POOLS} node pools`),
    etcd: etcdSpecSchema.default({
      storageGiB: 8,
      backup: { schedule: '0 */6 * * *', retention: 7 },
    }),
    deletionProtection: z
      .boolean({ error: 'deletionProtection must be true or false' })
      .default(false),
    labels: labelsSchema.default({}),
    /** For the nodes' `authorized_keys`; without it the provider generates a key pair and keeps only its public half. */
    sshPublicKey: sshPublicKeySchema.optional(),
    /** A new cluster whose etcd starts from this backup (HyperShift's `restoreSnapshotURL`). */
    restoreFrom: restoreFromSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.nodePools.forEach((pool, index) => {
      if (seen.has(pool.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `node pool name '${pool.name}' is used twice`,
          path: ['nodePools', index, 'name'],
        });
      }
      seen.add(pool.name);
    });
  });

/** A cluster spec after defaults are filled in. */
export type ClusterSpec = z.output<typeof clusterSpecSchema>;
/** A cluster spec as a caller sends it. */
export type ClusterSpecInput = z.input<typeof clusterSpecSchema>;
export type NodePoolSpec = z.output<typeof nodePoolSpecSchema>;
export type NodePoolSpecInput = z.input<typeof nodePoolSpecSchema>;

/** The group or user name of an owner entity ref (`group:default/team-a` → `team-a`). */
export function ownerName(ownerRef: string): string {
  return ownerRef
    .slice(ownerRef.lastIndexOf('/') + 1)
    .split(':')
    .pop()!;
}

interface Cidr {
  network: number;
  prefix: number;
}

/** Parses an IPv4 CIDR; returns what is wrong with it as a string. */
export function parseCidr(value: string): Cidr | string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(
    value,
  );
  if (!match) {
    return `'${value}' is not an IPv4 CIDR such as 10.132.0.0/14`;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some(octet => octet > 255) || prefix > 32) {
    return `'${value}' is out of range`;
  }
  const address =
    ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>>
    0;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  if ((address & mask) >>> 0 !== address) {
    return `'${value}' has host bits set`;
  }
  return { network: address, prefix };
}

function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}
