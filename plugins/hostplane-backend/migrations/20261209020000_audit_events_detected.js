// @ts-check

/**
 * Audit events stay a while after detection, marked with when they went through it: a batch the
 * API server posts again (its acknowledgement lost) then meets the events it already sent and is
 * not detected a second time.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hostplane_audit_events', table => {
    table
      .string('detected_at', 32)
      .nullable()
      .comment('When detection stored what came of it; null while waiting');
    table.index(['detected_at', 'seq'], 'hostplane_audit_events_waiting_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('hostplane_audit_events', table => {
    table.dropIndex(
      ['detected_at', 'seq'],
      'hostplane_audit_events_waiting_idx',
    );
    table.dropColumn('detected_at');
  });
};
