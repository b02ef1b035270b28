/** The customer's tracking link beyond its token: revocation and the customer's rating of the delivery. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tracking_links', (table) => {
    table.integer('order_id').primary().references('orders.id').onDelete('CASCADE');
    table.timestamp('revoked_at', { useTz: true });
    table.text('revoked_by');
    table.smallint('rating');
    table.text('rating_comment');
    table.timestamp('rated_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tracking_links');
}
