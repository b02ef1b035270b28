/**
 * Failed deliveries and returns: the depot's failure policy (null: the defaults), what kind of task an order is
 * (a delivery, a pickup brought back to the depot, or an exchange doing both in one visit) with the amounts it
 * collects, the order a return comes from, and the attempt number of every stop outcome so each attempt keeps its own.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('depots', (table) => {
    table.jsonb('failure_policy');
  });
  await knex.schema.alterTable('orders', (table) => {
    table.text('kind').notNullable().defaultTo('delivery').checkIn(['delivery', 'pickup', 'exchange'], 'orders_kind_check');
    // What the stop collects: { weightKg, volumeL, items }; null for a plain delivery.
    table.jsonb('pickup_amounts');
    table.integer('return_of_order_id').references('orders.id').onDelete('SET NULL');
    table.index(['return_of_order_id']);
  });
  await knex.schema.alterTable('stop_outcomes', (table) => {
    table.integer('order_id').references('orders.id').onDelete('CASCADE');
    table.integer('attempt');
  });
  await knex.raw('update stop_outcomes set order_id = stops.order_id from stops where stops.id = stop_outcomes.stop_id');
  await knex.raw(`
    update stop_outcomes set attempt = numbered.attempt
    from (select stop_id, row_number() over (partition by order_id order by recorded_at_epoch, stop_id) as attempt from stop_outcomes) numbered
    where numbered.stop_id = stop_outcomes.stop_id`);
  await knex.raw('alter table stop_outcomes alter column order_id set not null, alter column attempt set not null');
  await knex.schema.alterTable('stop_outcomes', (table) => {
    table.unique(['order_id', 'attempt']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stop_outcomes', (table) => {
    table.dropUnique(['order_id', 'attempt']);
    table.dropColumn('attempt');
    table.dropColumn('order_id');
  });
  await knex.schema.alterTable('orders', (table) => {
    table.dropIndex(['return_of_order_id']);
    table.dropColumn('return_of_order_id');
    table.dropColumn('pickup_amounts');
    table.dropColumn('kind');
  });
  await knex.schema.alterTable('depots', (table) => {
    table.dropColumn('failure_policy');
  });
}
