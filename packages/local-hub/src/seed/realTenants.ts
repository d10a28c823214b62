import fs from 'node:fs';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import { renderControlPlane } from '../controlplane';
import { TenantProcesses } from '../TenantProcesses';
import { TenantPlan } from './plan';

/** The Secret HyperShift keeps a HostedCluster's admin kubeconfig in, beside the HostedCluster. */
export function adminKubeconfigSecretName(cluster: string): string {
  return `${cluster}-admin-kubeconfig`;
}

/**
 * Gives seeded tenants real control planes: starts each tenant's processes, registers its pools'
 * nodes in it, creates its control-plane namespace in the hub (whose pods stand for those
 * processes), stores its admin kubeconfig in the Secret HyperShift would, and points the
 * HostedCluster's status (controlPlaneEndpoint, kubeconfig) at them.
 */
export async function startRealTenants(
  hubKubeConfig: KubeConfig,
  plans: TenantPlan[],
  {
    fieldManager,
    workdir,
    log = () => {},
  }: {
    fieldManager: string;
    /** Where the tenants' processes keep their state; the cache's `tenants` folder by default. */
    workdir?: string;
    log?: (message: string) => void;
  },
): Promise<TenantProcesses[]> {
  const applier = new ServerSideApplier(hubKubeConfig, fieldManager);
  const custom = hubKubeConfig.makeApiClient(CustomObjectsApi);
  const tenants: TenantProcesses[] = [];
  for (const plan of plans) {
    const tenant = await TenantProcesses.open({
      namespace: plan.namespace,
      name: plan.name,
      workdir,
      log,
    });
    await tenant.up();
    tenants.push(tenant);
    for (const pool of plan.pools) {
      await tenant.registerPoolNodes(
        pool.name,
        plan.phase === 'Hibernated' ? 0 : pool.replicas,
      );
    }
    const adminKubeconfig = fs.readFileSync(tenant.kubeconfigPath, 'utf8');
    await applier.apply(
      renderControlPlane({
        namespace: plan.namespace,
        name: plan.name,
        highlyAvailable: plan.highlyAvailable,
        rootCa: fs.readFileSync(tenant.rootCaPath, 'utf8'),
        adminKubeconfig,
      }),
    );
    const secretName = adminKubeconfigSecretName(plan.name);
    await applier.apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: plan.namespace, name: secretName },
        type: 'Opaque',
        data: { kubeconfig: Buffer.from(adminKubeconfig).toString('base64') },
      } as never,
    ]);
    const endpoint = new URL(tenant.server);
    await custom.patchNamespacedCustomObjectStatus({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: plan.namespace,
      plural: 'hostedclusters',
      name: plan.name,
      fieldManager,
      body: [
        {
          op: 'add',
          path: '/status/controlPlaneEndpoint',
          value: { host: endpoint.hostname, port: Number(endpoint.port) },
        },
        { op: 'add', path: '/status/kubeconfig', value: { name: secretName } },
      ],
    });
    log(
      `tenant ${plan.namespace}/${plan.name} runs real processes at ${tenant.server}`,
    );
  }
  return tenants;
}
