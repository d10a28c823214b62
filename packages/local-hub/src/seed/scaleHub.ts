import { CLUSTER_LABEL } from '@hostplane/plugin-hostplane-common';
import { getRaw, waitFor } from '@hostplane/plugin-hostplane-node';
import { LOCAL_HUB_FIELD_MANAGER, LocalHub } from '../LocalHub';
import { FAST_TIMINGS } from '../stages';
import { planTenants } from './plan';
import { seedTenants } from './seedTenants';

/** The cached hub that holds thousands of status-only clusters, for benchmarks and scale tests. */
export const SCALE_HUB = 'scale';

/** The clusters on a hub, listed page by page (a label selector leaves out remainingItemCount). */
export async function clustersOnHub(
  hub: LocalHub,
): Promise<Array<{ namespace: string; name: string }>> {
  const clusters: Array<{ namespace: string; name: string }> = [];
  let continueToken = '';
  do {
    const path = `/apis/hypershift.openshift.io/v1beta1/hostedclusters?labelSelector=${CLUSTER_LABEL}&limit=500${
      continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''
    }`;
    // Just restarted with 10,000 clusters, the API server answers /readyz before it can list
    // them (its watch cache is still filling): such answers are waited out, not parsed.
    const list = await waitFor(
      'the hub to list HostedClusters',
      async () => {
        const { status, body } = await getRaw(hub.kubeConfig(), path);
        return status === 200 ? JSON.parse(body) : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2_000 },
    );
    for (const item of list.items) {
      clusters.push({
        namespace: item.metadata.namespace,
        name: item.metadata.name,
      });
    }
    continueToken = list.metadata.continue ?? '';
  } while (continueToken);
  return clusters;
}

/**
 * Starts (or restarts) the scale hub, kept in the cache between runs, and seeds status-only
 * clusters until it holds at least `count`: only the first run on a machine pays for seeding.
 * Another `name` keeps a hub of its own the same way (a benchmark's small run).
 */
export async function startScaleHub(options: {
  count: number;
  name?: string;
  log?: (message: string) => void;
}): Promise<LocalHub> {
  const log = options.log ?? (() => {});
  const hub = await LocalHub.start({
    name: options.name ?? SCALE_HUB,
    timings: FAST_TIMINGS,
    log,
  });
  try {
    // Benchmarks change the hub (bench/catalog-ingest deletes clusters and adds others), so what
    // is there need not be the first clusters of the plan: every planned one missing is seeded.
    const onHub = await clustersOnHub(hub);
    if (onHub.length < options.count) {
      const names = new Set(onHub.map(cluster => cluster.name));
      const missing = planTenants({ count: options.count }).filter(
        plan => !names.has(plan.name),
      );
      log(
        `seeding ${missing.length} status-only clusters (${onHub.length} already there)`,
      );
      await seedTenants(hub.kubeConfig(), missing, {
        fieldManager: LOCAL_HUB_FIELD_MANAGER,
        log,
      });
    }
  } catch (error) {
    await hub.stop();
    throw error;
  }
  return hub;
}
