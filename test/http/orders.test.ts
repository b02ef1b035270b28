import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

describe.each(testDatabases())('orders API on $engine', (backend) => {
  let app: TestApp;
  let depotId: number;

  beforeAll(async () => {
    app = await startTestApp(backend);
    depotId = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body.id;
  });
  afterAll(async () => {
    await app.close();
  });

  const create = async (index: number, overrides: Record<string, unknown> = {}) => {
    const reply = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(index), ...overrides } });
    expect(reply.status).toBe(201);
    return reply.body;
  };

  it('creates an order in status received, at the only depot, with times in the depot\'s offset', async () => {
    const order = await create(1, {
      customerEmail: 'a@example.com',
      timeWindows: [{ start: '2026-11-24T08:00:00Z', end: '2026-11-24T11:00:00Z' }],
      requiredSkills: ['Cooling', 'cooling'],
    });
    expect(order).toMatchObject({
      status: 'received',
      source: 'api',
      externalRef: 'ref-1',
      depotId,
      allowedTransitions: ['ready', 'cancelled'],
      customerEmail: 'a@example.com',
      timeWindows: [{ start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' }],
      serviceSeconds: 300,
      demand: { weightKg: 0, volumeL: 0, items: 1 },
      requiredSkills: ['cooling'],
    });
    expect(order.displayId).toMatch(/^[0-9A-Z]{6}$/);
    // The link is answered once, at creation; afterwards the order shows only its code.
    const { trackingLink, ...stored } = order;
    expect(trackingLink).toBe(`/t/${order.trackingCode}.${trackingLink.split('.')[1]}`);
    const fetched = await app.request('GET', `/api/v1/orders/${order.id}`);
    expect(fetched.body).toEqual(stored);
  });

  it('refuses a second order with the same source and externalRef with 409', async () => {
    await create(2, { source: 'shop' });
    const again = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(2), source: 'shop' } });
    expect(again.status).toBe(409);
    expect(again.body.error.details[0].path).toBe('externalRef');
    // Racing duplicates: one wins, the other gets the same clear 409.
    const racing = await Promise.all([1, 2, 3].map(() => app.request('POST', '/api/v1/orders', { body: { ...orderInput(5), source: 'race' } })));
    expect(racing.map((reply) => reply.status).sort()).toEqual([201, 409, 409]);
    expect(racing.find((reply) => reply.status === 409)!.body.error.details[0].path).toBe('externalRef');
    // Another source may reuse the reference.
    expect((await app.request('POST', '/api/v1/orders', { body: { ...orderInput(2), source: 'other' } })).status).toBe(201);
  });

  it('rejects bad orders listing every problem, and an unknown depot by field', async () => {
    const bad = await app.request('POST', '/api/v1/orders', {
      body: { ...orderInput(3), customerEmail: 'not-an-email', priority: 101, timeWindows: [], serviceSeconds: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      'body.customerEmail',
      'body.priority',
      'body.serviceSeconds',
      'body.timeWindows',
    ]);
    const unknownDepot = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(3), depotId: 999 } });
    expect(unknownDepot.status).toBe(400);
    expect(unknownDepot.body.error.details).toEqual([{ path: 'depotId', message: 'depot 999 does not exist' }]);
    expect((await app.request('GET', '/api/v1/orders/abc')).status).toBe(400);
    expect((await app.request('GET', '/api/v1/orders/424242')).status).toBe(404);
  });

  it('walks the lifecycle, records every step with actor and reason, and refuses illegal moves naming the allowed ones', async () => {
    const order = await create(10);
    for (const status of ['ready', 'planned', 'dispatched', 'out_for_delivery', 'arrived', 'failed', 'rescheduled']) {
      const reply = await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status, reason: `to ${status}` } });
      expect(reply.status, status).toBe(200);
      expect(reply.body.status).toBe(status);
    }
    const illegal = await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status: 'delivered' } });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.message).toContain('allowed from rescheduled: planned, cancelled');
    expect(illegal.body.error.details[0].allowed).toEqual(['planned', 'cancelled']);

    const events = await app.request('GET', `/api/v1/orders/${order.id}/events`);
    expect(events.body.items.map((event: { toStatus: string }) => event.toStatus)).toEqual([
      'received', 'ready', 'planned', 'dispatched', 'out_for_delivery', 'arrived', 'failed', 'rescheduled',
    ]);
    expect(events.body.items[2]).toMatchObject({ type: 'status_changed', fromStatus: 'ready', toStatus: 'planned', reason: 'to planned', actor: expect.stringMatching(/^api_key:/) });
  });

  it('cancels before out_for_delivery but not after', async () => {
    const early = await create(11);
    await app.request('POST', `/api/v1/orders/${early.id}/transitions`, { body: { status: 'ready' } });
    const cancelled = await app.request('POST', `/api/v1/orders/${early.id}/transitions`, { body: { status: 'cancelled', reason: 'customer called' } });
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.allowedTransitions).toEqual([]);

    const late = await create(12);
    for (const status of ['ready', 'planned', 'dispatched', 'out_for_delivery']) {
      await app.request('POST', `/api/v1/orders/${late.id}/transitions`, { body: { status } });
    }
    const refused = await app.request('POST', `/api/v1/orders/${late.id}/transitions`, { body: { status: 'cancelled' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details[0].allowed).toEqual(['arrived']);
    expect((await app.request('POST', `/api/v1/orders/${late.id}/transitions`, { body: { status: 'lost' } })).status).toBe(400);
  });

  it('patches a received order, validating the result as a whole, and refuses once planned', async () => {
    const order = await create(20);
    const patched = await app.request('PATCH', `/api/v1/orders/${order.id}`, { body: { notes: 'back door', priority: 80 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ notes: 'back door', priority: 80, customerName: order.customerName, timeWindows: order.timeWindows });
    const inverted = await app.request('PATCH', `/api/v1/orders/${order.id}`, {
      body: { timeWindows: [{ start: '2026-11-24T12:00:00+01:00', end: '2026-11-24T10:00:00+01:00' }] },
    });
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.details[0].path).toBe('body.timeWindows[0].end');

    for (const status of ['ready', 'planned']) await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status } });
    const locked = await app.request('PATCH', `/api/v1/orders/${order.id}`, { body: { notes: 'too late' } });
    expect(locked.status).toBe(409);
    const events = await app.request('GET', `/api/v1/orders/${order.id}/events`);
    expect(events.body.items[1]).toMatchObject({ type: 'updated', data: { fields: ['notes', 'priority'] } });
  });

  it('deletes an order that never reached a route, and refuses one that did', async () => {
    const fresh = await create(30);
    expect((await app.request('DELETE', `/api/v1/orders/${fresh.id}`)).status).toBe(204);
    expect((await app.request('GET', `/api/v1/orders/${fresh.id}`)).status).toBe(404);
    const planned = await create(31);
    for (const status of ['ready', 'planned']) await app.request('POST', `/api/v1/orders/${planned.id}/transitions`, { body: { status } });
    expect((await app.request('DELETE', `/api/v1/orders/${planned.id}`)).status).toBe(409);
  });

  it('filters by status, local date and depot, and pages with a cursor', async () => {
    const onDay = await create(40, { source: 'filter', timeWindows: [{ start: '2026-12-01T23:30:00+01:00', end: '2026-12-01T23:50:00+01:00' }] });
    await create(41, { source: 'filter', timeWindows: [{ start: '2026-12-02T00:30:00+01:00', end: '2026-12-02T02:00:00+01:00' }] });
    const byDate = await app.request('GET', `/api/v1/orders?date=2026-12-01&depotId=${depotId}`);
    expect(byDate.body.items.map((order: { id: number }) => order.id)).toEqual([onDay.id]);
    // Listed as it is read alone: times in the depot's zone.
    expect(byDate.body.items[0]).toEqual((await app.request('GET', `/api/v1/orders/${onDay.id}`)).body);
    expect(byDate.body.items[0].timeWindows).toEqual([{ start: '2026-12-01T23:30:00+01:00', end: '2026-12-01T23:50:00+01:00' }]);
    // With one depot, its time zone is the default.
    expect((await app.request('GET', '/api/v1/orders?date=2026-12-01')).body).toEqual(byDate.body);
    // In UTC, 23:30+01:00 is still 1 December, and 00:30+01:00 is 30 minutes before midnight of 1 December.
    const utc = await app.request('GET', '/api/v1/orders?date=2026-12-01&timeZone=UTC');
    expect(utc.body.items).toHaveLength(2);

    const cancelled = await app.request('GET', '/api/v1/orders?status=cancelled');
    expect(cancelled.body.items.every((order: { status: string }) => order.status === 'cancelled')).toBe(true);
    expect(cancelled.body.items.length).toBeGreaterThan(0);
    const several = await app.request('GET', '/api/v1/orders?status=cancelled,planned');
    expect(new Set(several.body.items.map((order: { status: string }) => order.status))).toEqual(new Set(['cancelled', 'planned']));

    const all = await app.request('GET', '/api/v1/orders?limit=500');
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await app.request('GET', `/api/v1/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((order) => order.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((order: { id: number }) => order.id));
  });

  it('rejects bad list queries by field', async () => {
    const reply = await app.request('GET', '/api/v1/orders?status=lost&date=2026-13-01&limit=0&timeZone=Nowhere&cursor=zzz');
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['query.date', 'query.limit', 'query.status[0]', 'query.timeZone']);
    const badCursor = await app.request('GET', '/api/v1/orders?cursor=zzz');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details[0].path).toBe('cursor');
  });

  it('publishes domain events only after the transaction commits', async () => {
    const seen: string[] = [];
    const off = app.events.on('order.status_changed', ({ order, from, to }) => seen.push(`${order.id}:${from}->${to}`));
    const order = await create(50);
    await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status: 'ready' } });
    await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status: 'delivered' } });
    off();
    expect(seen).toEqual([`${order.id}:received->ready`]);
  });
});
