import type {
  K8sAuditEvent,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import type { Knex } from 'knex';
import { dedupKey, isActive } from './alerts';
import type { ClusterRef, ClusterThreatState } from './detector';
import type { RuleException } from './rules';

/** One received event waiting for detection. */
export interface PendingEvent {
  seq: number;
  cluster: ClusterRef;
  event: K8sAuditEvent;
}

export interface AlertQuery {
  hub?: string;
  cluster?: string;
  statuses?: ThreatAlert['status'][];
  limit?: number;
}

const INSERT_CHUNK = 100;

/**
 * How long an event is kept after detection: longer than an API server goes on retrying a batch
 * whose acknowledgement it did not get, so that the batch posted again is recognised.
 */
export const DETECTED_EVENTS_KEPT_MS = 60 * 60_000;
const PRUNE_EVERY_MS = 60_000;

/** Threat detection's tables: received events, alerts, baselines, exceptions. */
export class ThreatStore {
  private lastPrune = 0;

  constructor(private readonly db: Knex) {}

  /**
   * Stores a batch before it is acknowledged. An event received twice (a retried post) is kept
   * once. Returns how many were new.
   */
  async insertEvents(
    cluster: ClusterRef,
    events: K8sAuditEvent[],
  ): Promise<number> {
    const receivedAt = new Date().toISOString();
    let inserted = 0;
    await this.db.transaction(async tx => {
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        const rows = events.slice(i, i + INSERT_CHUNK).map(event => ({
          hub: cluster.hub,
          cluster: cluster.name,
          audit_id: event.auditID,
          stage: event.stage,
          event: JSON.stringify(event),
          received_at: receivedAt,
        }));
        const result = await tx('hostplane_audit_events')
          .insert(rows)
          .onConflict(['hub', 'cluster', 'audit_id', 'stage'])
          .ignore()
          .returning('seq');
        inserted += Array.isArray(result) ? result.length : rows.length;
      }
    });
    return inserted;
  }

  async pendingCount(): Promise<number> {
    const row = await this.db('hostplane_audit_events')
      .whereNull('detected_at')
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  /** The oldest events waiting for detection. */
  async pending(limit: number): Promise<PendingEvent[]> {
    const rows = await this.db('hostplane_audit_events')
      .select('seq', 'hub', 'cluster', 'event')
      .whereNull('detected_at')
      .orderBy('seq')
      .limit(limit);
    return rows.map(row => ({
      seq: Number(row.seq),
      cluster: { hub: row.hub, name: row.cluster },
      event: JSON.parse(row.event),
    }));
  }

  /**
   * Stores what detection made of some events and marks them detected, at once: after a crash
   * either both happened or the events are detected again (to the same alert ids). Events
   * detected more than {@link DETECTED_EVENTS_KEPT_MS} ago are deleted on the way.
   */
  async commitDetection(commit: {
    processed: number[];
    alerts: ThreatAlert[];
    states: { cluster: ClusterRef; state: ClusterThreatState }[];
  }) {
    const now = new Date().toISOString();
    await this.db.transaction(async tx => {
      for (const alert of commit.alerts) {
        await tx('hostplane_threat_alerts')
          .insert(alertRow(alert))
          .onConflict('id')
          .merge();
      }
      for (const { cluster, state } of commit.states) {
        await tx('hostplane_threat_baselines')
          .insert({
            hub: cluster.hub,
            cluster: cluster.name,
            state: JSON.stringify(state),
            updated_at: now,
          })
          .onConflict(['hub', 'cluster'])
          .merge();
      }
      for (let i = 0; i < commit.processed.length; i += 500) {
        await tx('hostplane_audit_events')
          .whereIn('seq', commit.processed.slice(i, i + 500))
          .update({ detected_at: now });
      }
    });
    if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.db('hostplane_audit_events')
        .where(
          'detected_at',
          '<',
          new Date(Date.now() - DETECTED_EVENTS_KEPT_MS).toISOString(),
        )
        .delete();
    }
  }

  async saveAlert(alert: ThreatAlert) {
    await this.db('hostplane_threat_alerts')
      .insert(alertRow(alert))
      .onConflict('id')
      .merge();
  }

  async getAlert(id: string): Promise<ThreatAlert | undefined> {
    const row = await this.db('hostplane_threat_alerts').where({ id }).first();
    return row ? JSON.parse(row.alert) : undefined;
  }

  /** Alerts, the most recently seen first. */
  async listAlerts(query: AlertQuery = {}): Promise<ThreatAlert[]> {
    let q = this.db('hostplane_threat_alerts').select('alert');
    if (query.hub) q = q.where('hub', query.hub);
    if (query.cluster) q = q.where('cluster', query.cluster);
    if (query.statuses?.length) q = q.whereIn('status', query.statuses);
    const rows = await q.orderBy('last_seen', 'desc').limit(query.limit ?? 500);
    return rows.map(row => JSON.parse(row.alert));
  }

  /** How many alerts in these statuses each cluster has; clusters with none are left out. */
  async countAlertsByCluster(
    statuses: ThreatAlert['status'][],
  ): Promise<Array<{ hub: string; cluster: string; count: number }>> {
    const rows: Array<{ hub: string; cluster: string; n: number | string }> =
      await this.db('hostplane_threat_alerts')
        .whereIn('status', statuses)
        .groupBy('hub', 'cluster')
        .select('hub', 'cluster')
        .count({ n: '*' });
    return rows.map(row => ({
      hub: String(row.hub),
      cluster: String(row.cluster),
      count: Number(row.n),
    }));
  }

  /** What the detector needs to carry on after a restart. */
  async loadDetectorState(): Promise<{
    clusters: Record<string, ClusterThreatState>;
    activeAlerts: ThreatAlert[];
  }> {
    const baselines = await this.db('hostplane_threat_baselines').select();
    const active = await this.db('hostplane_threat_alerts')
      .select('alert')
      .whereIn('status', ['open', 'acknowledged', 'mitigated']);
    return {
      clusters: Object.fromEntries(
        baselines.map(row => [
          `${row.hub}/${row.cluster}`,
          JSON.parse(row.state),
        ]),
      ),
      activeAlerts: active
        .map(row => JSON.parse(row.alert) as ThreatAlert)
        .filter(isActive),
    };
  }

  async addException(
    exception: RuleException & { hub?: string; alertId?: string },
  ) {
    const [cluster] = exception.cluster
      ? [exception.cluster.split('/')[1]]
      : [];
    await this.db('hostplane_threat_exceptions').insert({
      rule_id: exception.ruleId,
      hub: exception.hub ?? exception.cluster?.split('/')[0] ?? null,
      cluster: cluster ?? null,
      condition: exception.condition ?? null,
      reason: exception.reason,
      created_by: exception.createdBy,
      created_at: new Date().toISOString(),
      alert_id: exception.alertId ?? null,
    });
  }

  async listExceptions(): Promise<RuleException[]> {
    const rows = await this.db('hostplane_threat_exceptions').orderBy('id');
    return rows.map(row => ({
      ruleId: row.rule_id,
      ...(row.hub && row.cluster
        ? { cluster: `${row.hub}/${row.cluster}` }
        : {}),
      ...(row.condition ? { condition: row.condition } : {}),
      reason: row.reason,
      createdBy: row.created_by,
    }));
  }
}

function alertRow(alert: ThreatAlert) {
  return {
    id: alert.id,
    hub: alert.hub,
    cluster: alert.cluster,
    dedup_key: dedupKey(alert).slice(0, 1024),
    status: alert.status,
    level: alert.level,
    likelihood: alert.likelihood,
    last_seen: alert.lastSeen,
    alert: JSON.stringify(alert),
  };
}
