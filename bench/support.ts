import {
  FAST_TIMINGS,
  LOCAL_HUB_FIELD_MANAGER,
  LocalHub,
  planTenants,
  seedTenants,
} from '@hostplane/local-hub';
import { getRaw, waitFor } from '@hostplane/plugin-hostplane-node';

/** A numeric command-line option, such as `--count 1000`. */
export function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

export const log = (message: string) =>
  process.stderr.write(`[bench] ${message}\n`);

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** The clusters on the hub, listed page by page (a label selector leaves out remainingItemCount). */
export async function clustersOnHub(
  hub: LocalHub,
): Promise<Array<{ namespace: string; name: string }>> {
  const clusters: Array<{ namespace: string; name: string }> = [];
  let continueToken = '';
  do {
    const path = `/apis/hypershift.openshift.io/v1beta1/hostedclusters?labelSelector=hostplane.io/cluster&limit=500${
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
 * Starts (or restarts) the local hub named `bench`, kept in the cache between runs, and seeds
 * status-only clusters until it holds at least `count`.
 */
export async function startBenchHub(count: number): Promise<LocalHub> {
  const hub = await LocalHub.start({
    name: 'bench',
    timings: FAST_TIMINGS,
    log,
  });
  const existing = (await clustersOnHub(hub)).length;
  if (existing < count) {
    log(
      `seeding ${
        count - existing
      } status-only clusters (${existing} already there)`,
    );
    await seedTenants(
      hub.kubeConfig(),
      planTenants({ count }).slice(existing),
      {
        fieldManager: LOCAL_HUB_FIELD_MANAGER,
        log,
      },
    );
  }
  return hub;
}
