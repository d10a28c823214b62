import type { K8sAuditEvent } from '@hostplane/plugin-hostplane-common';

/**
 * What a rule's CEL condition sees of one audit event, as `ev`: every field is always present
 * (empty when the event has no such thing), so a condition never fails on a missing key and a
 * typo in a rule fails at load against `EMPTY_FACTS`.
 */
export interface AuditFacts {
  verb: string;
  stage: string;
  uri: string;
  user: string;
  groups: string[];
  userAgent: string;
  sourceIP: string;
  /** No credential: `system:anonymous`, in `system:unauthenticated`, or no user at all. */
  anonymous: boolean;
  /** The acting identity is a service account: its namespace and name, else empty. */
  serviceAccount: { namespace: string; name: string };
  impersonatedUser: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  apiGroup: string;
  code: number;
  /** The request was allowed and succeeded (2xx). */
  succeeded: boolean;
  /** Authorization refused it (401 or 403). */
  denied: boolean;
  pod: PodFacts;
  binding: BindingFacts;
  role: RoleFacts;
  configMap: { keys: string[]; text: string };
  service: { type: string; nodePorts: number[] };
}

export interface PodFacts {
  present: boolean;
  privileged: boolean;
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostPaths: string[];
  hostPorts: number[];
  images: string[];
  capabilitiesAdded: string[];
  allowPrivilegeEscalation: boolean;
  runAsRoot: boolean;
  serviceAccount: string;
  automountToken: boolean;
  ephemeralImages: string[];
}

export interface BindingFacts {
  present: boolean;
  roleKind: string;
  roleName: string;
  /** `User:alice`, `Group:devs`, `ServiceAccount:ns/name`. */
  subjects: string[];
}

export interface RoleFacts {
  present: boolean;
  verbs: string[];
  resources: string[];
  apiGroups: string[];
  wildcardVerbs: boolean;
  wildcardResources: boolean;
}

const EMPTY_POD: PodFacts = {
  present: false,
  privileged: false,
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  hostPaths: [],
  hostPorts: [],
  images: [],
  capabilitiesAdded: [],
  allowPrivilegeEscalation: false,
  runAsRoot: false,
  serviceAccount: '',
  automountToken: false,
  ephemeralImages: [],
};

export const EMPTY_FACTS: AuditFacts = {
  verb: '',
  stage: '',
  uri: '',
  user: '',
  groups: [],
  userAgent: '',
  sourceIP: '',
  anonymous: false,
  serviceAccount: { namespace: '', name: '' },
  impersonatedUser: '',
  resource: '',
  subresource: '',
  namespace: '',
  name: '',
  apiGroup: '',
  code: 0,
  succeeded: false,
  denied: false,
  pod: EMPTY_POD,
  binding: { present: false, roleKind: '', roleName: '', subjects: [] },
  role: {
    present: false,
    verbs: [],
    resources: [],
    apiGroups: [],
    wildcardVerbs: false,
    wildcardResources: false,
  },
  configMap: { keys: [], text: '' },
  service: { type: '', nodePorts: [] },
};

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Obj)
    : {};
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function strings(value: unknown): string[] {
  return arr(value).filter((v): v is string => typeof v === 'string');
}

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The pod spec inside a request object: a Pod, a pod template's owner, or an ephemeral update. */
function podSpecOf(resource: string, request: Obj): Obj | undefined {
  if (resource === 'pods') return obj(request.spec);
  const template = obj(obj(request.spec).template);
  if (
    [
      'deployments',
      'replicasets',
      'statefulsets',
      'daemonsets',
      'jobs',
    ].includes(resource) &&
    template.spec
  ) {
    return obj(template.spec);
  }
  if (resource === 'cronjobs') {
    const jobTemplate = obj(obj(request.spec).jobTemplate);
    const spec = obj(obj(obj(jobTemplate.spec).template).spec);
    return Object.keys(spec).length ? spec : undefined;
  }
  return undefined;
}

function podFacts(spec: Obj): PodFacts {
  const containers = [...arr(spec.initContainers), ...arr(spec.containers)].map(
    obj,
  );
  const ephemeral = arr(spec.ephemeralContainers).map(obj);
  const podSecurity = obj(spec.securityContext);
  const all = [...containers, ...ephemeral];
  const security = all.map(c => obj(c.securityContext));
  const runAsUser = (s: Obj) =>
    typeof s.runAsUser === 'number' ? s.runAsUser : undefined;
  const podRunsAsRoot =
    runAsUser(podSecurity) === 0 || podSecurity.runAsNonRoot === false;
  return {
    present: true,
    privileged: security.some(s => s.privileged === true),
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    hostPaths: arr(spec.volumes)
      .map(v => str(obj(obj(v).hostPath).path))
      .filter(Boolean),
    hostPorts: all.flatMap(c =>
      arr(c.ports)
        .map(p => obj(p).hostPort)
        .filter((p): p is number => typeof p === 'number' && p > 0),
    ),
    images: all.map(c => str(c.image)).filter(Boolean),
    capabilitiesAdded: security.flatMap(s =>
      strings(obj(s.capabilities).add).map(c =>
        c.toUpperCase().replace(/^CAP_/, ''),
      ),
    ),
    allowPrivilegeEscalation: security.some(
      s => s.allowPrivilegeEscalation === true,
    ),
    runAsRoot:
      podRunsAsRoot ||
      security.some(s => runAsUser(s) === 0 || s.runAsNonRoot === false),
    serviceAccount: str(spec.serviceAccountName),
    automountToken: spec.automountServiceAccountToken !== false,
    ephemeralImages: ephemeral.map(c => str(c.image)).filter(Boolean),
  };
}

function subjectName(subject: Obj): string {
  const kind = str(subject.kind);
  const name = str(subject.name);
  return kind === 'ServiceAccount'
    ? `ServiceAccount:${str(subject.namespace)}/${name}`
    : `${kind}:${name}`;
}

/** Reduces an audit event to the facts the rules and the baselines read. */
export function auditFacts(event: K8sAuditEvent): AuditFacts {
  const ref = event.objectRef ?? {};
  const user = event.user.username ?? '';
  const groups = event.user.groups ?? [];
  const code = event.responseStatus?.code ?? 0;
  const resource = ref.resource ?? '';
  const request = obj(event.requestObject);
  const sa = SERVICE_ACCOUNT_USER.exec(user);
  const writes = ['create', 'update', 'patch'].includes(event.verb);

  const podSpec = writes ? podSpecOf(resource, request) : undefined;
  let pod = podSpec ? podFacts(podSpec) : EMPTY_POD;
  if (
    writes &&
    resource === 'pods' &&
    ref.subresource === 'ephemeralcontainers'
  ) {
    pod = podFacts(obj(request.spec));
  }

  const bindingKinds = ['rolebindings', 'clusterrolebindings'];
  const binding =
    writes && bindingKinds.includes(resource) && request.roleRef
      ? {
          present: true,
          roleKind: str(obj(request.roleRef).kind),
          roleName: str(obj(request.roleRef).name),
          subjects: arr(request.subjects).map(s => subjectName(obj(s))),
        }
      : EMPTY_FACTS.binding;

  const rules = arr(request.rules).map(obj);
  const role =
    writes && ['roles', 'clusterroles'].includes(resource)
      ? {
          present: true,
          verbs: rules.flatMap(r => strings(r.verbs)),
          resources: rules.flatMap(r => strings(r.resources)),
          apiGroups: rules.flatMap(r => strings(r.apiGroups)),
          wildcardVerbs: rules.some(r => strings(r.verbs).includes('*')),
          wildcardResources: rules.some(r =>
            strings(r.resources).includes('*'),
          ),
        }
      : EMPTY_FACTS.role;

  const configMap =
    writes && resource === 'configmaps'
      ? (() => {
          const data = { ...obj(request.data) };
          const keys = Object.keys(data);
          const text = keys
            .map(k => `${k}=${str(data[k])}`)
            .join('\n')
            .toLowerCase();
          return { keys: keys.map(k => k.toLowerCase()), text };
        })()
      : EMPTY_FACTS.configMap;

  const service =
    writes && resource === 'services'
      ? {
          type: str(obj(request.spec).type),
          nodePorts: arr(obj(request.spec).ports)
            .map(p => obj(p).nodePort)
            .filter((p): p is number => typeof p === 'number'),
        }
      : EMPTY_FACTS.service;

  return {
    verb: event.verb,
    stage: event.stage,
    uri: event.requestURI,
    user,
    groups,
    userAgent: event.userAgent ?? '',
    sourceIP: event.sourceIPs?.[0] ?? '',
    // A request that failed authentication is audited without a user.
    anonymous:
      user === '' ||
      user === 'system:anonymous' ||
      groups.includes('system:unauthenticated'),
    serviceAccount: sa
      ? { namespace: sa[1], name: sa[2] }
      : EMPTY_FACTS.serviceAccount,
    impersonatedUser: event.impersonatedUser?.username ?? '',
    resource,
    subresource: ref.subresource ?? '',
    namespace: ref.namespace ?? '',
    // A create names its object in the body; the reference may not carry it.
    name:
      ref.name ||
      str(obj(request.metadata).name) ||
      str(obj(obj(event.responseObject).metadata).name),
    apiGroup: ref.apiGroup ?? '',
    code,
    succeeded: code >= 200 && code < 300,
    denied: code === 401 || code === 403,
    pod,
    binding,
    role,
    configMap,
    service,
  };
}
