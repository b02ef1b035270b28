/**
 * Multi-trip: a vehicle may go back to a depot during its shift to reload. Reloading is on when
 * reload_service_seconds is set; reload_depot_id names the depot (its start depot when null) and
 * reload_max_trips caps the trips (null: as many as the shift allows). A route keeps its reloads as it keeps its
 * breaks: [{ afterSequence, lon, lat, arrivalEpoch, durationSeconds, load }].
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('vehicles', (table) => {
    table.integer('reload_depot_id').references('depots.id').onDelete('RESTRICT');
    table.integer('reload_service_seconds');
    table.integer('reload_max_trips');
  });
  await knex.schema.alterTable('routes', (table) => {
    table.jsonb('reloads').notNullable().defaultTo('[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('routes', (table) => table.dropColumn('reloads'));
  await knex.schema.alterTable('vehicles', (table) => {
    table.dropColumn('reload_max_trips');
    table.dropColumn('reload_service_seconds');
    table.dropColumn('reload_depot_id');
  });
}
