import {
  METRIC_LABELS,
  METRIC_PANELS,
  MetricPanelId,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

/** One alert of Alertmanager's webhook payload (version 4). */
export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  fingerprint: z.string().min(1).max(64),
});

export const webhookPayloadSchema = z.object({
  version: z.literal('4'),
  alerts: z.array(webhookAlertSchema).max(10_000),
});

export interface StoredAlert {
  fingerprint: string;
  name: string;
  severity: string;
  summary: string;
  description: string;
  state: 'firing' | 'resolved';
  startsAt: string;
  endsAt?: string;
  labels: Record<string, string>;
  panel?: MetricPanelId;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  silencedBy?: string;
}

/** How long a resolved alert stays listed. */
const RESOLVED_KEPT_MS = 24 * 3_600_000;

/**
 * The alerts Alertmanager sent, per cluster (`hub/name`), with who acknowledged them. Kept in
 * memory: Alertmanager sends every firing alert again each repeat interval, so a restarted
 * backend has them back within it.
 */
export class AlertStore {
  private readonly clusters = new Map<string, Map<string, StoredAlert>>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes what a hub's Alertmanager sent; alerts that name another hub, or no cluster, are
   * left out. Returns the alerts that began firing with this call (for notifications).
   */
  receive(
    hub: string,
    alerts: Array<z.output<typeof webhookAlertSchema>>,
  ): StoredAlert[] {
    const started: StoredAlert[] = [];
    for (const alert of alerts) {
      const cluster = alert.labels[METRIC_LABELS.cluster];
      if (alert.labels[METRIC_LABELS.hub] !== hub || !cluster) continue;
      const key = `${hub}/${cluster}`;
      const alertsOf = this.clusters.get(key) ?? new Map();
      this.clusters.set(key, alertsOf);
      const before = alertsOf.get(alert.fingerprint);
      // A new firing of the same labels is a new alert: what was acknowledged was the last one.
      const same = before?.startsAt === alert.startsAt;
      const panel = alert.annotations.panel;
      const stored: StoredAlert = {
        fingerprint: alert.fingerprint,
        name: alert.labels.alertname ?? 'unnamed',
        severity: alert.labels.severity ?? 'warning',
        summary: alert.annotations.summary ?? alert.labels.alertname ?? '',
        description: alert.annotations.description ?? '',
        state: alert.status,
        startsAt: alert.startsAt,
        ...(alert.status === 'resolved' && alert.endsAt
          ? { endsAt: alert.endsAt }
          : {}),
        labels: alert.labels,
        ...((METRIC_PANELS as readonly string[]).includes(panel ?? '')
          ? { panel: panel as MetricPanelId }
          : {}),
        ...(same
          ? {
              acknowledgedBy: before.acknowledgedBy,
              acknowledgedAt: before.acknowledgedAt,
              silencedBy: before.silencedBy,
            }
          : {}),
      };
      if (alert.status === 'firing' && !same) started.push(stored);
      alertsOf.set(alert.fingerprint, stored);
    }
    this.prune();
    return started;
  }

  /** The cluster's alerts: firing first, then resolved; newest first in each. */
  list(hub: string, cluster: string): StoredAlert[] {
    this.prune();
    return [...(this.clusters.get(`${hub}/${cluster}`)?.values() ?? [])].sort(
      (a, b) =>
        Number(b.state === 'firing') - Number(a.state === 'firing') ||
        b.startsAt.localeCompare(a.startsAt),
    );
  }

  get(
    hub: string,
    cluster: string,
    fingerprint: string,
  ): StoredAlert | undefined {
    return this.clusters.get(`${hub}/${cluster}`)?.get(fingerprint);
  }

  acknowledge(alert: StoredAlert, by: string): void {
    alert.acknowledgedBy = by;
    alert.acknowledgedAt = new Date(this.now()).toISOString();
  }

  silenced(alert: StoredAlert, by: string): void {
    alert.silencedBy = by;
  }

  private prune(): void {
    const oldest = this.now() - RESOLVED_KEPT_MS;
    for (const [key, alerts] of this.clusters) {
      for (const [fingerprint, alert] of alerts) {
        if (
          alert.state === 'resolved' &&
          alert.endsAt &&
          Date.parse(alert.endsAt) < oldest
        ) {
          alerts.delete(fingerprint);
        }
      }
      if (alerts.size === 0) this.clusters.delete(key);
    }
  }
}
