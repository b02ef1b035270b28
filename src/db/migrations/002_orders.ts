/** Orders and their timeline. Times are epoch seconds UTC; the depot carries the IANA time zone. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (table) => {
    table.increments('id');
    table.text('display_id').notNullable().unique();
    table.text('tracking_token').notNullable().unique();
    table.text('source').notNullable();
    table.text('external_ref').notNullable();
    table.text('status').notNullable();
    table.integer('depot_id').references('depots.id').onDelete('RESTRICT');
    table.integer('assigned_vehicle_id').references('vehicles.id').onDelete('SET NULL');
    table.text('customer_name').notNullable();
    table.text('customer_phone');
    table.text('customer_email');
    table.text('address_text').notNullable();
    table.double('lon').notNullable();
    table.double('lat').notNullable();
    // [[startEpochSeconds, endEpochSeconds], ...] sorted by start; the bounds below index date filters.
    table.jsonb('time_windows').notNullable();
    table.bigInteger('window_start_epoch').notNullable();
    table.bigInteger('window_end_epoch').notNullable();
    table.integer('service_seconds').notNullable();
    table.double('weight_kg').notNullable();
    table.double('volume_l').notNullable();
    table.integer('items').notNullable();
    table.integer('priority').notNullable();
    table.jsonb('required_skills').notNullable();
    table.text('notes');
    // Hash of the order's content: an import of an identical row is recognised as unchanged.
    table.text('content_hash').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['source', 'external_ref']);
    table.index(['status']);
    table.index(['depot_id', 'window_start_epoch']);
    table.index(['assigned_vehicle_id']);
  });

  await knex.schema.createTable('order_events', (table) => {
    table.increments('id');
    table.integer('order_id').notNullable().references('orders.id').onDelete('CASCADE');
    table.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.text('type').notNullable();
    // "user:3", "api_key:7", "import:shop", "system".
    table.text('actor').notNullable();
    table.text('from_status');
    table.text('to_status');
    table.text('reason');
    table.jsonb('data').notNullable().defaultTo('{}');
    table.index(['order_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('order_events');
  await knex.schema.dropTable('orders');
}
