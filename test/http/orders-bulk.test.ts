/** Many orders to one status in one request: those that may move do, the others are listed with why. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

describe.each(testDatabases())('bulk order transitions on $engine', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  const create = async (depotId: number, ref: string) => (await app.request('POST', '/api/v1/orders', { body: { ...orderInput(0, { externalRef: ref }), depotId } })).body.id as number;

  it('moves the listed orders that may move, names the ones that may not, and writes an event for each move', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const ids = [await create(depot.id, 'b-1'), await create(depot.id, 'b-2'), await create(depot.id, 'b-3')];
    await app.request('POST', `/api/v1/orders/${ids[2]}/transitions`, { body: { status: 'cancelled' } });
    const reply = await app.request('POST', '/api/v1/orders/transitions', { body: { orderIds: [...ids, 999_999], status: 'ready', reason: 'checked' } });
    expect(reply.status).toBe(200);
    expect(reply.body.moved).toEqual([ids[0], ids[1]]);
    expect(reply.body.refused).toEqual([
      { orderId: ids[2], status: 'cancelled', message: 'cannot move from cancelled to ready (cancelled is final)' },
      { orderId: 999_999, status: null, message: 'order 999999 does not exist' },
    ]);
    for (const id of ids.slice(0, 2)) {
      expect((await app.request('GET', `/api/v1/orders/${id}`)).body.status).toBe('ready');
      const events = (await app.request('GET', `/api/v1/orders/${id}/events`)).body.items as { toStatus: string; reason: string }[];
      expect(events.at(-1)).toMatchObject({ toStatus: 'ready', reason: 'checked' });
    }
  });

  it('moves every order a filter matches, in one transaction', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, name: 'Filtered' } })).body;
    const other = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, name: 'Other' } })).body;
    const ids = [await create(depot.id, 'f-1'), await create(depot.id, 'f-2')];
    const elsewhere = await create(other.id, 'f-3');
    const reply = await app.request('POST', '/api/v1/orders/transitions', { body: { filter: { depotId: depot.id, status: ['received'] }, status: 'ready' } });
    expect(reply.status).toBe(200);
    expect(reply.body.moved.sort()).toEqual(ids.sort());
    expect((await app.request('GET', `/api/v1/orders/${elsewhere}`)).body.status).toBe('received');
  });

  it('answers 400 naming the field when neither or both of orderIds and filter are given', async () => {
    const neither = await app.request('POST', '/api/v1/orders/transitions', { body: { status: 'ready' } });
    expect(neither.status).toBe(400);
    expect(neither.body.error.details[0]).toMatchObject({ path: 'body.orderIds' });
    const both = await app.request('POST', '/api/v1/orders/transitions', { body: { orderIds: [1], filter: {}, status: 'ready' } });
    expect(both.status).toBe(400);
  });
});
