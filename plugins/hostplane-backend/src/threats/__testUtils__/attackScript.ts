import type { ThreatAlert } from '@hostplane/plugin-hostplane-common';
import {
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';

/**
 * An attack on a real tenant, step by step, through its API server as a client would make it:
 * each step is a request the audit log records, and names the alert it must raise.
 */

export interface AttackStep {
  what: string;
  ruleId: string;
  /** Whether an alert is the one this step raises. */
  matches(alert: ThreatAlert): boolean;
  run(): Promise<void>;
}

/** Request options that send a client's User-Agent, as kubectl or curl would. */
function userAgent(agent: string) {
  return setHeaderOptions('User-Agent', agent);
}

/** A kubeconfig for the same API server with another credential: a bearer token, or none. */
function kubeConfigWith(admin: KubeConfig, token?: string): KubeConfig {
  const cluster = admin.getCurrentCluster()!;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ ...cluster, name: 'tenant' }],
    users: [token ? { name: 'holder', token } : { name: 'anonymous' }],
    contexts: [
      {
        name: 'tenant',
        cluster: 'tenant',
        user: token ? 'holder' : 'anonymous',
      },
    ],
    currentContext: 'tenant',
  });
  return kubeConfig;
}

/** Requests the API server refuses or cannot serve are part of an attack: only they count. */
async function attempt(request: Promise<unknown>) {
  await request.catch(() => undefined);
}

const KUBECTL = 'kubectl/v1.37.2 (linux/amd64) kubernetes/abcdef0';

/**
 * What the attacked namespace holds before the attack: a workload `web-1` running as the service
 * account `web`, which may read the namespace's secrets (its own configuration), as an ordinary
 * application's would.
 */
export async function prepareVictim(admin: KubeConfig, namespace: string) {
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespace({
    body: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    },
  });
  await core.createNamespacedServiceAccount({
    namespace,
    body: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'web' },
    },
  });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'web-config' },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'web-config' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'web-config',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace }],
    },
  });
  await core.createNamespacedPod({
    namespace,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', labels: { app: 'web' } },
      spec: {
        serviceAccountName: 'web',
        containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
      },
    },
  });
}

/**
 * The attack on `namespace`, prepared by {@link prepareVictim}: exec into its pod, a privileged
 * pod mounting the node's root, the account bound to cluster-admin, its token used from a
 * hand-held client to read secrets, and the API server hammered without a credential.
 */
export function attackSteps(
  admin: KubeConfig,
  namespace: string,
): AttackStep[] {
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const bindingName = `${namespace}-web-admin`;
  const account = `system:serviceaccount:${namespace}:web`;
  return [
    {
      what: 'exec into a pod',
      ruleId: 'exec-into-pod',
      matches: a =>
        a.ruleId === 'exec-into-pod' &&
        a.subject.namespace === namespace &&
        a.subject.name === 'web-1',
      // A POST to pods/exec: KWOK runs no container, but the API server audits the request.
      run: () =>
        attempt(
          core.connectPostNamespacedPodExec(
            {
              namespace,
              name: 'web-1',
              command: 'sh',
              stdin: true,
              stdout: true,
            },
            userAgent(KUBECTL),
          ),
        ),
    },
    {
      what: 'a privileged pod mounting the node',
      ruleId: 'sensitive-host-mount',
      matches: a =>
        a.ruleId === 'sensitive-host-mount' &&
        a.subject.namespace === namespace &&
        a.subject.name === 'rootfs',
      run: async () => {
        await core.createNamespacedPod({
          namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'rootfs' },
            spec: {
              containers: [
                {
                  name: 'tools',
                  image: 'ghcr.io/evil/tools:1',
                  securityContext: { privileged: true },
                  volumeMounts: [{ name: 'host', mountPath: '/host' }],
                },
              ],
              volumes: [{ name: 'host', hostPath: { path: '/' } }],
            },
          },
        });
      },
    },
    {
      what: 'a service account bound to cluster-admin',
      ruleId: 'cluster-admin-binding',
      matches: a =>
        a.ruleId === 'cluster-admin-binding' && a.subject.name === bindingName,
      run: async () => {
        await rbac.createClusterRoleBinding({
          body: {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: bindingName },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'cluster-admin',
            },
            subjects: [{ kind: 'ServiceAccount', name: 'web', namespace }],
          },
        });
      },
    },
    {
      what: "secrets read with the account's stolen token",
      ruleId: 'secret-read-interactive-token',
      matches: a =>
        a.ruleId === 'secret-read-interactive-token' &&
        a.subject.user === account,
      run: async () => {
        const token = await core.createNamespacedServiceAccountToken({
          namespace,
          name: 'web',
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { audiences: [] },
          },
        });
        const stolen = kubeConfigWith(admin, token.status!.token);
        await stolen
          .makeApiClient(CoreV1Api)
          .listNamespacedSecret({ namespace }, userAgent(KUBECTL));
      },
    },
    {
      what: 'the API server hammered without a credential',
      ruleId: 'anonymous-burst',
      matches: a => a.ruleId === 'anonymous-burst',
      run: async () => {
        const anonymous = kubeConfigWith(admin).makeApiClient(CoreV1Api);
        const curl = userAgent('curl/8.5.0');
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            attempt(
              i % 2
                ? anonymous.listSecretForAllNamespaces({}, curl)
                : anonymous.listPodForAllNamespaces({}, curl),
            ),
          ),
        );
      },
    },
  ];
}
