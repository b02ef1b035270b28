/** Alerts kept server-side, so a reloaded console still shows them, with who acknowledged them and when. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alerts', (table) => {
    table.increments('id');
    table.integer('depot_id').notNullable().references('depots.id').onDelete('CASCADE');
    table.text('kind').notNullable();
    table.text('subject_type').notNullable();
    table.integer('subject_id').notNullable();
    table.text('message').notNullable();
    table.jsonb('data').notNullable().defaultTo('{}');
    table.timestamp('raised_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true });
    table.timestamp('acknowledged_at', { useTz: true });
    table.text('acknowledged_by');
    table.index(['depot_id', 'id']);
  });
  // One unresolved alert per kind and subject: raising it again updates that row.
  await knex.raw('create unique index alerts_one_unresolved on alerts (kind, subject_type, subject_id) where resolved_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('alerts');
}
