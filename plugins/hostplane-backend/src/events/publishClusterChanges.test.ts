import { mockServices } from '@backstage/backend-test-utils';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import { ClusterChangeListener } from '../cache/HubClusterCache';
import { publishClusterChanges } from './publishClusterChanges';

/** An events service that keeps what is published, or refuses it. */
function recordingEvents(refuse = false) {
  const published: EventParams[] = [];
  const events: EventsService = {
    async publish(params) {
      if (refuse) throw new Error('the events backend is down');
      published.push(params);
    },
    async subscribe() {},
  };
  return { events, published };
}

/** A cache whose changes the test makes. */
function changingCache() {
  const listeners = new Set<ClusterChangeListener>();
  return {
    subscribe(listener: ClusterChangeListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change: (...args: Parameters<ClusterChangeListener>) =>
      listeners.forEach(listener => listener(...args)),
  };
}

const shop = { hub: 'local', name: 'shop' } as ClusterStatus;
const key = { namespace: 'tenants-team-a', name: 'shop' };

describe('publishClusterChanges', () => {
  it('publishes a change, and a cluster gone as null, on hostplane.clusters', async () => {
    const cache = changingCache();
    const { events, published } = recordingEvents();
    publishClusterChanges(cache, events, mockServices.logger.mock());

    cache.change('local', key, shop);
    cache.change('local', key, undefined);
    await Promise.resolve();

    expect(published).toEqual([
      {
        topic: 'hostplane.clusters',
        eventPayload: { hub: 'local', ...key, cluster: shop },
      },
      {
        topic: 'hostplane.clusters',
        eventPayload: { hub: 'local', ...key, cluster: null },
      },
    ]);
  });

  it('logs a change it could not publish and goes on', async () => {
    const cache = changingCache();
    const { events } = recordingEvents(true);
    const logger = mockServices.logger.mock();
    publishClusterChanges(cache, events, logger);

    cache.change('local', key, shop);
    await new Promise(resolve => setImmediate(resolve));

    expect(logger.warn).toHaveBeenCalledWith(
      'Could not publish a change of local/shop: the events backend is down',
    );
  });

  it('stops when told to', async () => {
    const cache = changingCache();
    const { events, published } = recordingEvents();
    const stop = publishClusterChanges(
      cache,
      events,
      mockServices.logger.mock(),
    );
    stop();
    cache.change('local', key, shop);
    await Promise.resolve();
    expect(published).toEqual([]);
  });
});
