/** Depots, the people who use the service, their credentials, and the fleet they drive. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('depots', (table) => {
    table.increments('id');
    table.text('name').notNullable();
    table.double('lon').notNullable();
    table.double('lat').notNullable();
    table.text('address').notNullable();
    table.text('time_zone').notNullable();
    // { "mon": [["07:00", "20:00"]], ... } local times per weekday.
    table.jsonb('opening_hours').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('users', (table) => {
    table.increments('id');
    table.text('username').notNullable().unique();
    table.text('name').notNullable();
    table.text('role').notNullable().checkIn(['admin', 'dispatcher', 'driver'], 'users_role_check');
    // scrypt$N$r$p$salt$hash, or null for users who only authenticate with API keys.
    table.text('password_hash');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Login sessions and integration keys alike: only a SHA-256 of the high-entropy token is stored.
  await knex.schema.createTable('api_keys', (table) => {
    table.increments('id');
    table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.text('kind').notNullable().checkIn(['session', 'integration'], 'api_keys_kind_check');
    table.text('name').notNullable();
    table.text('token_hash').notNullable().unique();
    table.timestamp('expires_at', { useTz: true });
    table.timestamp('last_used_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('vehicles', (table) => {
    table.increments('id');
    table.text('name').notNullable();
    table.integer('start_depot_id').notNullable().references('depots.id').onDelete('RESTRICT');
    // Null end depot: the route ends at its last stop (open end).
    table.integer('end_depot_id').references('depots.id').onDelete('RESTRICT');
    table.double('capacity_weight_kg').notNullable();
    table.double('capacity_volume_l').notNullable();
    table.integer('capacity_items').notNullable();
    table.jsonb('skills').notNullable();
    // Shift as seconds after local midnight in the start depot's time zone.
    table.integer('shift_start_seconds').notNullable();
    table.integer('shift_end_seconds').notNullable();
    table.double('cost_fixed').notNullable();
    table.double('cost_per_hour').notNullable();
    table.double('cost_per_km').notNullable();
    table.integer('max_stops');
    table.integer('max_shift_seconds');
    // [{ "windows": [[startSeconds, endSeconds]], "durationSeconds": 1800 }], seconds after local midnight.
    table.jsonb('breaks').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['start_depot_id']);
  });

  await knex.schema.createTable('drivers', (table) => {
    table.increments('id');
    table.text('name').notNullable();
    table.text('phone');
    table.integer('vehicle_id').unique().references('vehicles.id').onDelete('SET NULL');
    table.integer('user_id').notNullable().unique().references('users.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['drivers', 'vehicles', 'api_keys', 'users', 'depots']) {
    await knex.schema.dropTable(table);
  }
}
