import {
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
        Error: schema(errorResponseSchema, 'output'),
      },
    },
  };
}
