// @ts-check

/**
 * The monitoring alerts each hub's Alertmanager sent, with who acknowledged or silenced them: kept
 * across restarts, so that an acknowledgement is not forgotten and an alert still firing is not
 * taken for a new one (and notified again).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hostplane_monitoring_alerts', table => {
    table.comment(
      'Monitoring alerts from Alertmanager, one row per alert of a cluster',
    );
    table.string('hub', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment("Alertmanager's fingerprint of the alert's labels");
    table.string('state', 16).notNullable().comment('firing or resolved');
    table.string('severity', 32).notNullable();
    table
      .string('starts_at', 64)
      .notNullable()
      .comment('When this firing began, as Alertmanager sent it');
    table
      .bigInteger('ends_at_ms')
      .comment('When a resolved alert ended (epoch milliseconds), for pruning');
    table
      .text('alert', 'longtext')
      .notNullable()
      .comment('The alert as received (JSON)');
    table.string('acknowledged_by', 255);
    table.string('acknowledged_at', 32);
    table.string('silenced_by', 255);
    table.primary(['hub', 'cluster', 'fingerprint']);
    table.index(['state', 'hub'], 'hostplane_monitoring_alerts_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hostplane_monitoring_alerts');
};
