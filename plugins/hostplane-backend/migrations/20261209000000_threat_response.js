// @ts-check

/**
 * Threat response: each cluster's response policy (clusters without a row follow the hub's
 * default), and the actions taken on alerts. An action's row is written as `pending` before
 * anything in the tenant changes, so that a backend stopped half-way carries it out again at its
 * next start. Dry-runs are not recorded.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hostplane_threat_response_policies', table => {
    table.comment(
      'The response policy of clusters that do not follow the default',
    );
    table.string('hub', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('mode', 16).notNullable().comment('off, suggest or auto');
    table.float('auto_threshold').notNullable();
    table.string('updated_by', 255).notNullable();
    table.string('updated_at', 32).notNullable();
    table.primary(['hub', 'cluster']);
  });

  await knex.schema.createTable('hostplane_threat_actions', table => {
    table.comment('Response actions taken on threat alerts');
    table.string('id', 64).primary();
    table.string('alert_id', 64).notNullable();
    table.string('hub', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('kind', 32).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, done, failed or reverted');
    table
      .string('acted_by', 255)
      .notNullable()
      .comment('A user, or policy:auto');
    table.string('at', 32).notNullable();
    table
      .text('action', 'longtext')
      .notNullable()
      .comment('The action with its request and changes (JSON)');
    table.index(
      ['hub', 'cluster', 'at'],
      'hostplane_threat_actions_cluster_idx',
    );
    table.index(['alert_id'], 'hostplane_threat_actions_alert_idx');
    table.index(['status'], 'hostplane_threat_actions_status_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hostplane_threat_actions');
  await knex.schema.dropTable('hostplane_threat_response_policies');
};
