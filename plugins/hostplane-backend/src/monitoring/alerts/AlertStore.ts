import {
  METRIC_LABELS,
  METRIC_PANELS,
  MetricPanelId,
} from '@hostplane/plugin-hostplane-common';
import type { Knex } from 'knex';
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

const TABLE = 'hostplane_monitoring_alerts';

/** Rows per statement: well under SQLite's limit on bound variables. */
const CHUNK = 100;

/** A firing alert as the summary counts it. */
export interface FiringAlert {
  hub: string;
  cluster: string;
  fingerprint: string;
  severity: string;
}

interface AlertRow {
  hub: string;
  cluster: string;
  fingerprint: string;
  state: string;
  severity: string;
  starts_at: string;
  ends_at_ms: number | string | null;
  alert: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  silenced_by: string | null;
}

/** What the `alert` column holds: the alert as received, without who did what to it. */
type ReceivedAlert = Omit<
  StoredAlert,
  'acknowledgedBy' | 'acknowledgedAt' | 'silencedBy'
>;

function alertOf(row: AlertRow): StoredAlert {
  const received: ReceivedAlert = JSON.parse(row.alert);
  return {
    ...received,
    ...(row.acknowledged_by
      ? {
          acknowledgedBy: row.acknowledged_by,
          acknowledgedAt: row.acknowledged_at ?? undefined,
        }
      : {}),
    ...(row.silenced_by ? { silencedBy: row.silenced_by } : {}),
  };
}

function receivedOf(alert: z.output<typeof webhookAlertSchema>): ReceivedAlert {
  const panel = alert.annotations.panel;
  return {
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
  };
}

/**
 * The alerts Alertmanager sent, per cluster (`hub/name`), with who acknowledged or silenced them,
 * in the plugin's database: a restarted backend still knows who acknowledged what, and which
 * alerts were already firing (so they are not notified again).
 */
export class AlertStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes what a hub's Alertmanager sent; alerts that name another hub, or no cluster, are
   * left out. Returns the alerts that began firing with this call (for notifications): whether
   * one began is decided against what is stored, in the same transaction that stores it.
   */
  async receive(
    hub: string,
    alerts: Array<z.output<typeof webhookAlertSchema>>,
  ): Promise<StoredAlert[]> {
    // The last of an alert in one payload is the one that counts, as it would in two.
    const byKey = new Map<string, { cluster: string; alert: ReceivedAlert }>();
    for (const alert of alerts) {
      const cluster = alert.labels[METRIC_LABELS.cluster];
      if (alert.labels[METRIC_LABELS.hub] !== hub || !cluster) continue;
      byKey.set(`${cluster}/${alert.fingerprint}`, {
        cluster,
        alert: receivedOf(alert),
      });
    }
    const received = [...byKey.values()];
    const started: StoredAlert[] = [];
    await this.db.transaction(async tx => {
      for (let i = 0; i < received.length; i += CHUNK) {
        const chunk = received.slice(i, i + CHUNK);
        const before = new Map<string, AlertRow>(
          (
            (await tx(TABLE)
              .where('hub', hub)
              .whereIn(
                'fingerprint',
                chunk.map(r => r.alert.fingerprint),
              )) as AlertRow[]
          ).map(row => [`${row.cluster}/${row.fingerprint}`, row]),
        );
        const rows = chunk.map(({ cluster, alert }) => {
          const stored = before.get(`${cluster}/${alert.fingerprint}`);
          // A new firing of the same labels is a new alert: what was acknowledged was the last one.
          const same = stored?.starts_at === alert.startsAt;
          if (alert.state === 'firing' && !same) started.push(alert);
          return {
            hub,
            cluster,
            fingerprint: alert.fingerprint,
            state: alert.state,
            severity: alert.severity,
            starts_at: alert.startsAt,
            ends_at_ms: alert.endsAt ? Date.parse(alert.endsAt) || null : null,
            alert: JSON.stringify(alert),
            acknowledged_by: same ? stored.acknowledged_by : null,
            acknowledged_at: same ? stored.acknowledged_at : null,
            silenced_by: same ? stored.silenced_by : null,
          };
        });
        await tx(TABLE)
          .insert(rows)
          .onConflict(['hub', 'cluster', 'fingerprint'])
          .merge();
      }
      await this.prune(tx);
    });
    return started;
  }

  /** The cluster's alerts: firing first, then resolved; newest first in each. */
  async list(hub: string, cluster: string): Promise<StoredAlert[]> {
    await this.prune(this.db);
    const rows: AlertRow[] = await this.db(TABLE).where({ hub, cluster });
    return rows
      .map(alertOf)
      .sort(
        (a, b) =>
          Number(b.state === 'firing') - Number(a.state === 'firing') ||
          b.startsAt.localeCompare(a.startsAt),
      );
  }

  async get(
    hub: string,
    cluster: string,
    fingerprint: string,
  ): Promise<StoredAlert | undefined> {
    const row: AlertRow | undefined = await this.db(TABLE)
      .where({ hub, cluster, fingerprint })
      .first();
    return row ? alertOf(row) : undefined;
  }

  /** Every firing alert of every cluster (the Clusters page's badges). */
  async firing(): Promise<FiringAlert[]> {
    return this.db(TABLE)
      .where('state', 'firing')
      .select('hub', 'cluster', 'fingerprint', 'severity');
  }

  /**
   * Records who acknowledged this firing of the alert; a firing that began since (a new alert)
   * is left as it is.
   */
  async acknowledge(
    hub: string,
    cluster: string,
    alert: StoredAlert,
    by: string,
  ): Promise<void> {
    await this.db(TABLE)
      .where({
        hub,
        cluster,
        fingerprint: alert.fingerprint,
        starts_at: alert.startsAt,
      })
      .update({
        acknowledged_by: by,
        acknowledged_at: new Date(this.now()).toISOString(),
      });
  }

  /** Records who silenced this firing of the alert. */
  async silenced(
    hub: string,
    cluster: string,
    alert: StoredAlert,
    by: string,
  ): Promise<void> {
    await this.db(TABLE)
      .where({
        hub,
        cluster,
        fingerprint: alert.fingerprint,
        starts_at: alert.startsAt,
      })
      .update({ silenced_by: by });
  }

  private async prune(db: Knex): Promise<void> {
    await db(TABLE)
      .where('state', 'resolved')
      .where('ends_at_ms', '<', this.now() - RESOLVED_KEPT_MS)
      .delete();
  }
}
