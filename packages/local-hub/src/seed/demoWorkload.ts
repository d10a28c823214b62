import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  V1Pod,
} from '@kubernetes/client-node';
import { ServerSideApplier, waitFor } from '@hostplane/plugin-hostplane-node';
import type { StandinOperator } from '../standin';
import { teamNamespace } from './plan';

/** The label (and Component annotation) by which Backstage's Kubernetes plugin finds a workload. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

export interface DemoWorkload {
  /** The catalog Component whose Kubernetes tab shows it (`backstage.io/kubernetes-id`). */
  component: string;
  /** The tenant namespace it runs in. */
  namespace: string;
  replicas: number;
}

/**
 * The demo's workload: `payments-api` (examples/entities.yaml) in the real demo tenant
 * `payments-prod`, so that the portal's Kubernetes tab shows pods of a real tenant cluster.
 */
export const DEMO_WORKLOAD: DemoWorkload & {
  tenant: { namespace: string; name: string };
} = {
  tenant: { namespace: teamNamespace('team-a'), name: 'payments-prod' },
  component: 'payments-api',
  namespace: 'payments',
  replicas: 3,
};

/**
 * A Deployment and its Service, labelled for the Kubernetes plugin. Nothing runs an image here:
 * the tenant's scheduler places the pods on its nodes and its KWOK controller reports them
 * Running, as for every pod on a KWOK node.
 */
export function renderDemoWorkload({
  component,
  namespace,
  replicas,
}: DemoWorkload): KubernetesObject[] {
  const labels = {
    'app.kubernetes.io/name': component,
    [KUBERNETES_ID_LABEL]: component,
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace, name: component, labels },
      spec: {
        replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': component } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            containers: [
              {
                name: 'api',
                image: `registry.example.com/hostplane-demo/${component}:1.0.0`,
                ports: [{ name: 'http', containerPort: 8080 }],
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '500m', memory: '256Mi' },
                },
              },
            ],
          },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace, name: component, labels },
      spec: {
        selector: { 'app.kubernetes.io/name': component },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    } as KubernetesObject,
  ];
}

/**
 * Waits until the stand-in runs the demo workload's tenant and its API server answers, then
 * applies the workload in it. Safe to repeat (server-side apply).
 */
export async function seedDemoWorkload(
  operator: StandinOperator,
  {
    fieldManager,
    timeoutMs = 15 * 60_000,
  }: { fieldManager: string; timeoutMs?: number },
): Promise<void> {
  const { tenant: where } = DEMO_WORKLOAD;
  const tenant = await waitFor(
    `the real tenant ${where.namespace}/${where.name} to answer`,
    async () => {
      const running = operator.tenant(where.namespace, where.name);
      return running && (await running.health()).kubeAPIServer
        ? running
        : undefined;
    },
    { timeoutMs, intervalMs: 2_000 },
  );
  await new ServerSideApplier(tenant.kubeConfig(), fieldManager).apply(
    renderDemoWorkload(DEMO_WORKLOAD),
  );
}

/** The demo workload's pods in its tenant, found as the Kubernetes plugin finds them: by label. */
export async function listDemoPods(tenant: KubeConfig): Promise<V1Pod[]> {
  const { items } = await tenant.makeApiClient(CoreV1Api).listNamespacedPod({
    namespace: DEMO_WORKLOAD.namespace,
    labelSelector: `${KUBERNETES_ID_LABEL}=${DEMO_WORKLOAD.component}`,
  });
  return items;
}

/**
 * Waits until every replica of the demo workload runs in its tenant and returns the pods. They
 * run once the tenant has nodes, which join as its NodePools' machines come up.
 */
export async function waitForDemoPods(
  tenant: KubeConfig,
  { timeoutMs = 5 * 60_000 }: { timeoutMs?: number } = {},
): Promise<V1Pod[]> {
  const { component, namespace, replicas, tenant: where } = DEMO_WORKLOAD;
  return waitFor(
    `the ${replicas} pods of ${namespace}/${component} to run in tenant ${where.name}`,
    async () => {
      const pods = await listDemoPods(tenant);
      return pods.length === replicas &&
        pods.every(p => p.status?.phase === 'Running')
        ? pods
        : undefined;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
}
