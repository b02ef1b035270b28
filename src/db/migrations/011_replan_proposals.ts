/**
 * Re-planning proposals: computed without touching the plan, kept until the dispatcher accepts or discards them
 * (or they expire). The sequences proposed per vehicle are what an accept writes; changes and totals are what the
 * console shows.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plan_proposals', (table) => {
    table.increments('id');
    table.integer('plan_id').notNullable().references('plans.id').onDelete('CASCADE');
    table.integer('plan_version').notNullable();
    table.text('status').notNullable().checkIn(['open', 'accepted', 'discarded'], 'plan_proposals_status_check');
    table.text('created_by').notNullable();
    table.bigInteger('created_at_epoch').notNullable();
    table.bigInteger('expires_at_epoch').notNullable();
    table.jsonb('routes').notNullable();
    table.jsonb('unassigned').notNullable();
    table.jsonb('off_shift_vehicle_ids').notNullable();
    table.jsonb('changes').notNullable();
    table.jsonb('totals').notNullable();
    table.index(['plan_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('plan_proposals');
}
