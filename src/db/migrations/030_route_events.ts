/**
 * A route's own event log, for the steps of a route that are no order's: a driver confirming a reload at the depot
 * (`reload_arrived`, `reloaded`), with the trip it starts. Order events stay in order_events.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('route_events', (table) => {
    table.increments('id').primary();
    table.integer('route_id').notNullable().references('routes.id').onDelete('CASCADE');
    table.integer('vehicle_id').notNullable();
    table.text('type').notNullable();
    table.jsonb('data').notNullable().defaultTo('{}');
    table.text('actor').notNullable();
    table.bigInteger('at_epoch').notNullable();
    table.index(['route_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('route_events');
}
