/**
 * Live tracking: GPS breadcrumbs, the latest position per vehicle, and the sequenced event log per
 * socket room that lets a reconnecting client catch up. Times are epoch seconds UTC (fractions allowed).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('positions', (table) => {
    table.bigIncrements('id');
    table.integer('vehicle_id').notNullable().references('vehicles.id').onDelete('CASCADE');
    table.double('recorded_at').notNullable();
    table.double('lon').notNullable();
    table.double('lat').notNullable();
    table.double('accuracy_meters').notNullable();
    table.double('speed_meters_per_second');
    table.double('heading_degrees');
    table.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // A replayed point (the driver app resends its offline queue) is the same point, stored once.
    table.unique(['vehicle_id', 'recorded_at']);
  });

  await knex.schema.createTable('vehicle_positions', (table) => {
    table.integer('vehicle_id').primary().references('vehicles.id').onDelete('CASCADE');
    table.double('recorded_at').notNullable();
    table.double('lon').notNullable();
    table.double('lat').notNullable();
    table.double('accuracy_meters').notNullable();
    table.double('speed_meters_per_second');
    table.double('heading_degrees');
  });

  // One counter per room, advanced atomically so several server processes never reuse a number.
  await knex.schema.createTable('room_sequences', (table) => {
    table.text('room').primary();
    table.bigInteger('last_seq').notNullable();
  });

  await knex.schema.createTable('room_events', (table) => {
    table.text('room').notNullable();
    table.bigInteger('seq').notNullable();
    table.text('event').notNullable();
    table.jsonb('data').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['room', 'seq']);
    table.index(['created_at']);
  });

  // @socket.io/postgres-adapter keeps NOTIFY payloads over 8,000 bytes here.
  await knex.schema.createTable('socket_io_attachments', (table) => {
    table.bigIncrements('id');
    table.timestamp('created_at', { useTz: true }).defaultTo(knex.fn.now());
    table.binary('payload');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['socket_io_attachments', 'room_events', 'room_sequences', 'vehicle_positions', 'positions']) {
    await knex.schema.dropTable(table);
  }
}
