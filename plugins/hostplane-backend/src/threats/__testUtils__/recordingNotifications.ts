import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';

/**
 * Stands in for the notifications backend only to count what is sent: it records each send and
 * delivers nothing, so a test can tell how often an owner would have been notified.
 */
export class RecordingNotifications implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];

  async send(options: NotificationSendOptions): Promise<void> {
    this.sent.push(options);
  }
}
