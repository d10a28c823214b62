import { mockServices } from '@backstage/backend-test-utils';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { announceListedHubs } from './announceListedHubs';

/** Hubs whose first listing the test ends, one by one. */
function listingHubs(names: string[]) {
  const listed = new Map<string, () => void>();
  const synced = new Map(
    names.map(name => [
      name,
      new Promise<void>(resolve => listed.set(name, resolve)),
    ]),
  );
  return {
    hubNames: () => names,
    hub: (name: string) => ({ whenSynced: () => synced.get(name)! } as never),
    list: (name: string) => listed.get(name)!(),
  };
}

const settle = () => new Promise(resolve => setImmediate(resolve));

describe('announceListedHubs', () => {
  it('announces each hub on hostplane.hubs once its first listing ends', async () => {
    const hubs = listingHubs(['local', 'edge']);
    const published: EventParams[] = [];
    const events: EventsService = {
      publish: async params => {
        published.push(params);
      },
      subscribe: async () => {},
    };
    announceListedHubs(hubs, events, mockServices.logger.mock());

    await settle();
    expect(published).toEqual([]);
    hubs.list('edge');
    await settle();
    expect(published).toEqual([
      { topic: 'hostplane.hubs', eventPayload: { hub: 'edge' } },
    ]);
    hubs.list('local');
    await settle();
    expect(published.map(p => p.eventPayload)).toEqual([
      { hub: 'edge' },
      { hub: 'local' },
    ]);
  });

  it('logs an announcement it could not publish', async () => {
    const hubs = listingHubs(['local']);
    const logger = mockServices.logger.mock();
    const events: EventsService = {
      publish: async () => {
        throw new Error('the events backend is down');
      },
      subscribe: async () => {},
    };
    announceListedHubs(hubs, events, logger);
    hubs.list('local');
    await settle();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not announce that hub local is listed: the events backend is down',
    );
  });
});
