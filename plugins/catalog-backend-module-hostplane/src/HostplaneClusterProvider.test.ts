import { mockServices } from '@backstage/backend-test-utils';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import {
  CLUSTER_ANNOTATION,
  ClusterSummary,
  ListClustersResponse,
} from '@hostplane/plugin-hostplane-common';
import { HostplaneClusterProvider } from './HostplaneClusterProvider';

describe('HostplaneClusterProvider', () => {
  const summary = (name: string, hub: string): ClusterSummary => ({
    hub,
    name,
    namespace: `tenants-${name}`,
    owner: 'group:default/team-a',
    phase: 'Ready',
    nodePools: [],
    deletionProtection: false,
    labels: {},
  });
  // The Hostplane API's list as the provider reads it; what it answers is set per test.
  let answer: ListClustersResponse;
  const api = { listClusters: async () => answer };
  const names = (entities: DeferredEntity[]) =>
    entities.map(e => e.entity.metadata.annotations![CLUSTER_ANNOTATION]);

  it('replaces every entity only once each hub is listed in full, and only adds until then', async () => {
    const provider = new HostplaneClusterProvider({
      api,
      events: mockServices.events.mock(),
      logger: mockServices.logger.mock(),
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);

    // The `edge` hub is not listed yet: a full mutation would remove its entities from the catalog.
    answer = {
      items: [summary('a', 'local')],
      totalCount: 1,
      phaseCounts: {},
      incompleteHubs: ['edge'],
    };
    await expect(provider.refresh()).resolves.toEqual({
      clusters: 1,
      incompleteHubs: ['edge'],
    });
    const [partial] = connection.applyMutation.mock.calls[0];
    expect(partial.type).toBe('delta');
    expect(names(partial.added)).toEqual(['a']);
    expect(partial.removed).toEqual([]);
    // Asked again while `edge` stays unlisted: nothing new, nothing sent.
    await provider.refresh();
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);

    answer = {
      items: [summary('a', 'local'), summary('x', 'edge')],
      totalCount: 2,
      phaseCounts: {},
      incompleteHubs: [],
    };
    await expect(provider.refresh()).resolves.toEqual({
      clusters: 2,
      incompleteHubs: [],
    });
    const [full] = connection.applyMutation.mock.calls[1];
    expect(connection.applyMutation).toHaveBeenCalledTimes(2);
    expect(full.type).toBe('full');
    expect(names(full.entities)).toEqual(['a', 'x']);
  });

  it('sends the cluster changes of one window as one delta, none before the first list', async () => {
    const events = mockServices.events.mock();
    const provider = new HostplaneClusterProvider({
      api,
      events,
      logger: mockServices.logger.mock(),
      batchWindowMs: 20,
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    const [{ onEvent }] = events.subscribe.mock.calls[0];
    const change = (name: string, present: boolean) =>
      onEvent({
        topic: 'hostplane.clusters',
        eventPayload: {
          hub: 'local',
          namespace: `tenants-${name}`,
          name,
          cluster: present
            ? { ...summary(name, 'local'), conditions: [] }
            : null,
        },
      });
    const windowPassed = () => new Promise(resolve => setTimeout(resolve, 50));

    await change('a', true);
    await windowPassed();
    expect(connection.applyMutation).not.toHaveBeenCalled();

    answer = {
      items: [summary('a', 'local'), summary('b', 'local')],
      totalCount: 2,
      phaseCounts: {},
      incompleteHubs: [],
    };
    await provider.refresh();
    expect(connection.applyMutation.mock.calls.map(([m]) => m.type)).toEqual([
      'full',
      'delta',
    ]);
    connection.applyMutation.mockClear();

    await change('c', true);
    await change('b', false);
    await windowPassed();
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const [delta] = connection.applyMutation.mock.calls[0];
    expect(names(delta.added)).toEqual(['c']);
    expect(delta.removed).toEqual([
      {
        entityRef: 'resource:default/b.local',
        locationKey: 'hostplane:local/b',
      },
    ]);
  });
});
