/**
 * Plans and what they hold: the runs that computed them, routes per vehicle, stops in order, and the orders
 * left unassigned with the solver's reason. Times are epoch seconds UTC; the depot carries the time zone.
 * The plans table is also the run queue: a running plan holds a lease its worker renews, and a plan whose
 * lease ran out (its process died) is claimed again by any worker.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plans', (table) => {
    table.increments('id');
    table.integer('depot_id').notNullable().references('depots.id').onDelete('RESTRICT');
    table.text('plan_date').notNullable();
    // Bumped by every applied edit, re-optimization, live insertion or removal.
    table.integer('version').notNullable().defaultTo(1);
    table
      .text('status')
      .notNullable()
      .checkIn(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dispatched', 'superseded'], 'plans_status_check');
    table.jsonb('vehicle_ids').notNullable();
    table.jsonb('order_ids').notNullable();
    table.jsonb('options').notNullable().defaultTo('{}');
    table.double('time_limit_seconds').notNullable();
    table.jsonb('progress');
    table.jsonb('error');
    table.jsonb('totals');
    table.text('created_by').notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('lease_owner');
    table.timestamp('lease_expires_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true });
    table.timestamp('dispatched_at', { useTz: true });
    table.index(['depot_id', 'plan_date']);
    table.index(['status', 'id']);
  });

  await knex.schema.createTable('plan_runs', (table) => {
    table.increments('id');
    table.integer('plan_id').notNullable().references('plans.id').onDelete('CASCADE');
    table.integer('attempt').notNullable();
    table.text('worker').notNullable();
    table.text('status').notNullable().checkIn(['running', 'succeeded', 'failed', 'cancelled', 'abandoned'], 'plan_runs_status_check');
    table.jsonb('progress');
    table.jsonb('error');
    table.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true });
    table.index(['plan_id']);
  });

  await knex.schema.createTable('routes', (table) => {
    table.increments('id');
    table.integer('plan_id').notNullable().references('plans.id').onDelete('CASCADE');
    table.integer('vehicle_id').notNullable().references('vehicles.id').onDelete('RESTRICT');
    table.integer('driver_id').references('drivers.id').onDelete('SET NULL');
    table.text('status').notNullable().checkIn(['planned', 'dispatched', 'in_progress', 'completed'], 'routes_status_check');
    table.double('start_lon').notNullable();
    table.double('start_lat').notNullable();
    table.double('end_lon').notNullable();
    table.double('end_lat').notNullable();
    // false: an open route that ends at its last stop.
    table.boolean('returns_to_depot').notNullable();
    table.bigInteger('departure_epoch').notNullable();
    table.bigInteger('arrival_epoch').notNullable();
    table.double('distance_meters').notNullable();
    table.integer('driving_seconds').notNullable();
    table.integer('service_seconds').notNullable();
    table.integer('waiting_seconds').notNullable();
    table.double('cost').notNullable();
    table.jsonb('initial_load').notNullable();
    table.jsonb('breaks').notNullable();
    table.jsonb('violations').notNullable();
    table.jsonb('geometry').notNullable();
    table.unique(['plan_id', 'vehicle_id']);
  });

  await knex.schema.createTable('stops', (table) => {
    table.increments('id');
    table.integer('route_id').notNullable().references('routes.id').onDelete('CASCADE');
    table.integer('plan_id').notNullable().references('plans.id').onDelete('CASCADE');
    table.integer('order_id').notNullable().references('orders.id').onDelete('RESTRICT');
    table.integer('sequence').notNullable();
    table.text('status').notNullable().checkIn(['pending', 'arrived', 'completed', 'failed'], 'stops_status_check');
    table.boolean('locked').notNullable().defaultTo(false);
    table.double('lon').notNullable();
    table.double('lat').notNullable();
    // The window promised to the customer: [[startEpoch, endEpoch], ...].
    table.jsonb('promised_windows').notNullable();
    table.bigInteger('planned_arrival_epoch').notNullable();
    table.bigInteger('service_start_epoch').notNullable();
    table.bigInteger('planned_departure_epoch').notNullable();
    table.integer('waiting_seconds').notNullable();
    table.integer('service_seconds').notNullable();
    // Travel so far from the route start: legs are the differences between consecutive stops.
    table.double('distance_from_start_meters').notNullable();
    table.integer('driving_from_start_seconds').notNullable();
    table.jsonb('load_after').notNullable();
    table.jsonb('violations').notNullable();
    // Frozen when the plan is dispatched: what the customer was told.
    table.bigInteger('dispatched_eta_epoch');
    // Maintained by live tracking.
    table.bigInteger('live_eta_epoch');
    table.bigInteger('actual_arrival_epoch');
    table.bigInteger('completed_at_epoch');
    table.index(['route_id', 'sequence']);
    table.index(['plan_id']);
    table.index(['order_id']);
  });

  await knex.schema.createTable('plan_unassigned', (table) => {
    table.increments('id');
    table.integer('plan_id').notNullable().references('plans.id').onDelete('CASCADE');
    table.integer('order_id').notNullable().references('orders.id').onDelete('CASCADE');
    table.text('reason').notNullable();
    table.unique(['plan_id', 'order_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['plan_unassigned', 'stops', 'routes', 'plan_runs', 'plans']) await knex.schema.dropTable(table);
}
