import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';

/** Where Alertmanager sends alerts: Hostplane's webhook, with the token it checks. */
export interface AlertWebhook {
  url: string;
  /** A file holding the bearer token (Alertmanager reads it; it is never in the config). */
  tokenFile: string;
}

/**
 * Alertmanager's configuration: every alert grouped per cluster and rule, sent to Hostplane's
 * webhook (firing and resolved). Without a webhook yet, alerts are kept and shown by
 * Alertmanager's API only.
 */
export function renderAlertmanagerConfig(options: {
  webhook?: AlertWebhook;
  /** Short in tests: how long a new group waits for more alerts before it is sent. */
  groupWaitSeconds: number;
  /**
   * How long before a group's changes (an alert resolved or added) are sent; it also bounds how
   * long Alertmanager waits for the webhook to answer.
   */
  groupIntervalSeconds: number;
}) {
  return {
    route: {
      receiver: options.webhook ? 'hostplane' : 'nowhere',
      group_by: [METRIC_LABELS.hub, METRIC_LABELS.cluster, 'alertname'],
      group_wait: `${options.groupWaitSeconds}s`,
      group_interval: `${options.groupIntervalSeconds}s`,
      repeat_interval: '1h',
    },
    receivers: [
      options.webhook
        ? {
            name: 'hostplane',
            webhook_configs: [
              {
                url: options.webhook.url,
                send_resolved: true,
                http_config: {
                  authorization: {
                    type: 'Bearer',
                    credentials_file: options.webhook.tokenFile,
                  },
                },
              },
            ],
          }
        : { name: 'nowhere' },
    ],
  };
}
