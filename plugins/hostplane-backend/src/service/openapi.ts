import {
  etcdHealthResponseSchema,
  listBackupsResponseSchema,
  clusterChangeSchema,
  clusterSpecSchema,
  clusterStatusSchema,
  fieldIssueSchema,
  hubListResponseSchema,
  ownerChoicesResponseSchema,
  plannedOperationSchema,
  hubVersionsResponseSchema,
  kubeconfigRequestSchema,
  kubeconfigResponseSchema,
  listClustersQuerySchema,
  listClustersResponseSchema,
  listKubeconfigIssuancesResponseSchema,
  listOperationsResponseSchema,
  operationSchema,
  serviceCredentialResponseSchema,
  liveLogQuerySchema,
  logLineSchema,
  logPodsResponseSchema,
  logStoreStatusSchema,
  logSearchQuerySchema,
  logSearchResponseSchema,
  logHitsResponseSchema,
  auditSearchQuerySchema,
  auditSearchResponseSchema,
  tenantEventsResponseSchema,
  clusterMetricsQuerySchema,
  alertSilenceRequestSchema,
  alertSilenceResponseSchema,
  alertSummaryResponseSchema,
  clusterAlertsResponseSchema,
  clusterMetricsRawQuerySchema,
  clusterMetricsRawResponseSchema,
  clusterMetricsResponseSchema,
  alertFalsePositiveSchema,
  alertStatusChangeSchema,
  clusterResponsePolicySchema,
  listThreatAlertsQuerySchema,
  listThreatAlertsResponseSchema,
  responseActionRequestSchema,
  responseActionSchema,
  responsePolicySchema,
  threatAlertSchema,
  threatReportSchema,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

/** Requests are described as callers may send them (defaults optional), responses as sent. */
const schema = (type: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(type, {
    io,
    unrepresentable: 'any',
    target: 'openapi-3.0',
  });

/**
 * A failed request's body. The router answers bad input itself, with `issues`; every other error
 * goes through Backstage's error handler, which adds `request` and `response`.
 */
const errorResponseSchema = z.object({
  error: z.looseObject({ name: z.string(), message: z.string() }),
  issues: z
    .array(fieldIssueSchema)
    .optional()
    .describe('Each problem with the input (400 only).'),
  request: z.object({ method: z.string(), url: z.string() }).optional(),
  response: z
    .object({ statusCode: z.number().int().min(400).max(599) })
    .optional(),
});

const json = (ref: string) => ({
  content: {
    'application/json': { schema: { $ref: `#/components/schemas/${ref}` } },
  },
});

const dryRunParameter = {
  name: 'dryRun',
  in: 'query',
  description:
    'true: make every check the request would and start nothing; answers 200 with the operation it would start',
  schema: { type: 'string', enum: ['true', 'false'] },
};

const dryRunResponse = {
  '200': {
    description: 'A dry run passed every check; nothing was started',
    ...json('PlannedOperation'),
  },
};

const errorResponses = {
  '400': {
    description: 'Bad input; `issues` lists each problem with its field path',
    ...json('Error'),
  },
  '403': { description: 'Not allowed', ...json('Error') },
  '404': { description: 'No such hub, cluster or operation', ...json('Error') },
  '409': {
    description:
      "Conflicts with the cluster state, a running operation, or what its hub's provider supports",
    ...json('Error'),
  },
  '503': {
    description:
      'Not for now: the hub has not been listed since the backend started, the hub or a tenant API server refused or did not answer, or the permission backend did not decide; try again shortly',
    ...json('Error'),
  },
};

const idPath = [
  { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
];

const clusterPath = [
  { name: 'hub', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
];

/** A route's query parameters, from the schema it validates them with. */
function queryParameters(querySchema: z.ZodType) {
  const { properties, required = [] } = schema(querySchema, 'input') as {
    properties: Record<string, object>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: s,
  }));
}

/**
 * The API as OpenAPI 3.0. Request schemas are generated from the same zod schemas the routes
 * validate with, and response schemas from the zod schemas whose types the routes answer with, so
 * the document cannot drift from what is accepted or returned.
 */
export function openApiDocument() {
  const query = schema(listClustersQuerySchema, 'input') as {
    properties: Record<string, object>;
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'Hostplane',
      version: '1',
      description:
        'Tenant clusters on hub clusters: hosted control planes with KubeVirt workers',
    },
    servers: [{ url: '/api/hostplane' }],
    paths: {
      '/openapi.json': {
        get: {
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI document' } },
        },
      },
      '/clusters': {
        get: {
          summary: 'List clusters: paged, filtered and sorted by the server',
          parameters: Object.entries(query.properties).map(([name, s]) => ({
            name,
            in: 'query',
            schema: s,
          })),
          responses: {
            '200': { description: 'One page', ...json('ClusterList') },
            ...errorResponses,
          },
        },
        post: {
          summary: 'Create a cluster (an operation)',
          parameters: [dryRunParameter],
          requestBody: { required: true, ...json('ClusterSpec') },
          responses: {
            ...dryRunResponse,
            '202': { description: 'Started', ...json('Operation') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}': {
        parameters: clusterPath,
        get: {
          summary: 'One cluster',
          responses: {
            '200': { description: 'The cluster', ...json('Cluster') },
            ...errorResponses,
          },
        },
        patch: {
          summary: 'Change a cluster (an operation)',
          parameters: [dryRunParameter],
          requestBody: { required: true, ...json('ClusterChange') },
          responses: {
            ...dryRunResponse,
            '202': { description: 'Started', ...json('Operation') },
            ...errorResponses,
          },
        },
        delete: {
          summary:
            'Delete a cluster (an operation); refused while deletion protection is on',
          parameters: [dryRunParameter],
          responses: {
            ...dryRunResponse,
            '202': { description: 'Started', ...json('Operation') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/kubeconfig': {
        parameters: clusterPath,
        post: {
          summary: 'Issue a short-lived kubeconfig for the caller (recorded)',
          requestBody: { required: false, ...json('KubeconfigRequest') },
          responses: {
            '200': {
              description: 'The kubeconfig and its expiry',
              ...json('Kubeconfig'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/service-credentials': {
        parameters: clusterPath,
        post: {
          summary:
            'Issue a short-lived, read-only client certificate to a backend plugin (service principals only; recorded)',
          responses: {
            '200': {
              description:
                'The certificate, its key, the CA to trust and the expiry',
              ...json('ServiceCredential'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/backups': {
        parameters: clusterPath,
        get: {
          summary:
            "The cluster's etcd backups, newest first, and its backup schedule (hostplane.backup.read)",
          responses: {
            '200': { description: 'Backups', ...json('BackupList') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/etcd': {
        parameters: clusterPath,
        get: {
          summary:
            "The health of the cluster's etcd members, read through its hub (hostplane.backup.read)",
          responses: {
            '200': { description: 'Members', ...json('EtcdHealth') },
            ...errorResponses,
          },
        },
      },
      '/restore-snapshots/{token}': {
        parameters: [
          {
            name: 'token',
            in: 'path',
            required: true,
            description:
              'Signed and short-lived; names one backup. Rendered into the hub object of a restore only.',
            schema: { type: 'string' },
          },
        ],
        get: {
          summary:
            "A backup's decrypted etcd snapshot, for a hub's restore (no Backstage credentials: the token is the credential)",
          security: [],
          responses: {
            '200': {
              description:
                'The snapshot, as `etcdctl snapshot save` writes it; cut short if a check fails on the way',
              content: {
                'application/octet-stream': {
                  schema: { type: 'string', format: 'binary' },
                },
              },
            },
            '403': {
              description: 'The token is malformed, altered or expired',
              ...json('Error'),
            },
            '404': { description: 'No such backup', ...json('Error') },
            '409': {
              description: 'The backup cannot be served (it fails a check)',
              ...json('Error'),
            },
          },
        },
      },
      '/clusters/{hub}/{name}/kubeconfig-issuances': {
        parameters: clusterPath,
        get: {
          summary:
            'Who was issued a kubeconfig for the cluster, and until when',
          responses: {
            '200': {
              description: 'Issuances, newest first',
              ...json('KubeconfigIssuanceList'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/pods': {
        parameters: clusterPath,
        get: {
          summary:
            "The cluster's control-plane containers whose logs can be followed",
          responses: {
            '200': {
              description: 'By component, then pod',
              ...json('LogPods'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/live': {
        parameters: clusterPath,
        get: {
          summary:
            "Follow a control-plane container's log: server-sent `line` events (secrets redacted), then `end` or `error`",
          parameters: queryParameters(liveLogQuerySchema),
          responses: {
            '200': {
              description:
                'An event stream: `line` (data: LogLine), `end` when a log not followed is complete, `error` when the hub ended it',
              content: {
                'text/event-stream': {
                  schema: { $ref: '#/components/schemas/LogLine' },
                },
              },
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/metrics': {
        parameters: clusterPath,
        get: {
          summary:
            "Named panels of the cluster's control-plane metrics over a time range, from its hub's store",
          parameters: queryParameters(clusterMetricsQuerySchema),
          responses: {
            '200': {
              description:
                'Each panel with its series; a panel the store failed has its error',
              ...json('ClusterMetrics'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/metrics/query': {
        parameters: clusterPath,
        get: {
          summary:
            "One PromQL query over the cluster's series only (every selector is limited to them)",
          parameters: queryParameters(clusterMetricsRawQuerySchema),
          responses: {
            '200': {
              description: 'The series it selects',
              ...json('ClusterMetricsQuery'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/alerts': {
        parameters: clusterPath,
        get: {
          summary:
            "The cluster's control-plane alerts: firing, then resolved (kept a day), with silences and acknowledgements",
          responses: {
            '200': { description: 'The alerts', ...json('ClusterAlerts') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/alerts/silences': {
        parameters: clusterPath,
        post: {
          summary:
            "Silence one of the cluster's alerts in its hub's Alertmanager, for a duration and with a comment (recorded with who)",
          requestBody: { required: true, ...json('AlertSilenceRequest') },
          responses: {
            '201': { description: 'Silenced', ...json('AlertSilence') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/alerts/{fingerprint}/acknowledge': {
        parameters: [
          ...clusterPath,
          {
            name: 'fingerprint',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        post: {
          summary:
            "Acknowledge one of the cluster's alerts (recorded with who)",
          responses: {
            '204': { description: 'Acknowledged' },
            ...errorResponses,
          },
        },
      },
      '/alerts/summary': {
        get: {
          summary:
            'What fires on every cluster the caller may read: firing alerts by severity, silenced ones, open threat alerts; clusters with nothing are left out',
          responses: {
            '200': { description: 'The summary', ...json('AlertSummary') },
            ...errorResponses,
          },
        },
      },
      '/alerts/webhook/{hub}': {
        parameters: [
          {
            name: 'hub',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        post: {
          summary:
            "Alertmanager's webhook (version 4 payload) for the hub's alerts; authenticated by the hub's webhook token, not Backstage's",
          responses: {
            '204': { description: 'Received' },
            '400': errorResponses['400'],
            '401': { description: "Without the hub's token", ...json('Error') },
            '404': errorResponses['404'],
          },
        },
      },
      '/threats/alerts': {
        get: {
          summary:
            'Threat alerts of every cluster the caller may read, the most recently seen first',
          parameters: queryParameters(listThreatAlertsQuerySchema),
          responses: {
            '200': { description: 'The alerts', ...json('ThreatAlertList') },
            ...errorResponses,
          },
        },
      },
      '/threats/audit/{hub}/{cluster}': {
        parameters: [
          {
            name: 'hub',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
          {
            name: 'cluster',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        post: {
          summary:
            "A tenant API server's audit webhook (an audit.k8s.io/v1 EventList); authenticated by the cluster's webhook token, not Backstage's. The batch is stored before it is acknowledged",
          responses: {
            '200': {
              description: 'Stored',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { accepted: { type: 'integer' } },
                  },
                },
              },
            },
            '400': { description: 'Not an EventList', ...json('Error') },
            '401': {
              description: "Without the cluster's webhook token",
              ...json('Error'),
            },
            '413': { description: 'The batch is too large', ...json('Error') },
            '429': {
              description: 'Detection is behind; retry after Retry-After',
              ...json('Error'),
            },
            '503': {
              description: 'Not stored; retry after Retry-After',
              ...json('Error'),
            },
          },
        },
      },
      '/clusters/{hub}/{name}/threats/alerts': {
        parameters: clusterPath,
        get: {
          summary: "The cluster's threat alerts, the most recently seen first",
          parameters: queryParameters(listThreatAlertsQuerySchema),
          responses: {
            '200': { description: 'The alerts', ...json('ThreatAlertList') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/alerts/{id}': {
        parameters: [...clusterPath, ...idPath],
        get: {
          summary: 'One threat alert, with its timeline and history',
          responses: {
            '200': { description: 'The alert', ...json('ThreatAlert') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/alerts/{id}/status': {
        parameters: [...clusterPath, ...idPath],
        post: {
          summary:
            'Move a threat alert through its lifecycle (recorded with who and why); 409 for a move the lifecycle lacks',
          requestBody: { required: true, ...json('AlertStatusChange') },
          responses: {
            '200': { description: 'The alert', ...json('ThreatAlert') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/alerts/{id}/false-positive': {
        parameters: [...clusterPath, ...idPath],
        post: {
          summary:
            "Mark a threat alert a false positive; its rule stays quiet for the alert's subject or the whole cluster from the next event",
          requestBody: { required: true, ...json('AlertFalsePositive') },
          responses: {
            '200': { description: 'The alert', ...json('ThreatAlert') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/alerts/{id}/report': {
        parameters: [...clusterPath, ...idPath],
        get: {
          summary:
            "A threat alert's report: the alert, the cluster's response policy, what the tenant holds of its subject, the suggested actions and those taken",
          responses: {
            '200': { description: 'The report', ...json('ThreatReport') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/alerts/{id}/actions': {
        parameters: [...clusterPath, ...idPath],
        post: {
          summary:
            'Take a response action on a threat alert inside the tenant (recorded and audited); with dryRun, only the changes it would make',
          requestBody: { required: true, ...json('ResponseActionRequest') },
          responses: {
            '200': {
              description:
                'A dry run: the changes it would make; nothing changed',
              ...json('ResponseAction'),
            },
            '201': {
              description: 'Taken: done, or failed with its error',
              ...json('ResponseAction'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/policy': {
        parameters: clusterPath,
        get: {
          summary:
            "How the cluster answers threat alerts: its own response policy or the hub's default",
          responses: {
            '200': {
              description: 'The policy',
              ...json('ClusterResponsePolicy'),
            },
            ...errorResponses,
          },
        },
        put: {
          summary: "Set the cluster's response policy (recorded and audited)",
          requestBody: { required: true, ...json('ResponsePolicy') },
          responses: {
            '200': {
              description: 'The policy',
              ...json('ClusterResponsePolicy'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/actions': {
        parameters: clusterPath,
        get: {
          summary: 'The response actions taken on the cluster, newest first',
          responses: {
            '200': {
              description: 'The actions',
              ...json('ResponseActionList'),
            },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/threats/actions/{actionId}/revert': {
        parameters: [
          ...clusterPath,
          {
            name: 'actionId',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        post: {
          summary:
            'Undo a done, reversible response action (recorded and audited); 409 for one that cannot be',
          responses: {
            '200': { description: 'Reverted', ...json('ResponseAction') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/store': {
        parameters: clusterPath,
        get: {
          summary:
            "Whether the cluster's hub has a log store that answers, and its bounds",
          responses: {
            '200': { description: 'The log store', ...json('LogStoreStatus') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/search': {
        parameters: clusterPath,
        get: {
          summary:
            "Search the cluster's control-plane lines in its hub's log store (secrets redacted)",
          parameters: queryParameters(logSearchQuerySchema),
          responses: {
            '200': { description: 'Newest first', ...json('LogSearch') },
            '429': { description: 'Too many searches', ...json('Error') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/hits': {
        parameters: clusterPath,
        get: {
          summary: 'How many control-plane lines match, per time step',
          parameters: queryParameters(logSearchQuerySchema),
          responses: {
            '200': { description: 'Oldest first', ...json('LogHits') },
            '429': { description: 'Too many searches', ...json('Error') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/audit': {
        parameters: clusterPath,
        get: {
          summary: "The tenant API server's audit events",
          parameters: queryParameters(auditSearchQuerySchema),
          responses: {
            '200': { description: 'Newest first', ...json('AuditSearch') },
            '429': { description: 'Too many searches', ...json('Error') },
            ...errorResponses,
          },
        },
      },
      '/clusters/{hub}/{name}/logs/events': {
        parameters: clusterPath,
        get: {
          summary: "The tenant's Kubernetes events, warnings first",
          responses: {
            '200': { description: 'Events', ...json('TenantEvents') },
            ...errorResponses,
          },
        },
      },
      '/operations': {
        get: {
          summary: 'List operations, newest first',
          parameters: ['hub', 'cluster', 'offset', 'limit'].map(name => ({
            name,
            in: 'query',
            schema: {
              type:
                name === 'offset' || name === 'limit' ? 'integer' : 'string',
            },
          })),
          responses: {
            '200': {
              description: 'One page of operations',
              ...json('OperationList'),
            },
            ...errorResponses,
          },
        },
      },
      '/operations/{id}': {
        parameters: idPath,
        get: {
          summary: 'One operation with its steps and progress',
          responses: {
            '200': { description: 'The operation', ...json('Operation') },
            ...errorResponses,
          },
        },
      },
      '/operations/{id}/retry': {
        parameters: idPath,
        post: {
          summary: 'Retry a failed operation from its failed step',
          responses: {
            '202': { description: 'Running again', ...json('Operation') },
            ...errorResponses,
          },
        },
      },
      '/owners': {
        get: {
          summary:
            'Whom the caller may create clusters for: owners whose clusters they may operate',
          responses: {
            '200': { description: 'Owners', ...json('OwnerChoices') },
          },
        },
      },
      '/hubs': {
        get: {
          summary: 'Configured hubs and whether they are reachable',
          responses: { '200': { description: 'Hubs', ...json('HubList') } },
        },
      },
      '/hubs/{hub}/versions': {
        parameters: [
          {
            name: 'hub',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        get: {
          summary: 'Kubernetes versions the hub offers',
          responses: {
            '200': { description: 'Versions', ...json('HubVersions') },
            '404': { description: 'No such hub', ...json('Error') },
          },
        },
      },
    },
    components: {
      schemas: {
        ClusterSpec: schema(clusterSpecSchema, 'input'),
        ClusterChange: schema(clusterChangeSchema, 'input'),
        KubeconfigRequest: schema(kubeconfigRequestSchema, 'input'),
        Cluster: schema(clusterStatusSchema, 'output'),
        ClusterList: schema(listClustersResponseSchema, 'output'),
        Operation: schema(operationSchema, 'output'),
        PlannedOperation: schema(plannedOperationSchema, 'output'),
        OperationList: schema(listOperationsResponseSchema, 'output'),
        Kubeconfig: schema(kubeconfigResponseSchema, 'output'),
        ServiceCredential: schema(serviceCredentialResponseSchema, 'output'),
        KubeconfigIssuanceList: schema(
          listKubeconfigIssuancesResponseSchema,
          'output',
        ),
        HubList: schema(hubListResponseSchema, 'output'),
        OwnerChoices: schema(ownerChoicesResponseSchema, 'output'),
        HubVersions: schema(hubVersionsResponseSchema, 'output'),
        LogPods: schema(logPodsResponseSchema, 'output'),
        LogLine: schema(logLineSchema, 'output'),
        LogStoreStatus: schema(logStoreStatusSchema, 'output'),
        LogSearch: schema(logSearchResponseSchema, 'output'),
        LogHits: schema(logHitsResponseSchema, 'output'),
        AuditSearch: schema(auditSearchResponseSchema, 'output'),
        TenantEvents: schema(tenantEventsResponseSchema, 'output'),
        ClusterMetrics: schema(clusterMetricsResponseSchema, 'output'),
        ClusterAlerts: schema(clusterAlertsResponseSchema, 'output'),
        AlertSilenceRequest: schema(alertSilenceRequestSchema, 'input'),
        AlertSilence: schema(alertSilenceResponseSchema, 'output'),
        AlertSummary: schema(alertSummaryResponseSchema, 'output'),
        ClusterMetricsQuery: schema(clusterMetricsRawResponseSchema, 'output'),
        BackupList: schema(listBackupsResponseSchema, 'output'),
        EtcdHealth: schema(etcdHealthResponseSchema, 'output'),
        ThreatAlert: schema(threatAlertSchema, 'output'),
        ThreatAlertList: schema(listThreatAlertsResponseSchema, 'output'),
        AlertStatusChange: schema(alertStatusChangeSchema, 'input'),
        AlertFalsePositive: schema(alertFalsePositiveSchema, 'input'),
        ThreatReport: schema(threatReportSchema, 'output'),
        ResponsePolicy: schema(responsePolicySchema, 'input'),
        ClusterResponsePolicy: schema(clusterResponsePolicySchema, 'output'),
        ResponseActionRequest: schema(responseActionRequestSchema, 'input'),
        ResponseAction: schema(responseActionSchema, 'output'),
        ResponseActionList: schema(
          z.object({ items: z.array(responseActionSchema) }),
          'output',
        ),
        Error: schema(errorResponseSchema, 'output'),
      },
    },
  };
}
