/**
 * What happened at each stop beyond its status: the live ETA history, proof of delivery, failure
 * reasons, and the driver app's actions by idempotency key so a replayed queue acts once.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stop_eta_history', (table) => {
    table.bigIncrements('id');
    table.integer('stop_id').notNullable().references('stops.id').onDelete('CASCADE');
    table.bigInteger('eta_epoch').notNullable();
    table.bigInteger('computed_at_epoch').notNullable();
    table.index(['stop_id', 'id']);
  });

  await knex.schema.createTable('stop_outcomes', (table) => {
    table.integer('stop_id').primary().references('stops.id').onDelete('CASCADE');
    table.text('outcome').notNullable().checkIn(['delivered', 'failed'], 'stop_outcomes_outcome_check');
    table.text('recipient_name');
    table.text('signature_content_type');
    table.binary('signature');
    table.text('photo_content_type');
    table.binary('photo');
    table.text('failure_reason');
    table.text('note');
    table.text('actor').notNullable();
    table.bigInteger('recorded_at_epoch').notNullable();
  });

  await knex.schema.createTable('stop_actions', (table) => {
    table.text('actor').notNullable();
    table.text('idempotency_key').notNullable();
    table.integer('stop_id').notNullable().references('stops.id').onDelete('CASCADE');
    table.text('action').notNullable();
    table.jsonb('result').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['actor', 'idempotency_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['stop_actions', 'stop_outcomes', 'stop_eta_history']) await knex.schema.dropTable(table);
}
