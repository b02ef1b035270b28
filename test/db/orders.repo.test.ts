import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersRepository } from '../../src/db/repos/orders.repo';
import { OrderEventsRepository } from '../../src/db/repos/order-events.repo';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { orderDraft } from '../helpers/orders';
import { hashTrackingSecret, parseTrackingLinkToken } from '../../src/domain/order-identifiers';

describe.each(testDatabases())('OrdersRepository on $engine', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it('upserts idempotently: created, then unchanged, then updated only where content changed', async () => {
    const drafts = [0, 1, 2].map((index) => orderDraft(index, { source: 'idem' }));
    const first = await database.knex.transaction((trx) => new OrdersRepository(trx).upsertMany(drafts, { actor: 'import:idem' }));
    expect(first.map((result) => result.outcome)).toEqual(['created', 'created', 'created']);
    expect(first.map((result) => result.externalRef)).toEqual(['ref-0', 'ref-1', 'ref-2']);

    const second = await database.knex.transaction((trx) => new OrdersRepository(trx).upsertMany(drafts, { actor: 'import:idem' }));
    expect(second.map((result) => result.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.map((result) => result.id)).toEqual(first.map((result) => result.id));

    const changed = [drafts[0]!, { ...drafts[1]!, notes: 'ring twice' }, drafts[2]!];
    const third = await database.knex.transaction((trx) => new OrdersRepository(trx).upsertMany(changed, { actor: 'import:idem' }));
    expect(third.map((result) => result.outcome)).toEqual(['unchanged', 'updated', 'unchanged']);

    const repo = new OrdersRepository(database.knex);
    const updated = await repo.findById(first[1]!.id);
    expect(updated?.notes).toBe('ring twice');
    expect(updated?.status).toBe('received');
    const events = await new OrderEventsRepository(database.knex).listForOrder(first[1]!.id);
    expect(events.map((event) => event.type)).toEqual(['created', 'updated']);
    expect(events[0]!.actor).toBe('import:idem');
  });

  it('reports an order that changed after planning as locked and leaves it untouched', async () => {
    const draft = orderDraft(10, { source: 'locked' });
    const repo = new OrdersRepository(database.knex);
    const [created] = await repo.upsertMany([draft], { actor: 'test' });
    await repo.setStatusAndVehicle(created!.id, 'planned', null);
    const [result] = await repo.upsertMany([{ ...draft, customerName: 'Someone else' }], { actor: 'test' });
    expect(result).toEqual({ id: created!.id, externalRef: draft.externalRef, outcome: 'locked' });
    expect((await repo.findById(created!.id))?.customerName).toBe(draft.customerName);
  });

  it('lets the last draft win when a batch repeats a key', async () => {
    const repo = new OrdersRepository(database.knex);
    const results = await repo.upsertMany(
      [orderDraft(20, { source: 'dup' }), orderDraft(20, { source: 'dup', notes: 'second' })],
      { actor: 'test' },
    );
    expect(results[0]!.id).toBe(results[1]!.id);
    expect((await repo.findById(results[0]!.id))?.notes).toBe('second');
  });

  it('gives every order a unique display id and a tracking link kept only as code and hash, and round-trips its content', async () => {
    const repo = new OrdersRepository(database.knex);
    const draft = orderDraft(30, {
      source: 'shape',
      customerPhone: '+49 6221 1234',
      requiredSkills: ['cooling'],
      timeWindows: [
        { startEpochSeconds: 1_790_000_000, endEpochSeconds: 1_790_003_600 },
        { startEpochSeconds: 1_790_010_000, endEpochSeconds: 1_790_020_000 },
      ],
    });
    const { order, trackingLink } = (await repo.insert(draft, null))!;
    expect(await repo.insert({ ...draft, customerName: 'Someone else' }, null)).toBeNull();
    expect(order).toMatchObject({
      source: 'shape',
      externalRef: draft.externalRef,
      status: 'received',
      customerPhone: '+49 6221 1234',
      location: draft.location,
      timeWindows: draft.timeWindows,
      requiredSkills: ['cooling'],
      demand: draft.demand,
    });
    expect(order.displayId).toMatch(/^[0-9A-Z]{6}$/);
    // The link exists only in this answer; the row keeps its code and the secret's hash, never the secret.
    const token = parseTrackingLinkToken(trackingLink.slice('/t/'.length))!;
    expect(token.code).toBe(order.trackingCode);
    expect(Buffer.from(token.secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const found = (await repo.findByTrackingCode(order.trackingCode))!;
    expect(found.order.id).toBe(order.id);
    expect(found.secretHash).toBe(hashTrackingSecret(token.secret));
    const row = await database.knex('orders').where({ id: order.id }).first();
    expect(JSON.stringify(row)).not.toContain(token.secret);
  });

  it('handles a batch larger than one insert chunk', async () => {
    const drafts = Array.from({ length: 2500 }, (_, index) => orderDraft(index, { source: 'bulk' }));
    const results = await database.knex.transaction((trx) => new OrdersRepository(trx).upsertMany(drafts, { actor: 'test' }));
    expect(results.filter((result) => result.outcome === 'created')).toHaveLength(2500);
    expect(new Set(results.map((result) => result.id)).size).toBe(2500);
  });

  it('lists with filters and cursor pagination that visits every row once', async () => {
    const repo = new OrdersRepository(database.knex);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await repo.list({ status: ['received'] }, { cursor, limit: 700 });
      seen.push(...page.items.map((order) => order.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const [{ count }] = (await database.knex('orders').where({ status: 'received' }).count({ count: '*' })) as [{ count: number }];
    expect(seen.length).toBe(Number(count));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});
