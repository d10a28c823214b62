import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  CLUSTER_EVENTS_TOPIC,
  ClusterEvent,
} from '@hostplane/plugin-hostplane-node';
import { ClusterCache } from '../cache/ClusterCache';

/**
 * Publishes every change the cache hears of on `hostplane.clusters`, for the catalog and anyone
 * else who follows clusters without polling. A failed publish is logged: the cache is the
 * record, and a consumer that misses a change reads it with its next full list.
 */
export function publishClusterChanges(
  cache: Pick<ClusterCache, 'subscribe'>,
  events: EventsService,
  logger: LoggerService,
): () => void {
  return cache.subscribe((hub, { namespace, name }, cluster) => {
    const event: ClusterEvent = {
      hub,
      namespace,
      name,
      cluster: cluster ?? null,
    };
    events
      .publish({ topic: CLUSTER_EVENTS_TOPIC, eventPayload: event })
      .catch(error =>
        logger.warn(
          `Could not publish a change of ${hub}/${name}: ${error.message}`,
        ),
      );
  });
}
