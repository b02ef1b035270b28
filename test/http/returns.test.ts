/**
 * Failed deliveries by the depot's policy (re-attempt on the next working day, returned after the last attempt or a
 * refusal) and returns and exchanges as pickup tasks, planned with the vans' capacities: over HTTP, end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock';
import { repositories } from '../../src/db/repositories';
import { testDatabases } from '../helpers/database';
import { vehicleInput } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

interface Stop { id: number; orderId: number; serviceStart: string; loadAfter: { items: number; weightKg: number } }
interface Route { id: number; vehicleId: number; stops: Stop[] }

const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['07:00', '20:00']]]));
const depotBody = (name: string, extra: Record<string, unknown> = {}) => ({ name, location: [8.6724, 49.4093], address: 'Bergheimer Straße 120, Heidelberg', timeZone: 'Europe/Berlin', openingHours: weekdays, ...extra });
const morning = (date: string) => ({ start: `${date}T09:00:00+01:00`, end: `${date}T12:00:00+01:00` });
const allDay = (date: string) => ({ start: `${date}T08:00:00+01:00`, end: `${date}T17:00:00+01:00` });

describe.each(testDatabases())('failed deliveries, returns and exchanges on $engine', (backend) => {
  let app: PlanningApp;
  // Planning happens the evening before; failures and deliveries happen on the day.
  let nowMs = Date.parse('2026-11-23T18:00:00Z');
  const clock: Clock = { nowMs: () => nowMs };
  let batch = 0;

  beforeAll(async () => {
    app = await startPlanningApp(backend, { clock, stops: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  const ok = <T extends { status: number; body: unknown }>(reply: T, status = 200): T => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    return reply;
  };
  const newDepot = async (extra: Record<string, unknown> = {}) => ok(await app.request('POST', '/api/v1/depots', { body: depotBody(`Depot ${++batch}`, extra) }), 201).body.id as number;
  const newVan = async (depotId: number, overrides: Record<string, unknown> = {}) => ok(await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depotId, overrides) }), 201).body.id as number;
  const newOrder = async (depotId: number, ref: string, overrides: Record<string, unknown> = {}) => {
    const created = ok(await app.request('POST', '/api/v1/orders', { body: { ...orderInput(batch, { externalRef: `${ref}-${batch}`, customerEmail: 'kunde@example.com', ...overrides }), depotId } }), 201).body;
    ok(await app.request('POST', `/api/v1/orders/${created.id}/transitions`, { body: { status: 'ready' } }));
    return created.id as number;
  };
  /** Plans the depot's day (its ready and rescheduled orders) on its vans and dispatches it; the stops in route order. */
  const planAndDispatch = async (depotId: number, date: string, vehicleIds: number[]) => {
    nowMs = Date.parse(`${date}T00:00:00Z`) - 6 * 3600_000;
    const created = ok(await app.request('POST', '/api/v1/plans', { body: { date, depotId, vehicleIds, timeLimitSeconds: 0.3 } }), 202);
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.status).toBe('succeeded');
    ok(await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`, { body: { confirm: true } }));
    return { plan, stops: (plan.routes as Route[]).flatMap((route) => route.stops), routes: plan.routes as Route[] };
  };
  const order = async (id: number) => ok(await app.request('GET', `/api/v1/orders/${id}`)).body;
  const fail = async (stopId: number, reason: string, at: string) => {
    nowMs = Date.parse(at);
    return app.request('POST', `/api/v1/stops/${stopId}/fail`, { body: { idempotencyKey: `fail-key-${stopId}`, reason } });
  };
  const complete = async (stopId: number, at: string) => {
    nowMs = Date.parse(at);
    return ok(await app.request('POST', `/api/v1/stops/${stopId}/complete`, { body: { idempotencyKey: `done-key-${stopId}`, recipientName: 'Kim' } }));
  };
  const failedMessages = async (orderId: number) =>
    (await repositories(app.database.knex).outbox.listForOrder(orderId)).filter((message) => message.template === 'failed' && message.channel === 'email');

  it('re-attempts a not-home order on the next working day in its window, plans it with that day, and returns it after the third failure', async () => {
    const depotId = await newDepot();
    const vanId = await newVan(depotId);
    // Friday 27 Nov 2026: the next working day is Monday 30 Nov.
    const orderId = await newOrder(depotId, 'thrice', { timeWindows: [morning('2026-11-27')] });

    const first = await planAndDispatch(depotId, '2026-11-27', [vanId]);
    const firstStop = first.stops.find((stop) => stop.orderId === orderId)!;
    expect(ok(await fail(firstStop.id, 'not_home', '2026-11-27T10:15:00+01:00')).body).toMatchObject({ orderStatus: 'rescheduled' });
    expect(await order(orderId)).toMatchObject({ status: 'rescheduled', assignedVehicleId: null, timeWindows: [morning('2026-11-30')] });

    // Lands on Monday: the day's plan takes it without naming it, as it takes ready orders.
    const second = await planAndDispatch(depotId, '2026-11-30', [vanId]);
    const secondStop = second.stops.find((stop) => stop.orderId === orderId)!;
    expect(secondStop.id).not.toBe(firstStop.id);
    const planned = Date.parse(secondStop.serviceStart);
    expect(planned).toBeGreaterThanOrEqual(Date.parse(morning('2026-11-30').start));
    expect(planned).toBeLessThanOrEqual(Date.parse(morning('2026-11-30').end));
    expect(ok(await fail(secondStop.id, 'access', '2026-11-30T10:00:00+01:00')).body.orderStatus).toBe('rescheduled');
    expect((await order(orderId)).timeWindows).toEqual([{ start: '2026-12-01T09:00:00+01:00', end: '2026-12-01T12:00:00+01:00' }]);

    const third = await planAndDispatch(depotId, '2026-12-01', [vanId]);
    const thirdStop = third.stops.find((stop) => stop.orderId === orderId)!;
    expect(ok(await fail(thirdStop.id, 'not_home', '2026-12-01T09:30:00+01:00')).body.orderStatus).toBe('returned');
    expect((await order(orderId)).status).toBe('returned');

    // Every attempt keeps its own outcome.
    const outcome = ok(await app.request('GET', `/api/v1/orders/${orderId}/outcome`)).body;
    expect(outcome.attempts.map((attempt: { attempt: number; stopId: number; failureReason: string }) => [attempt.attempt, attempt.stopId, attempt.failureReason])).toEqual([
      [1, firstStop.id, 'not_home'],
      [2, secondStop.id, 'access'],
      [3, thirdStop.id, 'not_home'],
    ]);
    // The customer heard each time, with the next step: a date twice, then the return.
    const messages = await failedMessages(orderId);
    expect(messages).toHaveLength(3);
    expect(new Set(messages.map((message) => message.eventId)).size).toBe(3);
    expect(messages.map((message) => message.payload.nextStep)).toEqual([
      { action: 'reattempt', date: '2026-11-30', windows: [[Date.parse(morning('2026-11-30').start) / 1000, Date.parse(morning('2026-11-30').end) / 1000]] },
      { action: 'reattempt', date: '2026-12-01', windows: [[Date.parse('2026-12-01T09:00:00+01:00') / 1000, Date.parse('2026-12-01T12:00:00+01:00') / 1000]] },
      { action: 'return', because: 'max_attempts' },
    ]);
    const timeline = ok(await app.request('GET', `/api/v1/orders/${orderId}/events`)).body.items as { toStatus: string | null; data: Record<string, unknown> }[];
    expect(timeline.filter((event) => event.toStatus === 'failed').map((event) => event.data.attempt)).toEqual([1, 2, 3]);
  });

  it("returns a refused order at once, and follows the depot's own policy", async () => {
    const depotId = await newDepot({ failurePolicy: { maxAttempts: 1, actions: { refused: 'reattempt' } } });
    const depot = ok(await app.request('GET', `/api/v1/depots/${depotId}`)).body;
    expect(depot.failurePolicy).toMatchObject({ maxAttempts: 1, actions: { refused: 'reattempt', damaged: 'return', not_home: 'reattempt' } });
    const vanId = await newVan(depotId);
    const orderId = await newOrder(depotId, 'one-shot', { timeWindows: [morning('2026-12-02')] });
    const { stops } = await planAndDispatch(depotId, '2026-12-02', [vanId]);
    // One attempt allowed: returned, though the policy re-attempts refusals.
    expect(ok(await fail(stops[0]!.id, 'refused', '2026-12-02T10:00:00+01:00')).body.orderStatus).toBe('returned');
    expect((await failedMessages(orderId))[0]!.payload.nextStep).toEqual({ action: 'return', because: 'max_attempts' });

    const strict = await newDepot();
    const strictVan = await newVan(strict);
    const refusedId = await newOrder(strict, 'refused', { timeWindows: [morning('2026-12-02')] });
    const day = await planAndDispatch(strict, '2026-12-02', [strictVan]);
    expect(ok(await fail(day.stops[0]!.id, 'refused', '2026-12-02T10:00:00+01:00')).body.orderStatus).toBe('returned');
    expect((await failedMessages(refusedId))[0]!.payload.nextStep).toEqual({ action: 'return', because: 'reason' });
  });

  it('refuses a bad policy, an unknown failure reason, and leaves the stop as it was', async () => {
    const unknownReason = await app.request('POST', '/api/v1/depots', { body: depotBody('Bad', { failurePolicy: { actions: { lost_in_space: 'return' } } }) });
    expect(unknownReason.status).toBe(400);
    expect(unknownReason.body.error.details.map((detail: { path: string }) => detail.path).join(' ')).toContain('body.failurePolicy.actions');
    const badAction = await app.request('POST', '/api/v1/depots', { body: depotBody('Bad', { failurePolicy: { actions: { not_home: 'shrug' }, maxAttempts: 0 } }) });
    expect(badAction.status).toBe(400);
    expect(badAction.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body.failurePolicy.actions.not_home', 'body.failurePolicy.maxAttempts']);
    const backwards = await app.request('POST', '/api/v1/depots', { body: depotBody('Bad', { failurePolicy: { reattemptWindow: ['15:00', '09:00'] } }) });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0].path).toBe('body.failurePolicy.reattemptWindow');

    const depotId = await newDepot();
    const patched = ok(await app.request('PATCH', `/api/v1/depots/${depotId}`, { body: { failurePolicy: { actions: { damaged: 'reattempt' } } } })).body;
    expect(patched.failurePolicy.actions).toMatchObject({ damaged: 'reattempt', refused: 'return' });
    const vanId = await newVan(depotId);
    const orderId = await newOrder(depotId, 'unknown-reason', { timeWindows: [morning('2026-12-03')] });
    const { stops } = await planAndDispatch(depotId, '2026-12-03', [vanId]);
    const reply = await fail(stops[0]!.id, 'abducted', '2026-12-03T10:00:00+01:00');
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0].path).toBe('body.reason');
    expect(await order(orderId)).toMatchObject({ status: 'dispatched' });
    expect((await app.request('GET', `/api/v1/orders/${orderId}/outcome`)).body.attempts).toEqual([]);
  });

  it('plans a return as a pickup brought back to the depot, with the van never over capacity along the route', async () => {
    const depotId = await newDepot();
    // Four items fit: three deliveries leave the depot, two items come back, so the pickup must follow two drops.
    const vanId = await newVan(depotId, { capacity: { weightKg: 800, volumeL: 6000, items: 4 } });
    const openVan = await newVan(depotId, { endDepotId: null, capacity: { weightKg: 800, volumeL: 6000, items: 100 } });
    const deliveredId = await newOrder(depotId, 'to-return', { timeWindows: [allDay('2026-12-07')], demand: { weightKg: 4, volumeL: 20, items: 2 } });
    const day1 = await planAndDispatch(depotId, '2026-12-07', [vanId]);
    await complete(day1.stops[0]!.id, '2026-12-07T10:00:00+01:00');

    const returned = ok(await app.request('POST', `/api/v1/orders/${deliveredId}/return`, { body: { reason: 'wrong size' } }), 201).body;
    expect(returned).toMatchObject({
      kind: 'pickup',
      status: 'ready',
      returnOfOrderId: deliveredId,
      demand: { items: 0, weightKg: 0, volumeL: 0 },
      pickup: { items: 2, weightKg: 4, volumeL: 20 },
      timeWindows: [{ start: '2026-12-08T08:00:00+01:00', end: '2026-12-08T17:00:00+01:00' }],
    });
    expect((await order(deliveredId)).status).toBe('delivered');
    const originalTimeline = ok(await app.request('GET', `/api/v1/orders/${deliveredId}/events`)).body.items as { type: string; data: Record<string, unknown> }[];
    expect(originalTimeline.at(-1)).toMatchObject({ type: 'return_scheduled', data: { returnOrderId: returned.id, kind: 'pickup' } });
    const scheduled = (await repositories(app.database.knex).outbox.listForOrder(returned.id)).filter((message) => message.channel === 'email');
    expect(scheduled.map((message) => message.template)).toEqual(['return_scheduled']);

    const drops = [];
    for (let k = 0; k < 3; k++) drops.push(await newOrder(depotId, `drop-${k}`, { timeWindows: [allDay('2026-12-08')], location: [8.70 + k * 0.01, 49.40 + k * 0.004], demand: { weightKg: 1, volumeL: 1, items: 1 } }));
    const day2 = await planAndDispatch(depotId, '2026-12-08', [vanId, openVan]);
    expect(day2.plan.unassigned).toEqual([]);
    // The open-ended van cannot bring anything back: the pickup rides the van that ends at the depot.
    const route = day2.routes.find((candidate) => candidate.stops.some((stop) => stop.orderId === returned.id))!;
    expect(route.vehicleId).toBe(vanId);
    const onTight = route.stops.map((stop) => stop.orderId);
    // Loaded at the depot: the drops on this route.
    let load = drops.filter((id) => onTight.includes(id)).length;
    for (const stop of route.stops) {
      load += stop.orderId === returned.id ? 2 : -1;
      expect(stop.loadAfter.items).toBe(load);
      expect(stop.loadAfter.items).toBeLessThanOrEqual(4);
    }
    expect(route.stops.at(-1)!.loadAfter.items).toBe(2);

    // The driver's day says what to collect where.
    ok(await app.request('POST', '/api/v1/drivers', { body: { name: `Rita ${batch}`, username: `rita-${batch}`, password: 'secret-password', vehicleId: vanId } }), 201);
    const { token } = ok(await app.request('POST', '/api/v1/auth/login', { body: { username: `rita-${batch}`, password: 'secret-password' }, token: null })).body;
    const driverStops = ok(await app.request('GET', '/api/v1/driver/route', { token })).body.route.stops as { orderId: number; kind: string; deliver: unknown; collect: unknown }[];
    expect(driverStops.find((stop) => stop.orderId === returned.id)).toMatchObject({ kind: 'pickup', deliver: null, collect: { items: 2, weightKg: 4, volumeL: 20 } });
    expect(driverStops.find((stop) => stop.orderId !== returned.id)).toMatchObject({ kind: 'delivery', deliver: { items: 1 }, collect: null });

    // The driver collects it and records proof like a delivery.
    const pickupStop = route.stops.find((stop) => stop.orderId === returned.id)!;
    await complete(pickupStop.id, '2026-12-08T11:00:00+01:00');
    expect((await app.request('GET', `/api/v1/orders/${returned.id}/outcome`)).body.proof).toMatchObject({ outcome: 'delivered', recipientName: 'Kim' });
  });

  it('leaves a return that no van can carry unassigned for capacity', async () => {
    const depotId = await newDepot();
    const vanId = await newVan(depotId, { capacity: { weightKg: 800, volumeL: 6000, items: 3 } });
    const deliveredId = await newOrder(depotId, 'bulky', { timeWindows: [allDay('2026-12-09')], demand: { weightKg: 1, volumeL: 1, items: 1 } });
    const day1 = await planAndDispatch(depotId, '2026-12-09', [vanId]);
    await complete(day1.stops[0]!.id, '2026-12-09T10:00:00+01:00');
    const returned = ok(await app.request('POST', `/api/v1/orders/${deliveredId}/return`, { body: { pickup: { items: 5 }, timeWindows: [allDay('2026-12-10')] } }), 201).body;
    const created = ok(await app.request('POST', '/api/v1/plans', { body: { date: '2026-12-10', depotId, vehicleIds: [vanId], timeLimitSeconds: 0.2 } }), 202);
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.unassigned).toMatchObject([{ orderId: returned.id, reason: 'capacity' }]);
  });

  it('plans an exchange as one stop that delivers and collects', async () => {
    const depotId = await newDepot();
    const vanId = await newVan(depotId, { capacity: { weightKg: 800, volumeL: 6000, items: 3 } });
    const deliveredId = await newOrder(depotId, 'exchange', { timeWindows: [allDay('2026-12-10')], demand: { weightKg: 2, volumeL: 5, items: 1 } });
    const day1 = await planAndDispatch(depotId, '2026-12-10', [vanId]);
    await complete(day1.stops[0]!.id, '2026-12-10T10:00:00+01:00');
    const exchange = ok(await app.request('POST', `/api/v1/orders/${deliveredId}/return`, { body: { kind: 'exchange', delivery: { items: 3 }, pickup: { items: 1 }, timeWindows: [allDay('2026-12-11')] } }), 201).body;
    expect(exchange).toMatchObject({ kind: 'exchange', demand: { items: 3 }, pickup: { items: 1 }, status: 'ready' });
    const day2 = await planAndDispatch(depotId, '2026-12-11', [vanId]);
    const route = day2.routes[0]!;
    expect(route.stops.map((stop) => stop.orderId)).toEqual([exchange.id]);
    // Three items off, one on, in one visit.
    expect(route.stops[0]!.loadAfter.items).toBe(1);
  });

  it('refuses a return of an undelivered order, an exchange without amounts and amounts that carry nothing, writing nothing', async () => {
    const depotId = await newDepot();
    const orderId = await newOrder(depotId, 'not-yet', { timeWindows: [morning('2026-12-14')] });
    const count = async () => Number((await app.database.knex('orders').count({ count: '*' }))[0]!.count);
    const before = await count();
    const undelivered = await app.request('POST', `/api/v1/orders/${orderId}/return`, { body: {} });
    expect(undelivered.status).toBe(409);
    expect(undelivered.body.error.details[0]).toMatchObject({ path: 'status' });
    const noAmounts = await app.request('POST', `/api/v1/orders/${orderId}/return`, { body: { kind: 'exchange' } });
    expect(noAmounts.status).toBe(400);
    expect(noAmounts.body.error.details[0]).toMatchObject({ path: 'body.delivery' });
    const empty = await app.request('POST', `/api/v1/orders/${orderId}/return`, { body: { pickup: { items: 0 } } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0]).toMatchObject({ path: 'body.pickup' });
    const unknownKind = await app.request('POST', `/api/v1/orders/${orderId}/return`, { body: { kind: 'swap' } });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.error.details[0].path).toBe('body.kind');
    const extra = await app.request('POST', `/api/v1/orders/${orderId}/return`, { body: { colour: 'red' } });
    expect(extra.status).toBe(400);
    expect((await app.request('POST', '/api/v1/orders/999999/return', { body: {} })).status).toBe(404);
    expect(await count()).toBe(before);
  });
});
