/**
 * Report facts: one row per order and one per route, rewritten from the order events, stops, outcomes, ratings
 * and GPS fixes whenever something about them happens, so a report reads a few thousand indexed rows instead
 * of replaying the event log. `docs/kpis.md` defines every column's meaning.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('order_facts', (table) => {
    table.integer('order_id').primary().references('orders.id').onDelete('CASCADE');
    table.integer('depot_id').references('depots.id').onDelete('CASCADE');
    // The depot-local date the order's promised window starts on (YYYY-MM-DD).
    table.text('service_day').notNullable();
    table.integer('vehicle_id').references('vehicles.id').onDelete('SET NULL');
    table.integer('driver_id').references('drivers.id').onDelete('SET NULL');
    table.integer('route_id').references('routes.id').onDelete('SET NULL');
    // The postcode of the address (customer area), and the promised window as local "HH:MM-HH:MM".
    table.text('area');
    table.text('window_label').notNullable();
    table.bigInteger('window_start_epoch').notNullable();
    table.bigInteger('window_end_epoch').notNullable();
    table.text('status').notNullable();
    table.bigInteger('received_epoch');
    table.bigInteger('dispatched_epoch');
    table.bigInteger('delivered_epoch');
    table.integer('attempts').notNullable();
    // Reasons of every failed attempt, oldest first.
    table.jsonb('failure_reasons').notNullable();
    // Seconds delivered before the window opened / after it closed; both 0 when on time, null when not delivered.
    table.integer('early_seconds');
    table.integer('late_seconds');
    // Expected service start from the ETA frozen at dispatch and from the last live ETA, minus the actual one.
    table.integer('dispatched_eta_error_seconds');
    table.integer('live_eta_error_seconds');
    table.smallint('rating');
    table.text('rating_comment');
    table.bigInteger('last_event_id').notNullable();
    table.index(['service_day', 'depot_id']);
  });

  await knex.schema.createTable('route_facts', (table) => {
    table.integer('route_id').primary().references('routes.id').onDelete('CASCADE');
    table.integer('plan_id').notNullable().references('plans.id').onDelete('CASCADE');
    table.integer('depot_id').notNullable().references('depots.id').onDelete('CASCADE');
    table.text('service_day').notNullable();
    table.integer('vehicle_id').notNullable().references('vehicles.id').onDelete('CASCADE');
    table.integer('driver_id').references('drivers.id').onDelete('SET NULL');
    table.double('planned_meters').notNullable();
    table.integer('planned_seconds').notNullable();
    table.integer('planned_stops').notNullable();
    table.double('planned_cost').notNullable();
    table.double('actual_meters').notNullable();
    table.integer('actual_seconds').notNullable();
    table.integer('served_stops').notNullable();
    table.integer('delivered_stops').notNullable();
    table.double('actual_cost').notNullable();
    // Planned sequence numbers in the order the stops were served; true when that is the planned order.
    table.jsonb('served_sequence').notNullable();
    table.boolean('served_in_order').notNullable();
    table.index(['service_day', 'depot_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('route_facts');
  await knex.schema.dropTable('order_facts');
}
