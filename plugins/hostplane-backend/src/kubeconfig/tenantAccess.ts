import { createHash } from 'node:crypto';
import { V1ClusterRoleBinding } from '@kubernetes/client-node';

/**
 * The ClusterRoleBinding that makes the owning Backstage group cluster-admin of its tenant
 * cluster. The entity ref itself (`group:default/team-a`) is the Kubernetes group, as it is the
 * O of every client certificate issued to the group's members.
 */
export function ownerAccessBinding(ownerGroup: string): V1ClusterRoleBinding {
  // An entity ref is not a valid object name (':', '/'), and names are limited in length, so the
  // name is derived from a hash of it: the same group always gets the same binding.
  const hash = createHash('sha256')
    .update(ownerGroup)
    .digest('hex')
    .slice(0, 16);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: `hostplane-owner-${hash}`,
      labels: { 'app.kubernetes.io/managed-by': 'hostplane' },
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: ownerGroup,
      },
    ],
  };
}

/** The Kubernetes group of every credential issued to a backend plugin: read-only in the tenant. */
export const SERVICE_VIEWERS_GROUP = 'hostplane:service-viewers';

/** The Kubernetes user of a credential issued to a backend service (`plugin:kubernetes`). */
export function serviceUser(subject: string): string {
  return `hostplane:service:${subject}`;
}

/**
 * The ClusterRoleBinding that lets backend plugins (the Kubernetes plugin's view of workloads)
 * read a tenant: {@link SERVICE_VIEWERS_GROUP} gets the built-in `view` ClusterRole, which reads
 * workloads, services and config maps but not Secrets, and changes nothing.
 */
export function serviceViewerBinding(): V1ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: 'hostplane-service-viewers',
      labels: { 'app.kubernetes.io/managed-by': 'hostplane' },
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'view',
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: SERVICE_VIEWERS_GROUP,
      },
    ],
  };
}
