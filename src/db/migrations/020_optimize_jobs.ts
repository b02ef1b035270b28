/**
 * POST /optimize?async=true jobs kept in the database, so any process answers a poll and a job outlives the
 * process that took it only as "failed" (its heartbeat stops), never as a 404.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('optimize_jobs', (table) => {
    table.uuid('id').primary();
    table.text('status').notNullable();
    /** The process solving it; only it can abort the run, others ask through cancel_requested. */
    table.text('owner').notNullable();
    table.boolean('cancel_requested').notNullable().defaultTo(false);
    table.jsonb('progress');
    table.jsonb('solution');
    table.jsonb('error');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('heartbeat_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true });
    table.index(['status', 'finished_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('optimize_jobs');
}
