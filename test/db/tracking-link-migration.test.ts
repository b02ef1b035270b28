/**
 * Migration 014 on a database that has plain tracking tokens: each becomes the secret of `/t/{code}.{token}`, kept
 * only as a hash; messages still in the outbox carry the new link; the bare token opens nothing any more.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/database';
import { migrationSource } from '../../src/db/migrations';
import { repositories } from '../../src/db/repositories';
import { openTrackingLink } from '../../src/tracking/tracking-link';
import { testDatabases, type TestDatabase } from '../helpers/database';

describe.each(testDatabases())('migration 014 (tracking links hashed) on $engine', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  it('hashes every existing token, gives each order a code, and rewrites the links of waiting messages', async () => {
    database = await backend.open({ migrate: false });
    const { knex } = database;
    const names = await migrationSource.getMigrations([]);
    for (const name of names.slice(0, names.indexOf('014_tracking_link_hashes'))) await knex.migrate.up({ migrationSource, name });

    const tokens = ['a'.repeat(32), 'B-_'.repeat(10) + 'xy'];
    const ids: number[] = [];
    for (const [index, token] of tokens.entries()) {
      const [row] = await knex('orders')
        .insert({
          display_id: `D0000${index}`,
          tracking_token: token,
          source: 'old',
          external_ref: `old-${index}`,
          status: 'received',
          customer_name: 'Old Customer',
          address_text: 'Hauptstraße 1',
          lon: 8.69,
          lat: 49.41,
          time_windows: JSON.stringify([[1_790_000_000, 1_790_003_600]]),
          window_start_epoch: 1_790_000_000,
          window_end_epoch: 1_790_003_600,
          service_seconds: 300,
          weight_kg: 1,
          volume_l: 1,
          items: 1,
          priority: 0,
          required_skills: '[]',
          content_hash: `hash-${index}`,
        })
        .returning('id');
      ids.push(row.id);
    }
    const [event] = await knex('order_events').insert({ order_id: ids[0], type: 'created', actor: 'test', to_status: 'received', data: '{}' }).returning('id');
    await knex('outbox_messages').insert({
      event_id: event.id,
      order_id: ids[0],
      channel: 'email',
      recipient: 'old@example.com',
      template: 'confirmed',
      locale: 'en',
      payload: JSON.stringify({ kind: 'confirmed', trackingToken: tokens[0], displayId: 'D00000' }),
    });

    await migrateToLatest(knex);

    const rows = await knex('orders').whereIn('id', ids).orderBy('id');
    const codes = new Set(rows.map((row) => row.tracking_code));
    expect(codes.size).toBe(2);
    for (const [index, row] of rows.entries()) {
      expect(row.tracking_token).toBeUndefined();
      expect(row.tracking_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
      expect(row.tracking_secret_hash).toBe(createHash('sha256').update(tokens[index]!).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(tokens[index]);
    }
    const [message] = await knex('outbox_messages').where({ order_id: ids[0] });
    expect(message.payload.trackingToken).toBeUndefined();
    expect(message.payload.trackingLink).toBe(`/t/${rows[0].tracking_code}.${tokens[0]}`);

    // The link the message carries opens the order; the bare old token and a wrong secret do not.
    const repos = repositories(knex);
    const opened = await openTrackingLink(repos, message.payload.trackingLink.slice('/t/'.length), 1_790_000_000, 3600);
    expect(opened.order.id).toBe(ids[0]);
    await expect(openTrackingLink(repos, tokens[0]!, 1_790_000_000, 3600)).rejects.toMatchObject({ status: 404 });
    await expect(openTrackingLink(repos, `${rows[0].tracking_code}.${tokens[1]}`, 1_790_000_000, 3600)).rejects.toMatchObject({ status: 404 });
  });
});
