/** A plan may replace an earlier plan of its day that was not dispatched: that one is superseded when this one succeeds. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (table) => {
    table.integer('replaces_plan_id').references('plans.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (table) => {
    table.dropColumn('replaces_plan_id');
  });
}
