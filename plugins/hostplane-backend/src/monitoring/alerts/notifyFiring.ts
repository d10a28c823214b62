import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { clusterEntityName } from '@hostplane/plugin-hostplane-common';
import { StoredAlert } from './AlertStore';

/**
 * Tells the owning group of each critical alert that began firing, once per alert: the
 * notification's scope is the alert and the time it began, so a repeat does not notify again.
 */
export function notifyFiring(options: {
  notifications: NotificationService;
  ownerOf: (hub: string, cluster: string) => string | undefined;
  logger: LoggerService;
}) {
  return (hub: string, alerts: StoredAlert[]) => {
    for (const alert of alerts) {
      if (alert.severity !== 'critical') continue;
      const cluster = alert.labels.hostplane_cluster;
      const owner = options.ownerOf(hub, cluster);
      if (!owner) continue;
      options.notifications
        .send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title: `${alert.name} on ${cluster} (${hub})`,
            description: alert.summary,
            link: `/catalog/default/resource/${clusterEntityName(
              hub,
              cluster,
            )}/alerts`,
            severity: 'critical',
            topic: 'hostplane-alerts',
            scope: `hostplane-alert:${hub}/${cluster}/${alert.fingerprint}/${alert.startsAt}`,
          },
        })
        .catch(error =>
          options.logger.warn(
            `notifying ${owner} of ${alert.name} on ${hub}/${cluster} failed: ${error}`,
          ),
        );
    }
  };
}
