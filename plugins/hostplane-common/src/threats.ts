import { z } from 'zod';

/**
 * Kubernetes audit events (`audit.k8s.io/v1`) as a tenant's kube-apiserver posts them to the
 * audit webhook, and the threat alerts Hostplane raises from them.
 */

const auditObjectRefSchema = z.object({
  resource: z.string().max(253).optional(),
  namespace: z.string().max(253).optional(),
  name: z.string().max(253).optional(),
  uid: z.string().max(253).optional(),
  apiGroup: z.string().max(253).optional(),
  apiVersion: z.string().max(253).optional(),
  resourceVersion: z.string().max(253).optional(),
  subresource: z.string().max(253).optional(),
});

const auditUserSchema = z.object({
  username: z.string().max(1024).optional(),
  uid: z.string().max(1024).optional(),
  groups: z.array(z.string().max(1024)).max(256).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});

export const AUDIT_STAGES = [
  'RequestReceived',
  'ResponseStarted',
  'ResponseComplete',
  'Panic',
] as const;

export const k8sAuditEventSchema = z.object({
  kind: z.literal('Event').optional(),
  apiVersion: z.literal('audit.k8s.io/v1').optional(),
  level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']),
  auditID: z.string().min(1).max(128),
  stage: z.enum(AUDIT_STAGES),
  requestURI: z.string().max(8192),
  verb: z.string().max(64),
  user: auditUserSchema,
  impersonatedUser: auditUserSchema.optional(),
  sourceIPs: z.array(z.string().max(64)).max(32).optional(),
  userAgent: z.string().max(1024).optional(),
  objectRef: auditObjectRefSchema.optional(),
  responseStatus: z
    .object({
      code: z.number().int().optional(),
      status: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  requestObject: z.unknown().optional(),
  responseObject: z.unknown().optional(),
  requestReceivedTimestamp: z.string().max(64).optional(),
  stageTimestamp: z.string().max(64).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type K8sAuditEvent = z.output<typeof k8sAuditEventSchema>;

/** The batch a kube-apiserver's audit webhook posts. */
export const k8sAuditEventListSchema = z.object({
  kind: z.literal('EventList'),
  apiVersion: z.literal('audit.k8s.io/v1'),
  items: z.array(k8sAuditEventSchema),
});
export type K8sAuditEventList = z.output<typeof k8sAuditEventListSchema>;

/** Rule priorities, lowest first (Falco's scale, shortened). */
export const THREAT_PRIORITIES = [
  'info',
  'low',
  'medium',
  'high',
  'critical',
] as const;
export const threatPrioritySchema = z.enum(THREAT_PRIORITIES);
export type ThreatPriority = z.output<typeof threatPrioritySchema>;

/** What an alert is about, which is also what it is deduplicated on with its rule. */
export const THREAT_SUBJECT_KINDS = [
  'user',
  'pod',
  'binding',
  'role',
  'object',
] as const;
export const threatSubjectSchema = z.object({
  kind: z.enum(THREAT_SUBJECT_KINDS),
  /** The identity that acted; for a `user` subject, the subject itself. */
  user: z.string(),
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
});
export type ThreatSubject = z.output<typeof threatSubjectSchema>;

export const ALERT_STATUSES = [
  'open',
  'acknowledged',
  'mitigated',
  'resolved',
  'falsePositive',
] as const;
export const alertStatusSchema = z.enum(ALERT_STATUSES);
export type AlertStatus = z.output<typeof alertStatusSchema>;

export const mitreTechniqueSchema = z.object({
  id: z.string().regex(/^T\d{4}(\.\d{3})?$/, 'a MITRE ATT&CK technique id'),
  name: z.string(),
  tactic: z.string(),
});
export type MitreTechnique = z.output<typeof mitreTechniqueSchema>;

/** One term of an alert's likelihood, with why it counts. */
export const likelihoodTermSchema = z.object({
  term: z.string(),
  value: z.number(),
  why: z.string(),
});
export type LikelihoodTerm = z.output<typeof likelihoodTermSchema>;

/** What was unusual about an event against the cluster's baseline. */
export const anomalyFindingSchema = z.object({
  kind: z.enum(['firstAction', 'deniedBurst', 'rateSpike']),
  score: z.number().min(0).max(1),
  detail: z.string(),
  baseline: z.string().describe('The baseline it was compared with.'),
});
export type AnomalyFinding = z.output<typeof anomalyFindingSchema>;

/** One audit event of an alert's timeline, reduced to what the report shows. */
export const alertEventSchema = z.object({
  auditID: z.string(),
  at: z.string(),
  verb: z.string(),
  user: z.string(),
  requestURI: z.string(),
  code: z.number().optional(),
  sourceIP: z.string().optional(),
  userAgent: z.string().optional(),
});
export type AlertEvent = z.output<typeof alertEventSchema>;

export const LIKELIHOOD_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type LikelihoodLevel = (typeof LIKELIHOOD_LEVELS)[number];

export const threatAlertSchema = z.object({
  id: z.string(),
  hub: z.string(),
  cluster: z.string(),
  ruleId: z.string(),
  title: z.string(),
  priority: threatPrioritySchema,
  mitre: mitreTechniqueSchema,
  description: z.string(),
  remediation: z.string(),
  subject: threatSubjectSchema,
  status: alertStatusSchema,
  likelihood: z.number().min(0).max(1),
  level: z.enum(LIKELIHOOD_LEVELS),
  likelihoodTerms: z.array(likelihoodTermSchema),
  anomalies: z.array(anomalyFindingSchema),
  count: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  timeline: z
    .array(alertEventSchema)
    .describe('The newest events of the alert, oldest first, capped.'),
  history: z.array(
    z.object({
      at: z.string(),
      status: alertStatusSchema,
      by: z.string(),
      note: z.string().optional(),
    }),
  ),
});
export type ThreatAlert = z.output<typeof threatAlertSchema>;

export const listThreatAlertsQuerySchema = z.strictObject({
  status: z
    .string()
    .optional()
    .transform(value => (value ? value.split(',') : undefined))
    .pipe(z.array(alertStatusSchema).optional())
    .describe('Comma-separated statuses; every status when absent.'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const listThreatAlertsResponseSchema = z.object({
  items: z.array(threatAlertSchema).describe('The most recently seen first.'),
});
export type ListThreatAlertsResponse = z.output<
  typeof listThreatAlertsResponseSchema
>;

/** A user's move of an alert through its lifecycle. */
export const alertStatusChangeSchema = z.strictObject({
  status: z.enum(['open', 'acknowledged', 'resolved']),
  note: z.string().max(2000).optional(),
});
export type AlertStatusChange = z.output<typeof alertStatusChangeSchema>;

/** Marks an alert a false positive and stops its rule firing again for the same case. */
export const alertFalsePositiveSchema = z.strictObject({
  reason: z.string().min(1).max(2000),
  scope: z
    .enum(['subject', 'cluster'])
    .describe(
      "`subject`: the rule stays quiet for this alert's subject on this cluster; `cluster`: for the whole cluster.",
    ),
});
export type AlertFalsePositive = z.output<typeof alertFalsePositiveSchema>;

/**
 * How a cluster answers its threat alerts: `off` does nothing but alert, `suggest` offers
 * actions for a person to apply, `auto` also carries out a rule's response on its own for alerts
 * at or above `autoThreshold`.
 */
export const RESPONSE_MODES = ['off', 'suggest', 'auto'] as const;
export const responseModeSchema = z.enum(RESPONSE_MODES);
export type ResponseMode = z.output<typeof responseModeSchema>;

export const responsePolicySchema = z.strictObject({
  mode: responseModeSchema,
  autoThreshold: z
    .number()
    .min(0)
    .max(1)
    .describe('Likelihood from which `auto` acts on its own.'),
});
export type ResponsePolicy = z.output<typeof responsePolicySchema>;

export const clusterResponsePolicySchema = responsePolicySchema.extend({
  updatedBy: z.string().optional(),
  updatedAt: z.string().optional(),
  /** True while the cluster follows the hub's default. */
  isDefault: z.boolean(),
});
export type ClusterResponsePolicy = z.output<
  typeof clusterResponsePolicySchema
>;

/**
 * What a response does inside the tenant. `isolatePod` labels the pod and applies a deny-all
 * NetworkPolicy selecting it; `revokeKubeconfigs` rotates the tenant's client CA, since
 * Kubernetes cannot revoke one client certificate; `applyManifest` applies a suggested object.
 */
export const RESPONSE_ACTION_KINDS = [
  'isolatePod',
  'terminatePod',
  'scaleOwnerToZero',
  'removeBinding',
  'revokeKubeconfigs',
  'applyManifest',
] as const;
export const responseActionKindSchema = z.enum(RESPONSE_ACTION_KINDS);
export type ResponseActionKind = z.output<typeof responseActionKindSchema>;

/** The object an action is taken on. */
export const responseTargetSchema = z.strictObject({
  kind: z.string().max(64).describe('Pod, ClusterRoleBinding, RoleBinding…'),
  namespace: z.string().max(253).optional(),
  name: z.string().max(253),
});
export type ResponseTarget = z.output<typeof responseTargetSchema>;

export const responseActionRequestSchema = z.strictObject({
  kind: responseActionKindSchema,
  target: responseTargetSchema.optional(),
  /** For `applyManifest`: the YAML of one object, as a suggestion offered it. */
  manifest: z.string().max(65536).optional(),
  dryRun: z.boolean().default(false),
});
export type ResponseActionRequest = z.input<typeof responseActionRequestSchema>;

/** One object an action created, changed or deleted, with its state before and after. */
export const responseChangeSchema = z.object({
  operation: z.enum(['apply', 'delete', 'scale', 'rotateCredentials']),
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type ResponseChange = z.output<typeof responseChangeSchema>;

export const RESPONSE_ACTION_STATUSES = [
  'pending',
  'done',
  'failed',
  'reverted',
  'dryRun',
] as const;

/** An action taken (or, with dry-run, planned) on an alert, recorded with who or what did it. */
export const responseActionSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  hub: z.string(),
  cluster: z.string(),
  kind: responseActionKindSchema,
  target: responseTargetSchema.optional(),
  status: z.enum(RESPONSE_ACTION_STATUSES),
  /** A user entity ref, or `policy:auto` for an automatic response. */
  by: z.string(),
  at: z.string(),
  changes: z.array(responseChangeSchema),
  reversible: z.boolean(),
  error: z.string().optional(),
  revertedBy: z.string().optional(),
  revertedAt: z.string().optional(),
});
export type ResponseAction = z.output<typeof responseActionSchema>;

/** A ready-to-apply answer to an alert below the automatic threshold, or under `suggest`. */
export const responseSuggestionSchema = z.object({
  title: z.string(),
  why: z.string(),
  request: responseActionRequestSchema,
  /** The objects it would create or change, as YAML, for a person to read before applying. */
  yaml: z.string().optional(),
});
export type ResponseSuggestion = z.output<typeof responseSuggestionSchema>;

/** What the report shows of the workload and identity an alert is about, read from the tenant. */
export const threatContextSchema = z.object({
  pod: z
    .object({
      namespace: z.string(),
      name: z.string(),
      node: z.string().optional(),
      serviceAccount: z.string().optional(),
      images: z.array(z.string()),
      privileged: z.boolean(),
      hostPaths: z.array(z.string()),
      labels: z.record(z.string(), z.string()),
      owner: z.object({ kind: z.string(), name: z.string() }).optional(),
      phase: z.string().optional(),
    })
    .optional(),
  serviceAccountBindings: z
    .array(
      z.object({
        kind: z.enum(['RoleBinding', 'ClusterRoleBinding']),
        namespace: z.string().optional(),
        name: z.string(),
        role: z.string(),
      }),
    )
    .optional(),
  binding: z
    .object({
      kind: z.enum(['RoleBinding', 'ClusterRoleBinding']),
      namespace: z.string().optional(),
      name: z.string(),
      role: z.string(),
      subjects: z.array(z.string()),
      exists: z.boolean(),
    })
    .optional(),
  /** Why some context is missing (the tenant unreachable, the object gone). */
  unavailable: z.string().optional(),
});
export type ThreatContext = z.output<typeof threatContextSchema>;

export const threatReportSchema = z.object({
  alert: threatAlertSchema,
  policy: clusterResponsePolicySchema,
  context: threatContextSchema,
  suggestions: z.array(responseSuggestionSchema),
  actions: z.array(responseActionSchema).describe('Newest first.'),
});
export type ThreatReport = z.output<typeof threatReportSchema>;
