import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import { inParallel } from './inParallel';
import { TenantPlan } from './plan';
import { RenderedObject, renderTenant } from './render';

export interface SeedOptions {
  fieldManager: string;
  /** Requests in flight at once. */
  concurrency?: number;
  log?: (message: string) => void;
  now?: Date;
}

const PLURALS: Record<string, string> = {
  HostedCluster: 'hostedclusters',
  NodePool: 'nodepools',
};

/**
 * Creates tenants for the stand-in operator to run as real ones: their namespaces, HostedClusters
 * and NodePools, without a status (the operator writes it).
 */
export async function applyRealTenants(
  kubeConfig: KubeConfig,
  plans: TenantPlan[],
  fieldManager: string,
): Promise<void> {
  const applier = new ServerSideApplier(kubeConfig, fieldManager);
  await applier.apply(namespacesOf(plans));
  await applier.apply(
    plans.flatMap(plan =>
      renderTenant(plan, new Date(), { statusOnly: false }).map(
        o => o.manifest,
      ),
    ),
  );
}

function namespacesOf(plans: TenantPlan[]) {
  return [...new Set(plans.map(p => p.namespace))].map(name => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
}

/**
 * Creates status-only tenants on a hub: namespaces, then each HostedCluster and NodePool by
 * server-side apply, then the status the operators would have written. Safe to repeat.
 */
export async function seedTenants(
  kubeConfig: KubeConfig,
  plans: TenantPlan[],
  {
    fieldManager,
    concurrency = 16,
    log = () => {},
    now = new Date(),
  }: SeedOptions,
): Promise<void> {
  const applier = new ServerSideApplier(kubeConfig, fieldManager);
  const namespaces = [...new Set(plans.map(p => p.namespace))];
  await applier.apply(
    namespaces.map(name => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    })),
  );
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const started = Date.now();
  let done = 0;

  const seedOne = async (object: RenderedObject) => {
    await applier.apply([object.manifest]);
    // A JSON patch, not an apply or merge patch: the upstream schema requires some status fields
    // to be present with a null value, which those would drop.
    await custom.patchNamespacedCustomObjectStatus({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: object.manifest.metadata.namespace,
      plural: PLURALS[object.manifest.kind],
      name: object.manifest.metadata.name,
      fieldManager,
      body: [{ op: 'add', path: '/status', value: object.status }],
    });
  };

  await inParallel(plans, concurrency, async plan => {
    for (const object of renderTenant(plan, now)) {
      await seedOne(object);
    }
    done += 1;
    if (done % 500 === 0 || done === plans.length) {
      const seconds = (Date.now() - started) / 1000;
      log(
        `seeded ${done}/${plans.length} tenants (${Math.round(
          done / seconds,
        )}/s)`,
      );
    }
  });
}
