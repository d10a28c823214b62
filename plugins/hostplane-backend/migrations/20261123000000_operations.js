// @ts-check

/**
 * Operations on tenant clusters (with their steps and progress), the lock that lets one run at a
 * time per cluster, and the record of every kubeconfig issued.
 *
 * Times are ISO-8601 strings in UTC: they sort and compare the same on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hostplane_operations', table => {
    table.string('id', 36).primary();
    table.string('hub', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table.string('type', 32).notNullable();
    table.string('state', 16).notNullable();
    table.text('input').notNullable().comment('The request, as JSON');
    table
      .text('plan')
      .notNullable()
      .comment('What the steps converge to, as JSON');
    table
      .text('steps')
      .notNullable()
      .comment('Each step with its state, as JSON');
    table.text('error');
    table.string('created_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('finished_at', 32);
    table.index(
      ['hub', 'cluster', 'created_at'],
      'hostplane_operations_cluster_idx',
    );
    table.index(['state'], 'hostplane_operations_state_idx');
  });
  await knex.schema.createTable('hostplane_cluster_locks', table => {
    table.string('hub', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table.string('operation_id', 36).notNullable();
    table.primary(['hub', 'cluster']);
  });
  await knex.schema.createTable('hostplane_kubeconfig_issuances', table => {
    table.string('id', 36).primary();
    table.string('hub', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table.string('user', 255).notNullable();
    table.text('groups').notNullable().comment('JSON array');
    table.string('serial', 64).notNullable();
    table.string('issued_at', 32).notNullable();
    table.string('expires_at', 32).notNullable();
    table.index(
      ['hub', 'cluster', 'issued_at'],
      'hostplane_issuances_cluster_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hostplane_kubeconfig_issuances');
  await knex.schema.dropTable('hostplane_cluster_locks');
  await knex.schema.dropTable('hostplane_operations');
};
