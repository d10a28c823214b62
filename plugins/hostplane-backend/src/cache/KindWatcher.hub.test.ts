import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { KwokctlCluster, ensureHubBinaries } from '@hostplane/local-hub';
import { CLUSTER_LABEL } from '@hostplane/plugin-hostplane-common';
import { applyObjects } from '@hostplane/plugin-hostplane-node';
import { CoreV1Api, KubernetesObject } from '@kubernetes/client-node';
import { KindWatcher } from './KindWatcher';

jest.setTimeout(180_000);

const LABEL = CLUSTER_LABEL;
const CONFIG_MAPS = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
};

const eventually = async (check: () => void) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
};

/**
 * Two bare control planes of real processes: one as Kubernetes ships (streamed lists on since
 * 1.34), one with the `WatchList` feature gate off, as an older hub or one configured so. The
 * watcher is generic; ConfigMaps stand for the hub kinds.
 */
describe('KindWatcher', () => {
  let workdir: string;
  const clusters: Record<'streaming' | 'paged', KwokctlCluster> = {} as any;

  beforeAll(async () => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-watcher-'));
    const binaries = await ensureHubBinaries();
    clusters.streaming = new KwokctlCluster(
      'watch-streaming',
      workdir,
      binaries,
      () => {},
    );
    clusters.paged = new KwokctlCluster(
      'watch-paged',
      workdir,
      binaries,
      () => {},
    );
    await Promise.all([
      clusters.streaming.up(),
      clusters.paged.up({
        apiserverArgs: { 'feature-gates': 'WatchList=false' },
      }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(Object.values(clusters).map(c => c.delete()));
    fs.rmSync(workdir, { recursive: true, force: true });
  }, 120_000);

  it.each([
    // One watch request: the set, its closing bookmark, then the changes.
    ['streaming', 1, false],
    // The refused watch, two pages of two, then a watch from the list's resourceVersion.
    ['paged', 4, true],
  ] as const)(
    'lists a %s hub in full, without managedFields, then streams its changes',
    async (which, requestsToSync, refused) => {
      const kubeConfig = clusters[which].kubeConfig();
      const apply = (name: string, labelled: boolean) =>
        applyObjects(
          kubeConfig,
          [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: {
                namespace: 'default',
                name,
                ...(labelled ? { labels: { [LABEL]: name } } : {}),
              },
              data: { owner: 'team-a' },
            } as KubernetesObject,
          ],
          'hostplane-test',
        );
      for (const name of ['alpha', 'beta', 'gamma']) await apply(name, true);
      await apply('unlabelled', false);

      const logger = mockServices.logger.mock();
      const relists: KubernetesObject[][] = [];
      const events: string[] = [];
      let synced = false;
      const watcher = new KindWatcher({
        kubeConfig,
        kind: CONFIG_MAPS,
        labelSelector: LABEL,
        logger,
        pageSize: 2,
        keep: object => object,
        onRelist: listed => relists.push(listed),
        onEvent: (event, object) =>
          events.push(`${event} ${object.metadata!.name}`),
        onState: state => {
          synced = state.synced;
        },
      });
      watcher.start();
      try {
        await eventually(() => expect(synced).toBe(true));
        expect(relists).toHaveLength(1);
        expect(relists[0].map(o => o.metadata!.name).sort()).toEqual([
          'alpha',
          'beta',
          'gamma',
        ]);
        expect(relists[0].every(o => !o.metadata!.managedFields)).toBe(true);
        expect(relists[0].every(o => o.kind === 'ConfigMap')).toBe(true);
        expect(watcher.requests).toBe(requestsToSync);
        expect(logger.info).toHaveBeenCalledTimes(refused ? 1 : 0);

        await apply('delta', true);
        await kubeConfig.makeApiClient(CoreV1Api).deleteNamespacedConfigMap({
          namespace: 'default',
          name: 'alpha',
        });
        await eventually(() =>
          expect(events).toEqual(['upsert delta', 'delete alpha']),
        );
        expect(relists).toHaveLength(1);
      } finally {
        watcher.stop();
      }
    },
  );
});
