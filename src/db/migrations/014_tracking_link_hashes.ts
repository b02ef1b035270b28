/**
 * Tracking links hashed at rest: each order gets a short code (the index its link is found by) and keeps only the
 * SHA-256 of its secret. An existing token becomes the secret of `/t/{code}.{token}`, and the messages still in the
 * outbox carry that link; the bare `/t/{token}` links stop working.
 */
import type { Knex } from 'knex';
import { newTrackingLinkToken } from '../../domain/order-identifiers';

const chunkRows = 200;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.text('tracking_code');
    table.text('tracking_secret_hash');
  });
  const ids = (await knex('orders').select('id').orderBy('id')).map((row: { id: number }) => row.id);
  for (let start = 0; start < ids.length; start += chunkRows) {
    const chunk = ids.slice(start, start + chunkRows);
    await knex.raw(
      `update orders o set tracking_code = v.code, tracking_secret_hash = encode(sha256(convert_to(o.tracking_token, 'UTF8')), 'hex')
       from (values ${chunk.map(() => '(?::integer, ?)').join(', ')}) as v(id, code) where o.id = v.id`,
      chunk.flatMap((id) => [id, newTrackingLinkToken().code]),
    );
  }
  await knex.raw(
    `update outbox_messages m set payload = (m.payload - 'trackingToken') || jsonb_build_object('trackingLink', '/t/' || o.tracking_code || '.' || (m.payload->>'trackingToken'))
     from orders o where o.id = m.order_id and m.payload->>'trackingToken' is not null`,
  );
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('tracking_token');
    table.text('tracking_code').notNullable().unique().alter();
    table.text('tracking_secret_hash').notNullable().alter();
  });
}

/** The secrets cannot come back: every order gets a new plain token (the links in circulation stop working). */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => table.text('tracking_token'));
  await knex.raw("update orders set tracking_token = md5(random()::text || id::text) || md5(random()::text)");
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('tracking_code');
    table.dropColumn('tracking_secret_hash');
    table.text('tracking_token').notNullable().unique().alter();
  });
}
