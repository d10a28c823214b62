import { randomUUID } from 'node:crypto';
import { KubeconfigIssuance } from '@hostplane/plugin-hostplane-common';
import { Knex } from 'knex';

const ISSUANCES = 'hostplane_kubeconfig_issuances';

/** An issuance as recorded; whether it is revoked depends on the cluster, not on the record. */
export type IssuanceRecord = Omit<KubeconfigIssuance, 'revoked'>;

/** The record of every kubeconfig handed out: who, for which cluster, until when. Never the credential. */
export class IssuanceStore {
  constructor(private readonly db: Knex) {}

  async record(issuance: Omit<IssuanceRecord, 'id'>): Promise<IssuanceRecord> {
    const id = randomUUID();
    await this.db(ISSUANCES).insert({
      id,
      hub: issuance.hub,
      cluster: issuance.cluster,
      user: issuance.user,
      groups: JSON.stringify(issuance.groups),
      serial: issuance.serial,
      issued_at: issuance.issuedAt,
      expires_at: issuance.expiresAt,
    });
    return { id, ...issuance };
  }

  async list(
    hub: string,
    cluster: string,
    limit = 100,
  ): Promise<IssuanceRecord[]> {
    const rows = await this.db(ISSUANCES)
      .where({ hub, cluster })
      .orderBy('issued_at', 'desc')
      .limit(limit);
    return rows.map(row => ({
      id: row.id,
      hub: row.hub,
      cluster: row.cluster,
      user: row.user,
      groups: JSON.parse(row.groups),
      serial: row.serial,
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
    }));
  }
}
