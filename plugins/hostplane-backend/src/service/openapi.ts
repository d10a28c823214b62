import {
  CLUSTER_PHASES,
  clusterChangeSchema,
  clusterSpecSchema,
  kubeconfigRequestSchema,
  listClustersQuerySchema,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

const schema = (type: z.ZodType) =>
  z.toJSONSchema(type, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  });

const json = (ref: string) => ({
  content: {
    'application/json': { schema: { $ref: `#/components/schemas/${ref}` } },
  },
});

const errorResponses = {
  '400': {
    description: 'Bad input; `issues` lists each problem with its field path',
    ...json('Error'),
  },
  '403': { description: 'Not allowed', ...json('Error') },
  '404': { description: 'No such hub, cluster or operation', ...json('Error') },
  '409': {
    description: 'Conflicts with the cluster state or a running operation',
    ...json('Error'),
  },
};

const clusterPath = [
  { name: 'hub', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
];

/**
 * The API as OpenAPI 3.0. Request schemas are generated from the same zod schemas the routes
 * validate with, so the document cannot drift from what is accepted.
 */
export function openApiDocument() {
  const query = schema(listClustersQuerySchema) as {
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
          requestBody: { required: true, ...json('ClusterSpec') },
          responses: {
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
          requestBody: { required: true, ...json('ClusterChange') },
          responses: {
            '202': { description: 'Started', ...json('Operation') },
            ...errorResponses,
          },
        },
        delete: {
          summary:
            'Delete a cluster (an operation); refused while deletion protection is on',
          responses: {
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
      '/clusters/{hub}/{name}/kubeconfig-issuances': {
        parameters: clusterPath,
        get: {
          summary:
            'Who was issued a kubeconfig for the cluster, and until when',
          responses: {
            '200': { description: 'Issuances, newest first' },
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
            '200': { description: 'One page of operations' },
            ...errorResponses,
          },
        },
      },
      '/operations/{id}': {
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        get: {
          summary: 'One operation with its steps and progress',
          responses: {
            '200': { description: 'The operation', ...json('Operation') },
            ...errorResponses,
          },
        },
      },
      '/operations/{id}/retry': {
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        post: {
          summary: 'Retry a failed operation from its failed step',
          responses: {
            '202': { description: 'Running again', ...json('Operation') },
            ...errorResponses,
          },
        },
      },
      '/hubs': {
        get: {
          summary: 'Configured hubs and whether they are reachable',
          responses: { '200': { description: 'Hubs' } },
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
          responses: { '200': { description: 'Versions' } },
        },
      },
    },
    components: {
      schemas: {
        ClusterSpec: schema(clusterSpecSchema),
        ClusterChange: schema(clusterChangeSchema),
        KubeconfigRequest: schema(kubeconfigRequestSchema),
        Phase: { type: 'string', enum: [...CLUSTER_PHASES] },
        Cluster: {
          type: 'object',
          required: [
            'hub',
            'name',
            'namespace',
            'owner',
            'phase',
            'nodePools',
            'conditions',
          ],
          properties: {
            hub: { type: 'string' },
            name: { type: 'string' },
            namespace: { type: 'string' },
            owner: { type: 'string' },
            phase: { $ref: '#/components/schemas/Phase' },
            reason: { type: 'string' },
            message: { type: 'string' },
            version: { type: 'string' },
            desiredVersion: { type: 'string' },
            endpoint: { type: 'string' },
            nodePools: { type: 'array', items: { type: 'object' } },
            conditions: { type: 'array', items: { type: 'object' } },
            deletionProtection: { type: 'boolean' },
            spec: { $ref: '#/components/schemas/ClusterSpec' },
          },
        },
        ClusterList: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: { $ref: '#/components/schemas/Cluster' },
            },
            totalCount: { type: 'integer' },
            phaseCounts: {
              type: 'object',
              additionalProperties: { type: 'integer' },
            },
          },
        },
        Operation: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            hub: { type: 'string' },
            cluster: { type: 'string' },
            type: { type: 'string' },
            state: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
            progress: { type: 'number' },
            steps: { type: 'array', items: { type: 'object' } },
            error: { type: 'string' },
            createdBy: { type: 'string' },
          },
        },
        Kubeconfig: {
          type: 'object',
          properties: {
            kubeconfig: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
            issuance: { type: 'object' },
          },
        },
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                message: { type: 'string' },
              },
            },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  path: { type: 'array', items: {} },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
}
