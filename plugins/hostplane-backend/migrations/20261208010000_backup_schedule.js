// @ts-check

/**
 * Scheduled etcd backups: one row per (hub, cluster, slot of its schedule), inserted by the
 * backend instance that claims the slot before it submits the backup. The primary key makes the
 * claim unique across instances; the row then follows the slot until its backup is submitted
 * (a cluster busy with another operation is tried again later, by whichever instance holds the
 * row's lease).
 *
 * And clusters that have backups in a store but are gone from their hub, from when the backend
 * first saw them gone: their backups are kept for a grace period from then.
 *
 * Times are ISO-8601 strings in UTC, as in the other tables.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hostplane_backup_slots', table => {
    table.string('hub', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table.string('slot', 32).notNullable().comment("The cron slot's time");
    table
      .string('state', 16)
      .notNullable()
      .comment('pending, submitted, superseded or refused');
    table.string('holder', 255).notNullable().comment('The instance trying it');
    table.string('lease_expires_at', 32).notNullable();
    table.string('next_attempt_at', 32).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('operation_id', 36).comment('The backup operation submitted');
    table.text('error').comment('Why the last attempt did not submit');
    table.string('claimed_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.primary(['hub', 'cluster', 'slot']);
    table.index(['state', 'next_attempt_at'], 'hostplane_backup_slots_due_idx');
  });
  await knex.schema.createTable('hostplane_departed_clusters', table => {
    table.string('hub', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table
      .string('missing_since', 32)
      .notNullable()
      .comment('When the backend first found the cluster gone from its hub');
    table.primary(['hub', 'namespace', 'cluster']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hostplane_departed_clusters');
  await knex.schema.dropTable('hostplane_backup_slots');
};
