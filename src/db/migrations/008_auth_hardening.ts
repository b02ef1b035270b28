/**
 * Repeated wrong passwords lock an account for a while (the failures since the last success, and until when), and
 * the rate limits' counters, shared by every process on the database (the table rate-limiter-flexible reads).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.integer('failed_logins').notNullable().defaultTo(0);
    table.timestamp('locked_until', { useTz: true });
  });
  await knex.schema.createTable('rate_limits', (table) => {
    table.string('key', 255).primary();
    table.integer('points').notNullable().defaultTo(0);
    // Epoch milliseconds.
    table.bigInteger('expire');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('failed_logins');
    table.dropColumn('locked_until');
  });
}
