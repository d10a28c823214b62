import type { K8sAuditEvent } from '@hostplane/plugin-hostplane-common';
import { randomUUID } from 'node:crypto';

/**
 * Audit events as a kube-apiserver writes them at `Request` level, for the unit tests: the
 * fields the rules read, shaped like the real ones (see the hub test for real events).
 */

let clock = Date.parse('2026-12-01T09:00:00Z');

/** Moves the events' clock; every event made after takes the new time. */
export function setClock(at: number) {
  clock = at;
}
export function advance(ms: number) {
  clock += ms;
}
export function now() {
  return clock;
}

export interface Request {
  user: string;
  groups?: string[];
  verb: string;
  resource: string;
  /** A non-resource request (`/healthz`): its path, and no object reference. */
  path?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  apiGroup?: string;
  code?: number;
  body?: unknown;
  userAgent?: string;
  stage?: K8sAuditEvent['stage'];
  impersonate?: string;
}

export function auditEvent(request: Request): K8sAuditEvent {
  const groups =
    request.groups ??
    (request.user === 'system:anonymous'
      ? ['system:unauthenticated']
      : ['system:authenticated']);
  const group = request.apiGroup ?? '';
  const base = group ? `/apis/${group}/v1` : '/api/v1';
  const ns = request.namespace ? `/namespaces/${request.namespace}` : '';
  const name = request.name ? `/${request.name}` : '';
  const sub = request.subresource ? `/${request.subresource}` : '';
  const at = new Date(clock).toISOString();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Request',
    auditID: randomUUID(),
    stage: request.stage ?? 'ResponseComplete',
    requestURI: request.path ?? `${base}${ns}/${request.resource}${name}${sub}`,
    verb: request.verb,
    user: { username: request.user, groups },
    ...(request.impersonate
      ? { impersonatedUser: { username: request.impersonate } }
      : {}),
    sourceIPs: ['10.0.0.7'],
    userAgent: request.userAgent ?? 'kubectl/v1.37.2 (linux/amd64)',
    ...(request.path
      ? {}
      : {
          objectRef: {
            resource: request.resource,
            ...(request.namespace ? { namespace: request.namespace } : {}),
            ...(request.name ? { name: request.name } : {}),
            ...(request.subresource
              ? { subresource: request.subresource }
              : {}),
            ...(group ? { apiGroup: group } : {}),
            apiVersion: 'v1',
          },
        }),
    responseStatus: { code: request.code ?? 200 },
    ...(request.body !== undefined ? { requestObject: request.body } : {}),
    requestReceivedTimestamp: at,
    stageTimestamp: at,
  };
}

export function podBody(
  name: string,
  spec: Record<string, unknown> = {},
  image = 'docker.io/library/nginx:1.27',
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'main', image }], ...spec },
  };
}

export function deploymentBody(name: string, replicas: number, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image }] },
      },
    },
  };
}
