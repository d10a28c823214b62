// @ts-check

/**
 * Leases on the per-cluster locks: the backend instance running an operation holds its lock's
 * lease and renews it while it works. Another instance takes over an operation whose lease has
 * expired (its holder died), so operations resume with several instances as with one.
 *
 * Locks taken before this migration have no holder; the first instance to look claims them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hostplane_cluster_locks', table => {
    table
      .string('holder', 255)
      .comment('The backend instance running the operation');
    table
      .string('lease_expires_at', 32)
      .comment(
        'Until when the holder may run it without renewing (ISO-8601, UTC)',
      );
    table.index(['lease_expires_at'], 'hostplane_cluster_locks_lease_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('hostplane_cluster_locks', table => {
    table.dropIndex(['lease_expires_at'], 'hostplane_cluster_locks_lease_idx');
    table.dropColumn('lease_expires_at');
    table.dropColumn('holder');
  });
};
