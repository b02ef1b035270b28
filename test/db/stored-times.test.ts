/**
 * Stored times are the service's clock, not the database's: an order's creation, every event of its timeline and
 * the messages they cause carry the instant the command ran at, so reports, tracking timelines and the outbox's
 * give-up read one clock — here a clock months away from the machine's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { TestClock } from '../helpers/clock';

describe.each(testDatabases())('stored times on $engine', (backend) => {
  const clock = new TestClock(Date.parse('2025-06-03T08:00:00Z'));
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(backend, { clock });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('are the command clock for entities, events and messages', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    expect(depot.createdAt).toBe('2025-06-03T08:00:00.000Z');
    const vehicle = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id) })).body;
    expect(vehicle.createdAt).toBe('2025-06-03T08:00:00.000Z');

    const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(1, { customerEmail: 'ada@example.com', timeWindows: [{ start: '2025-06-04T09:00:00+02:00', end: '2025-06-04T12:00:00+02:00' }] }), depotId: depot.id } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.createdAt).toBe('2025-06-03T08:00:00.000Z');

    clock.set(Date.parse('2025-06-03T09:30:00Z'));
    expect((await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } })).status).toBe(200);

    const events = (await app.request('GET', `/api/v1/orders/${created.body.id}/events`)).body.items as { type: string; toStatus: string | null; occurredAt: string }[];
    expect(events.map((event) => [event.type, event.occurredAt])).toEqual([
      ['created', '2025-06-03T08:00:00.000Z'],
      ['status_changed', '2025-06-03T09:30:00.000Z'],
    ]);
    const messages = (await repositories(app.commands.db).outbox.listRecent({ limit: 100 })).map((message) => ({ createdAt: message.createdAt.toISOString() }));
    expect(messages.length).toBeGreaterThan(0);
    // The order's confirmation e-mail was composed when it was created; whatever else it caused, at its event's time.
    expect(messages.map((message) => message.createdAt)).toContain('2025-06-03T08:00:00.000Z');
    for (const message of messages) expect(events.map((event) => event.occurredAt)).toContain(message.createdAt);
  });
});
