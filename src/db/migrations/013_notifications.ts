/**
 * The notification outbox: a message per (order event, channel, recipient), written in the transaction of the
 * change it tells about and sent later by a worker; every attempt is kept. Webhooks are integrators' endpoints.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (table) => {
    table.increments('id');
    table.text('url').notNullable();
    table.jsonb('events').notNullable();
    table.text('secret').notNullable();
    table.text('status').notNullable().defaultTo('active');
    table.integer('consecutive_failures').notNullable().defaultTo(0);
    table.text('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('disabled_at', { useTz: true });
  });
  await knex.schema.createTable('outbox_messages', (table) => {
    table.bigIncrements('id');
    table.integer('event_id').notNullable().references('order_events.id').onDelete('CASCADE');
    table.integer('order_id').notNullable().references('orders.id').onDelete('CASCADE');
    table.text('channel').notNullable();
    // An e-mail address, an E.164 number or "webhook:{id}".
    table.text('recipient').notNullable();
    table.integer('webhook_id').references('webhooks.id').onDelete('CASCADE');
    table.text('template').notNullable();
    table.text('locale').notNullable();
    table.jsonb('payload').notNullable();
    // pending | failed (retry due) | sent | kept (no provider configured) | dead (gave up)
    table.text('status').notNullable().defaultTo('pending');
    table.integer('attempts').notNullable().defaultTo(0);
    // null: due at once (written inside commands, which pass no clock to the timeline).
    table.timestamp('next_attempt_at', { useTz: true });
    table.text('lease_owner');
    table.timestamp('lease_expires_at', { useTz: true });
    table.text('last_error');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('sent_at', { useTz: true });
    // Idempotent by event: one message per event, channel and recipient, however often it is enqueued.
    table.unique(['event_id', 'channel', 'recipient']);
    table.index(['order_id', 'id']);
    table.index(['webhook_id', 'id']);
  });
  // The worker's claim: due messages that nobody holds.
  await knex.raw(`create index outbox_messages_due on outbox_messages (next_attempt_at nulls first, id) where status in ('pending', 'failed')`);
  await knex.schema.createTable('message_attempts', (table) => {
    table.bigIncrements('id');
    table.bigInteger('message_id').notNullable().references('outbox_messages.id').onDelete('CASCADE');
    table.integer('attempt').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.integer('duration_ms').notNullable();
    table.boolean('ok').notNullable();
    table.integer('status_code');
    table.text('error');
    table.index(['message_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('message_attempts');
  await knex.schema.dropTable('outbox_messages');
  await knex.schema.dropTable('webhooks');
}
