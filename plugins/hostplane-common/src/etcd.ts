import { z } from 'zod';

/** Why a backup was taken: on the cluster's schedule, asked for by a user, or before a restore in place. */
export const BACKUP_TRIGGERS = ['schedule', 'manual', 'pre-restore'] as const;
export const backupTriggerSchema = z.enum(BACKUP_TRIGGERS);
export type BackupTrigger = z.output<typeof backupTriggerSchema>;

/** A backup id: sortable by time, `<UTC yyyyMMddTHHmmssZ>-<6 letters or digits>`. */
export const backupIdSchema = z
  .string({ error: 'backupId must be a string' })
  .regex(
    /^\d{8}T\d{6}Z-[a-z0-9]{6}$/,
    "backupId must look like '20261208T101500Z-a1b2c3'",
  );

export const backupSummarySchema = z
  .object({
    id: backupIdSchema,
    createdAt: z.string().describe('When the snapshot was taken (ISO 8601).'),
    durationMs: z
      .number()
      .optional()
      .describe('From the start of the snapshot to the verified object.'),
    sizeBytes: z.number().describe("The etcd snapshot's size."),
    storedBytes: z
      .number()
      .describe('The encrypted object as stored (snapshot plus framing).'),
    revision: z.number().describe("etcd's revision in the snapshot."),
    dbSizeBytes: z.number().describe("The member's database size then."),
    member: z.string().describe('The etcd member the snapshot was taken from.'),
    etcdVersion: z.string(),
    kubernetesVersion: z.string(),
    sha256: z.string().describe("The snapshot's SHA-256, checked on restore."),
    trigger: backupTriggerSchema,
    requestedBy: z
      .string()
      .describe('A user entity ref, or `hostplane` for the schedule.'),
  })
  .describe(
    'One complete, verified etcd backup of a cluster. Never carries key material or store credentials.',
  );
export type BackupSummary = z.output<typeof backupSummarySchema>;

export const backupPolicySchema = z.object({
  schedule: z.string().describe('Five-field cron, in UTC.'),
  retention: z.number().describe('How many newest backups are kept.'),
});
export type BackupPolicy = z.output<typeof backupPolicySchema>;

export const listBackupsResponseSchema = z
  .object({
    items: z.array(backupSummarySchema).describe('Newest first.'),
    policy: backupPolicySchema,
    lastSuccessfulAt: z.string().optional(),
    nextScheduledAt: z
      .string()
      .optional()
      .describe('The next slot of the schedule, jitter included.'),
    store: z
      .string()
      .describe(
        'Where the backups are kept, as `directory` or `s3`: never a path, bucket credential or key.',
      ),
  })
  .describe("A cluster's etcd backups and its backup schedule.");
export type ListBackupsResponse = z.output<typeof listBackupsResponseSchema>;

/** etcd's alarm types (etcdserverpb.AlarmType), as the gateway names them. */
export const etcdAlarmSchema = z.enum(['NOSPACE', 'CORRUPT']);
export type EtcdAlarm = z.output<typeof etcdAlarmSchema>;

export const etcdMemberHealthSchema = z
  .object({
    name: z.string().describe("The member's name in etcd."),
    pod: z.string().describe('The pod on the hub that runs it (`etcd-<i>`).'),
    id: z.string().optional().describe("etcd's member id, hexadecimal."),
    reachable: z.boolean(),
    leader: z.boolean(),
    learner: z.boolean(),
    dbSizeBytes: z.number().optional(),
    dbSizeInUseBytes: z.number().optional(),
    /** (dbSize - dbSizeInUse) / dbSize, 0..1. */
    fragmentation: z.number().optional(),
    raftIndex: z.number().optional(),
    raftTerm: z.number().optional(),
    version: z.string().optional(),
    alarms: z.array(etcdAlarmSchema),
    error: z
      .string()
      .optional()
      .describe('Why the member could not be read, when it could not.'),
  })
  .describe('One etcd member as the portal shows it.');
export type EtcdMemberHealth = z.output<typeof etcdMemberHealthSchema>;

export const etcdHealthResponseSchema = z
  .object({
    members: z.array(etcdMemberHealthSchema),
    quotaBytes: z
      .number()
      .optional()
      .describe("The backend quota each member's database may reach."),
    defragmentation: z
      .object({
        fragmentationThreshold: z.number(),
        minDbSizeBytes: z.number(),
      })
      .describe(
        'When a member is defragmented automatically: at or above both thresholds.',
      ),
  })
  .describe("The health of a cluster's etcd members, read through the hub.");
export type EtcdHealthResponse = z.output<typeof etcdHealthResponseSchema>;

/** Where a new cluster's etcd is restored from: one backup of a cluster the caller may read. */
export const restoreFromSchema = z.strictObject({
  hub: z.string({ error: 'restoreFrom.hub must be a string' }),
  cluster: z.string({ error: 'restoreFrom.cluster must be a string' }),
  backupId: backupIdSchema,
});
export type RestoreFrom = z.output<typeof restoreFromSchema>;
