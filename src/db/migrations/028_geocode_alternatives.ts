/** A `street` order keeps the other places its address may be, for the dispatcher to pick from when confirming the pin. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    // [{ addressText, location: [lon, lat] }], empty when the address named one place.
    table.jsonb('geocode_alternatives').notNullable().defaultTo('[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('geocode_alternatives');
  });
}
