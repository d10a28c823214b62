// @ts-check

/**
 * Keys the backend signs with that every instance must share, generated once by the first
 * instance that needs one: the key of short-lived restore snapshot URLs, unless configured.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hostplane_signing_keys', table => {
    table.string('name', 64).primary().comment('What the key signs');
    table.string('key', 128).notNullable().comment('The key, base64');
    table
      .string('created_at', 32)
      .notNullable()
      .comment('When it was generated (ISO-8601, UTC)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hostplane_signing_keys');
};
