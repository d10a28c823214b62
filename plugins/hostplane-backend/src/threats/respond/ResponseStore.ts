import type {
  ResponseAction,
  ResponsePolicy,
} from '@hostplane/plugin-hostplane-common';
import type { Knex } from 'knex';

/** A cluster's own response policy, as stored. */
export interface StoredPolicy extends ResponsePolicy {
  updatedBy: string;
  updatedAt: string;
}

/** Threat response's tables: each cluster's response policy and the actions taken. */
export class ResponseStore {
  constructor(private readonly db: Knex) {}

  async getPolicy(
    hub: string,
    cluster: string,
  ): Promise<StoredPolicy | undefined> {
    const row = await this.db('hostplane_threat_response_policies')
      .where({ hub, cluster })
      .first();
    return row
      ? {
          mode: row.mode,
          autoThreshold: Number(row.auto_threshold),
          updatedBy: row.updated_by,
          updatedAt: row.updated_at,
        }
      : undefined;
  }

  async setPolicy(hub: string, cluster: string, policy: StoredPolicy) {
    await this.db('hostplane_threat_response_policies')
      .insert({
        hub,
        cluster,
        mode: policy.mode,
        auto_threshold: policy.autoThreshold,
        updated_by: policy.updatedBy,
        updated_at: policy.updatedAt,
      })
      .onConflict(['hub', 'cluster'])
      .merge();
  }

  /** Stores an action, new or changed. */
  async saveAction(action: ResponseAction) {
    await this.db('hostplane_threat_actions')
      .insert({
        id: action.id,
        alert_id: action.alertId,
        hub: action.hub,
        cluster: action.cluster,
        kind: action.kind,
        status: action.status,
        acted_by: action.by,
        at: action.at,
        action: JSON.stringify(action),
      })
      .onConflict('id')
      .merge();
  }

  async getAction(id: string): Promise<ResponseAction | undefined> {
    const row = await this.db('hostplane_threat_actions').where({ id }).first();
    return row ? JSON.parse(row.action) : undefined;
  }

  /** A cluster's actions, or one alert's, newest first. */
  async listActions(query: {
    hub: string;
    cluster: string;
    alertId?: string;
    limit?: number;
  }): Promise<ResponseAction[]> {
    let q = this.db('hostplane_threat_actions')
      .select('action')
      .where({ hub: query.hub, cluster: query.cluster });
    if (query.alertId) q = q.where('alert_id', query.alertId);
    const rows = await q
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit ?? 500);
    return rows.map(row => JSON.parse(row.action));
  }

  /** Whether the policy has acted on the alert already. */
  async hasActionBy(alertId: string, by: string): Promise<boolean> {
    const row = await this.db('hostplane_threat_actions')
      .where({ alert_id: alertId, acted_by: by })
      .first('id');
    return !!row;
  }

  /** Actions recorded and not finished: the backend stopped while carrying them out. */
  async pendingActions(): Promise<ResponseAction[]> {
    const rows = await this.db('hostplane_threat_actions')
      .select('action')
      .where({ status: 'pending' })
      .orderBy('at');
    return rows.map(row => JSON.parse(row.action));
  }
}
