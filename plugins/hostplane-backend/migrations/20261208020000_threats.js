// @ts-check

/**
 * Threat detection: the audit events tenants post (kept until detection has processed them, so
 * nothing acknowledged is lost on a crash), the alerts, each cluster's anomaly baseline, and the
 * exceptions made from false positives.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // A row lives from its acknowledgement until detection has stored its alerts, in the same
  // transaction that deletes it.
  await knex.schema.createTable('hostplane_audit_events', table => {
    table.comment('Audit events received and not yet through detection');
    table.bigIncrements('seq').primary().comment('Arrival order');
    table.string('hub', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('audit_id', 128).notNullable();
    table.string('stage', 32).notNullable();
    table
      .text('event', 'longtext')
      .notNullable()
      .comment('The event as posted (JSON)');
    table.string('received_at', 32).notNullable();
    table.unique(['hub', 'cluster', 'audit_id', 'stage'], {
      indexName: 'hostplane_audit_events_identity_idx',
    });
  });

  await knex.schema.createTable('hostplane_threat_alerts', table => {
    table.comment('Threat alerts, one row per alert');
    table.string('id', 64).primary();
    table.string('hub', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('dedup_key', 1024).notNullable();
    table.string('status', 32).notNullable();
    table.string('level', 16).notNullable();
    table.float('likelihood').notNullable();
    table.string('last_seen', 32).notNullable();
    table.text('alert', 'longtext').notNullable().comment('The alert (JSON)');
    table.index(
      ['hub', 'cluster', 'last_seen'],
      'hostplane_threat_alerts_cluster_idx',
    );
    table.index(['status'], 'hostplane_threat_alerts_status_idx');
  });

  await knex.schema.createTable('hostplane_threat_baselines', table => {
    table.comment(
      'The anomaly baseline of each cluster, and what detection learnt of it',
    );
    table.string('hub', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table.text('state', 'longtext').notNullable().comment('JSON');
    table.string('updated_at', 32).notNullable();
    table.primary(['hub', 'cluster']);
  });

  await knex.schema.createTable('hostplane_threat_exceptions', table => {
    table.comment('Exceptions to threat rules, made from false positives');
    table.increments('id').primary();
    table.string('rule_id', 255).notNullable();
    table.string('hub', 255);
    table.string('cluster', 255);
    table.text('condition').comment('CEL; the whole rule when null');
    table.text('reason').notNullable();
    table.string('created_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.string('alert_id', 64).comment('The false positive it was made from');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hostplane_threat_exceptions');
  await knex.schema.dropTable('hostplane_threat_baselines');
  await knex.schema.dropTable('hostplane_threat_alerts');
  await knex.schema.dropTable('hostplane_audit_events');
};
