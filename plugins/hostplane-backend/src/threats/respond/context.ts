import type { ThreatContext } from '@hostplane/plugin-hostplane-common';
import type {
  V1ClusterRoleBinding,
  V1Pod,
  V1RoleBinding,
} from '@kubernetes/client-node';

/** What a report shows of objects read from the tenant: pure reductions of them. */

type Binding = NonNullable<ThreatContext['binding']>;
type BindingSummary = NonNullable<
  ThreatContext['serviceAccountBindings']
>[number];

/** The pod as the report shows it; `owner` is the workload it ends at (a Deployment, say). */
export function podContext(
  pod: V1Pod,
  owner?: { kind: string; name: string },
): NonNullable<ThreatContext['pod']> {
  const spec = pod.spec;
  const containers = [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ];
  const controller = pod.metadata?.ownerReferences?.find(r => r.controller);
  const ownerOf = owner ?? controller;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    ...(spec?.nodeName ? { node: spec.nodeName } : {}),
    ...(spec?.serviceAccountName
      ? { serviceAccount: spec.serviceAccountName }
      : {}),
    images: containers.map(c => c.image ?? '').filter(Boolean),
    privileged: containers.some(c => c.securityContext?.privileged === true),
    hostPaths: (spec?.volumes ?? [])
      .map(v => v.hostPath?.path ?? '')
      .filter(Boolean),
    labels: pod.metadata?.labels ?? {},
    ...(ownerOf ? { owner: { kind: ownerOf.kind, name: ownerOf.name } } : {}),
    ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
  };
}

function subjectName(subject: {
  kind: string;
  name: string;
  namespace?: string;
}): string {
  return subject.kind === 'ServiceAccount'
    ? `ServiceAccount:${subject.namespace ?? ''}/${subject.name}`
    : `${subject.kind}:${subject.name}`;
}

/** A binding as the report shows it; `exists` is false for one already gone. */
export function bindingContext(
  kind: Binding['kind'],
  binding: V1RoleBinding | V1ClusterRoleBinding,
  exists = true,
): Binding {
  return {
    kind,
    ...(binding.metadata?.namespace
      ? { namespace: binding.metadata.namespace }
      : {}),
    name: binding.metadata?.name ?? '',
    role: `${binding.roleRef.kind}/${binding.roleRef.name}`,
    subjects: (binding.subjects ?? []).map(subjectName),
    exists,
  };
}

/** The bindings that name a service account, whichever kind and namespace they are in. */
export function bindingsOfServiceAccount(
  namespace: string,
  name: string,
  roleBindings: V1RoleBinding[],
  clusterRoleBindings: V1ClusterRoleBinding[],
): BindingSummary[] {
  const names = (b: V1RoleBinding | V1ClusterRoleBinding) =>
    (b.subjects ?? []).some(
      s =>
        s.kind === 'ServiceAccount' &&
        s.name === name &&
        (s.namespace ?? b.metadata?.namespace) === namespace,
    );
  return [
    ...clusterRoleBindings.filter(names).map(b => ({
      kind: 'ClusterRoleBinding' as const,
      name: b.metadata?.name ?? '',
      role: `${b.roleRef.kind}/${b.roleRef.name}`,
    })),
    ...roleBindings.filter(names).map(b => ({
      kind: 'RoleBinding' as const,
      namespace: b.metadata?.namespace ?? '',
      name: b.metadata?.name ?? '',
      role: `${b.roleRef.kind}/${b.roleRef.name}`,
    })),
  ];
}

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The service account a username is, if it is one. */
export function serviceAccountOf(
  user: string,
): { namespace: string; name: string } | undefined {
  const match = SERVICE_ACCOUNT_USER.exec(user);
  return match ? { namespace: match[1], name: match[2] } : undefined;
}
