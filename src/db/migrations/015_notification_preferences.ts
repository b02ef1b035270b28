/**
 * Notifications the customer controls and the arriving-soon message: opt-outs per channel and address (an
 * unsubscribe applies to every order sent to that address), each depot's arriving-soon thresholds (null: the
 * service's defaults), and on each stop when its arriving-soon event was written, so it is written once per
 * stop-attempt however the ETAs move.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_opt_outs', (table) => {
    table.increments('id');
    table.text('channel').notNullable();
    // As the outbox writes it: the e-mail address lower-cased, the phone as E.164.
    table.text('recipient').notNullable();
    table.integer('order_id').references('orders.id').onDelete('SET NULL');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['channel', 'recipient']);
  });
  await knex.schema.alterTable('depots', (table) => {
    table.integer('arriving_soon_minutes');
    table.integer('arriving_soon_stops');
  });
  await knex.schema.alterTable('stops', (table) => {
    table.timestamp('arriving_soon_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stops', (table) => table.dropColumn('arriving_soon_at'));
  await knex.schema.alterTable('depots', (table) => {
    table.dropColumn('arriving_soon_minutes');
    table.dropColumn('arriving_soon_stops');
  });
  await knex.schema.dropTable('notification_opt_outs');
}
