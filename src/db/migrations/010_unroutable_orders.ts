/** An order left out as `unroutable` says how far it is from the nearest road (null when none is near at all). */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plan_unassigned', (table) => {
    table.double('distance_to_road_meters');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plan_unassigned', (table) => {
    table.dropColumn('distance_to_road_meters');
  });
}
