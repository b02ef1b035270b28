/**
 * Windows held at checkout: a reservation counts against its window's capacity until it expires or an order
 * uses it (the order then holds the window itself). What it was quoted for is kept, so the day's forecast
 * routes the held order where it will be.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('slot_reservations', (table) => {
    table.text('id').primary();
    table.integer('depot_id').notNullable().references('depots.id').onDelete('CASCADE');
    table.bigInteger('window_start_epoch').notNullable();
    table.bigInteger('window_end_epoch').notNullable();
    table.bigInteger('expires_at_epoch').notNullable();
    table.double('lon').notNullable();
    table.double('lat').notNullable();
    table.integer('service_seconds').notNullable();
    table.jsonb('demand').notNullable();
    table.jsonb('required_skills').notNullable();
    table.integer('order_id').references('orders.id').onDelete('SET NULL');
    table.bigInteger('used_at_epoch');
    table.bigInteger('created_at_epoch').notNullable();
    table.text('created_by').notNullable();
    table.index(['depot_id', 'window_start_epoch']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('slot_reservations');
}
