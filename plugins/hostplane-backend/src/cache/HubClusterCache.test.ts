import { mockServices } from '@backstage/backend-test-utils';
import { planTenants, renderTenant } from '@hostplane/local-hub';
import { HypershiftKubevirtProvider } from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { KubernetesObject } from '@kubernetes/client-node';
import { KindWatcherOptions } from './KindWatcher';
import { HubClusterCache } from './HubClusterCache';

/** Two seeded tenants as the hub's API server would list them, status included. */
function listedObjects(): KubernetesObject[] {
  const now = new Date('2026-11-23T10:00:00Z');
  return planTenants({ count: 2, teams: 1 }).flatMap(plan =>
    renderTenant(plan, now).map(
      ({ manifest, status }) =>
        ({
          ...manifest,
          metadata: {
            ...manifest.metadata,
            creationTimestamp: now.toISOString(),
          },
          status,
        } as unknown as KubernetesObject),
    ),
  );
}

describe('HubClusterCache', () => {
  const changes: Array<{ name: string; phase?: string; initial: boolean }> = [];
  const watchers = new Map<string, KindWatcherOptions>();
  const provider = new HypershiftKubevirtProvider();
  const cache = new HubClusterCache(
    {
      name: 'local',
      provider: provider.id,
      releases: LOCAL_HUB_RELEASES,
      kubeConfig: () => {
        throw new Error('this test talks to no hub');
      },
    },
    provider,
    mockServices.logger.mock(),
    (key, status, initial) =>
      changes.push({ name: key.name, phase: status?.phase, initial }),
    // Watchers driven by the test: what a list or a watch event would deliver, each object passed
    // through `keep` as KindWatcher does.
    options => {
      watchers.set(options.kind.kind, {
        ...options,
        onEvent: (event, object) =>
          options.onEvent(event, options.keep(object)),
        onRelist: listed => options.onRelist(listed.map(o => options.keep(o))),
      });
      return { start() {}, stop() {}, requests: 0 };
    },
  );
  const objects = listedObjects();
  const ofKind = (kind: string) => objects.filter(o => o.kind === kind);
  const [firstCluster] = ofKind('HostedCluster');

  let patientWaiter: Promise<boolean>;

  it('before the first listing, lets a caller give up without leaving its waiter behind', async () => {
    expect(cache.listed()).toBe(false);
    const given = await Promise.all([
      cache.whenListed(10),
      cache.whenListed(10),
    ]);
    expect(given).toEqual([false, false]);
    expect(cache.waiting()).toBe(0);

    patientWaiter = cache.whenListed(60_000);
    expect(cache.waiting()).toBe(1);
  });

  it('flags what the first listing finds as initial, and is synced once every kind is listed', async () => {
    watchers.get('HostedCluster')!.onRelist(ofKind('HostedCluster'));
    watchers.get('HostedCluster')!.onState({ synced: true });
    expect(cache.state().synced).toBe(false);
    watchers.get('NodePool')!.onRelist(ofKind('NodePool'));
    watchers.get('NodePool')!.onState({ synced: true });
    await cache.whenSynced();
    await expect(patientWaiter).resolves.toBe(true);
    expect(cache.waiting()).toBe(0);
    await expect(cache.whenListed(10)).resolves.toBe(true);

    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(changes.every(c => c.initial)).toBe(true);
    expect([...cache.statuses()].map(s => s.name).sort()).toEqual(
      ofKind('HostedCluster')
        .map(o => o.metadata!.name)
        .sort(),
    );
  });

  it('keeps the status, and says nothing, when a watch event changes nothing it derives from', () => {
    changes.length = 0;
    const name = firstCluster.metadata!.name!;
    const before = cache.findByName(name);
    watchers.get('HostedCluster')!.onEvent('upsert', {
      ...firstCluster,
      metadata: { ...firstCluster.metadata, resourceVersion: '99' },
    });
    expect(cache.findByName(name)).toBe(before);
    expect(changes).toEqual([]);
  });

  it('announces a real change, and a deletion, as news', () => {
    changes.length = 0;
    const name = firstCluster.metadata!.name!;
    watchers.get('HostedCluster')!.onEvent('upsert', {
      ...firstCluster,
      metadata: {
        ...firstCluster.metadata,
        deletionTimestamp: new Date('2026-11-23T11:00:00Z'),
      },
    });
    expect(changes).toEqual([{ name, phase: 'Deleting', initial: false }]);

    changes.length = 0;
    for (const object of objects.filter(
      o =>
        o.metadata!.name === name ||
        (o as { spec?: { clusterName?: string } }).spec?.clusterName === name,
    )) {
      watchers.get(object.kind!)!.onEvent('delete', object);
    }
    expect(changes.at(-1)).toEqual({ name, phase: undefined, initial: false });
    expect(cache.findByName(name)).toBeUndefined();
  });
});
