/**
 * What the customer acts on: the delivery windows each depot offers (its slot calendar, with a cut-off and a
 * capacity per window) and the delivery instructions they leave for the driver through the tracking page.
 */
import type { Knex } from 'knex';
import { defaultSlotCalendar } from '../../domain/model/slot-calendar';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('depots', (table) => {
    // Existing depots offer the default calendar until it is edited.
    table.jsonb('slot_calendar').notNullable().defaultTo(JSON.stringify(defaultSlotCalendar));
  });
  await knex.schema.createTable('delivery_instructions', (table) => {
    table.integer('order_id').primary().references('orders.id').onDelete('CASCADE');
    table.text('gate_code');
    table.text('safe_place');
    table.boolean('leave_with_neighbour').notNullable().defaultTo(false);
    table.text('neighbour_name');
    table.text('note');
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delivery_instructions');
  await knex.schema.alterTable('depots', (table) => table.dropColumn('slot_calendar'));
}
