/** Orders say where their location came from (geocoded exactly, on the street, or given); a depot may limit its service area. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.text('geocode_confidence').notNullable().defaultTo('given');
  });
  await knex.schema.alterTable('depots', (table) => {
    // A GeoJSON Polygon or MultiPolygon; null: the road network's extent.
    table.jsonb('service_area');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('depots', (table) => {
    table.dropColumn('service_area');
  });
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('geocode_confidence');
  });
}
