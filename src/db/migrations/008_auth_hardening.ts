/**
 * Repeated wrong passwords lock a username for a while (the failures since the last success, and until when), kept
 * per username whether or not it exists, so neither the answer nor its time tells; and the rate limits' counters,
 * shared by every process on the database (the table rate-limiter-flexible reads).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_failures', (table) => {
    table.text('username').primary();
    table.integer('failures').notNullable().defaultTo(0);
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
  await knex.schema.dropTable('login_failures');
}
