import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  HUB_EVENTS_TOPIC,
  HubListedEvent,
} from '@hostplane/plugin-hostplane-node';
import { ClusterCache } from '../cache/ClusterCache';

/**
 * Announces on `hostplane.hubs` each hub once its first listing ends. What that listing finds is
 * not announced cluster by cluster; this tells the consumers that keep their own list to read it
 * now. Returns at once; each announcement goes out when its hub is listed.
 */
export function announceListedHubs(
  cache: Pick<ClusterCache, 'hubNames' | 'hub'>,
  events: EventsService,
  logger: LoggerService,
): void {
  for (const hub of cache.hubNames()) {
    void cache
      .hub(hub)
      .whenSynced()
      .then(() => {
        const event: HubListedEvent = { hub };
        return events.publish({
          topic: HUB_EVENTS_TOPIC,
          eventPayload: event,
        });
      })
      .catch(error =>
        logger.warn(
          `Could not announce that hub ${hub} is listed: ${error.message}`,
        ),
      );
  }
}
