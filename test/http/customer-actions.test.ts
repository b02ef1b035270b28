import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { openApiDocument } from '../../src/http/openapi';
import { apiPrefix } from '../../src/http/mount';
import { driverRouteMount } from '../../src/http/routes/driver-route.routes';
import { plansMount } from '../../src/http/routes/plans.routes';
import { trackingMount } from '../../src/http/routes/tracking.routes';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, chain, type TestApp } from '../helpers/http';
import { linkToken, orderInput } from '../helpers/orders';
import { beforePlanDate, planDate, waitForPlan } from '../planning/fixtures';

// beforePlanDate is Monday 2026-11-23 01:00 in Berlin; planDate the Tuesday after.
const wednesday = '2026-11-25';
const linkTtlSeconds = 3600;
const calendar = {
  windows: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => [day, [{ start: '08:00', end: '12:00', capacity: 5 }, { start: '12:00', end: '16:00', capacity: 5 }, { start: '16:00', end: '20:00', capacity: 1 }]])),
  cutoff: { daysBefore: 1, time: '20:00' },
};

describe.each(testDatabases())('the customer acts on the tracking page on $engine', (backend) => {
  let app: TestApp;
  let queue: PlanQueue;
  let depotId: number;
  let driverToken: string;
  const orders: { id: number; token: string }[] = [];
  let dispatchedOrder: { id: number; token: string };
  let planId: number;
  const nowEpoch = beforePlanDate.nowMs() / 1000;
  const clock = { nowMs: () => nowEpoch * 1000 };

  const track = (token: string, path = '', method = 'GET', body?: unknown) => app.request(method, `/api/v1/track/${token}${path}`, { token: null, body });
  const eventsOf = async (orderId: number) => (await app.request('GET', `/api/v1/orders/${orderId}/events`)).body.items as { type: string; actor: string; reason: string | null; data: Record<string, unknown> }[];
  const orderOf = async (orderId: number) => (await app.request('GET', `/api/v1/orders/${orderId}`)).body;

  beforeAll(async () => {
    const routing = createHaversineProvider();
    let mounted: RequestHandler[] = [];
    app = await startTestApp(backend, { mounts: [{ path: apiPrefix, router: (req, res, next) => chain(mounted, req, res, next) }], clock });
    const solver = createPoolSolver({ threads: 1 });
    queue = new PlanQueue({ context: app.commands, solver, routing, pollMs: 50, exclusiveDatabase: backend.engine === 'pglite' });
    mounted = [plansMount({ context: app.commands, queue, solver, routing }).router, trackingMount(app.commands, { linkTtlSeconds, routing, publicUrl: 'http://lastmile.example' }).router, driverRouteMount(app.commands, routing).router];
    await queue.start();

    depotId = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, slotCalendar: calendar } })).body.id;
    const vehicleId = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depotId) })).body.id;
    await app.request('POST', '/api/v1/drivers', { body: { name: 'Dana', vehicleId, username: 'dana', password: 'secret-pass-1' } });
    driverToken = (await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'dana', password: 'secret-pass-1' } })).body.token;
    for (let k = 0; k < 4; k++) {
      const created = await app.request('POST', '/api/v1/orders', {
        body: { ...orderInput(k, { externalRef: `customer-${k}`, location: [8.68 + k / 500, 49.41], notes: `Internal: dog behind door ${k}`, timeWindows: [{ start: `${planDate}T08:00:00+01:00`, end: `${planDate}T12:00:00+01:00` }] }), customerEmail: `c${k}@example.com`, depotId },
      });
      await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } });
      orders.push({ id: created.body.id, token: linkToken(created.body.trackingLink) });
    }
    // Orders 0–2 on a plan; order 3 stays ready. The plan of order 2 is dispatched later.
    const plan = await waitForPlan(app, (await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds: orders.slice(0, 3).map((order) => order.id), timeLimitSeconds: 0.2 } })).body.id);
    expect(plan.status).toBe('succeeded');
    planId = plan.id;
    dispatchedOrder = orders[2]!;
  }, 60_000);
  afterAll(async () => {
    await queue?.stop();
    await app?.close();
  });

  it('keeps a slot calendar per depot: a default for new depots, edits validated (inside a day, no overlap, capacity ≥ 0)', async () => {
    const plain = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    expect(plain.slotCalendar.windows.mon).toEqual([{ start: '08:00', end: '12:00', capacity: 60 }, { start: '12:00', end: '16:00', capacity: 60 }, { start: '16:00', end: '20:00', capacity: 60 }]);
    expect(plain.slotCalendar.windows.sun).toBeUndefined();
    expect(plain.slotCalendar.cutoff).toEqual({ daysBefore: 1, time: '20:00' });

    const bad = async (slotCalendar: unknown, path: string, message: RegExp) => {
      const reply = await app.request('PATCH', `/api/v1/depots/${plain.id}`, { body: { slotCalendar } });
      expect(reply.status).toBe(400);
      expect(reply.body.error.details).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
    };
    await bad({ windows: { mon: [{ start: '08:00', end: '12:00', capacity: 1 }, { start: '11:00', end: '13:00', capacity: 1 }] }, cutoff: { daysBefore: 1, time: '20:00' } }, 'body.slotCalendar.windows.mon[1].start', /overlaps the window 08:00–12:00/);
    await bad({ windows: { tue: [{ start: '14:00', end: '10:00', capacity: 1 }] }, cutoff: { daysBefore: 1, time: '20:00' } }, 'body.slotCalendar.windows.tue[0].end', /start before it ends/);
    await bad({ windows: { tue: [{ start: '20:00', end: '25:00', capacity: 1 }] }, cutoff: { daysBefore: 1, time: '20:00' } }, 'body.slotCalendar.windows.tue[0].end', /HH:MM/);
    await bad({ windows: { wed: [{ start: '08:00', end: '10:00', capacity: -1 }] }, cutoff: { daysBefore: 1, time: '20:00' } }, 'body.slotCalendar.windows.wed[0].capacity', /./);
    await bad({ windows: { wed: [{ start: '08:00', end: '10:00', capacity: 1, price: 3 }] }, cutoff: { daysBefore: 1, time: '20:00' } }, 'body.slotCalendar.windows.wed[0]', /price/);
    expect((await app.request('GET', `/api/v1/depots/${plain.id}`)).body.slotCalendar).toEqual(plain.slotCalendar);

    const edited = { windows: { sun: [{ start: '10:00', end: '14:00', capacity: 0 }, { start: '18:00', end: '24:00', capacity: 3 }] }, cutoff: { daysBefore: 0, time: '06:00' } };
    expect((await app.request('PATCH', `/api/v1/depots/${plain.id}`, { body: { slotCalendar: edited } })).status).toBe(200);
    expect((await app.request('GET', `/api/v1/depots/${plain.id}`)).body.slotCalendar).toEqual(edited);
  });

  it('offers the windows of the coming days, those past their cut-off left out, full ones marked', async () => {
    const reply = await track(orders[3]!.token, '/slots?days=7');
    expect(reply.status).toBe(200);
    const { slots, timeZone, current } = reply.body;
    expect(timeZone).toBe('Europe/Berlin');
    expect(current).toEqual({ start: `${planDate}T08:00:00+01:00`, end: `${planDate}T12:00:00+01:00` });
    // Monday closed on Sunday 20:00; Sunday offers nothing: Tuesday to Saturday, three windows each.
    expect(slots.map((slot: { date: string }) => slot.date)).toEqual(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'].flatMap((date) => [date, date, date]));
    expect(slots[0]).toMatchObject({ date: planDate, start: '08:00', end: '12:00', startsAt: `${planDate}T08:00:00+01:00`, endsAt: `${planDate}T12:00:00+01:00`, full: false, current: true });
    expect(slots.filter((slot: { current: boolean }) => slot.current)).toHaveLength(1);
    expect(JSON.stringify(reply.body)).not.toMatch(/capacity|booked/);
    expect((await track(orders[3]!.token, '/slots?days=99')).status).toBe(400);
  });

  it('moves a planned order to the window it picks: off its plan, into that day, with the e-mail composed', async () => {
    const order = orders[0]!;
    expect((await orderOf(order.id)).status).toBe('planned');
    const moved = await track(order.token, '/reschedule', 'POST', { date: wednesday, start: '12:00', end: '16:00' });
    expect(moved.status).toBe(200);
    expect(moved.body.promisedWindow).toEqual({ start: `${wednesday}T12:00:00+01:00`, end: `${wednesday}T16:00:00+01:00` });
    const stored = await orderOf(order.id);
    expect(stored.status).toBe('ready');
    expect(stored.timeWindows).toEqual([{ start: `${wednesday}T12:00:00+01:00`, end: `${wednesday}T16:00:00+01:00` }]);
    const events = await eventsOf(order.id);
    expect(events.find((event) => event.type === 'rescheduled')).toMatchObject({ actor: 'customer', reason: 'chosen by the customer' });
    const messages = await repositories(app.commands.db).outbox.listForOrder(order.id);
    expect(messages).toContainEqual(expect.objectContaining({ template: 'rescheduled', channel: 'email', recipient: 'c0@example.com' }));
    const slots = (await track(order.token, '/slots')).body.slots as { date: string; start: string; current: boolean }[];
    expect(slots.find((slot) => slot.current)).toMatchObject({ date: wednesday, start: '12:00' });
  });

  it('makes a failed delivery a re-attempt in the window the customer picks', async () => {
    const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(9, { externalRef: 'customer-failed' }), depotId } });
    // A failed delivery, set directly: how it failed is the driver's part, tested elsewhere.
    await repositories(app.commands.db).orders.setStatusMany([created.body.id], 'failed');
    const moved = await track(linkToken(created.body.trackingLink), '/reschedule', 'POST', { date: '2026-11-26', start: '08:00', end: '12:00' });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('rescheduled');
    const events = await eventsOf(created.body.id);
    expect(events.find((event) => event.type === 'status_changed')).toMatchObject({ actor: 'customer', reason: 'chosen by the customer' });
    expect((await orderOf(created.body.id)).timeWindows).toEqual([{ start: '2026-11-26T08:00:00+01:00', end: '2026-11-26T12:00:00+01:00' }]);
  });

  it('takes the depot before the order, as the dispatcher does: a customer choice and a dispatcher move of one order at once never deadlock', async () => {
    // Opposite lock orders (order then depot against depot then order) deadlock on PostgreSQL; one of the two would fail.
    // Four rounds: each leaves the order in one of Friday's windows, which take five.
    const friday = '2026-11-27';
    for (let round = 0; round < 4; round++) {
      const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(20 + round, { externalRef: `customer-race-${round}` }), depotId } });
      expect(created.status).toBe(201);
      const [customer, dispatcher] = await Promise.all([
        track(linkToken(created.body.trackingLink), '/reschedule', 'POST', { date: friday, start: '08:00', end: '12:00' }),
        app.request('PATCH', `/api/v1/orders/${created.body.id}`, { body: { timeWindows: [{ start: `${friday}T12:00:00+01:00`, end: `${friday}T16:00:00+01:00` }] } }),
      ]);
      expect([customer.status, dispatcher.status], JSON.stringify([customer.body, dispatcher.body])).toEqual([200, 200]);
    }
  });

  it('refuses a window the depot does not offer, a closed day, a full window and bad text, writing nothing', async () => {
    const order = orders[3]!;
    const before = { order: await orderOf(order.id), events: (await eventsOf(order.id)).length };
    const refused = async (body: unknown, status: number, path: string, message: RegExp, path2 = '/reschedule', method = 'POST') => {
      const reply = await track(order.token, path2, method, body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(status);
      expect(reply.body.error.details).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
    };
    await refused({ date: wednesday, start: '07:00', end: '09:00' }, 400, 'body.start', /offers 08:00–12:00, 12:00–16:00, 16:00–20:00/);
    await refused({ date: '2026-11-29', start: '08:00', end: '12:00' }, 400, 'body.start', /no deliveries on 2026-11-29/);
    await refused({ date: '2026-11-23', start: '08:00', end: '12:00' }, 409, 'body.date', /past the cut-off/);
    await refused({ date: '2027-02-30', start: '08:00', end: '12:00' }, 400, 'body.date', /calendar date/);
    await refused({ date: '2027-03-01', start: '08:00', end: '12:00' }, 400, 'body.date', /not between/);
    await refused({ date: wednesday, start: '08:00', end: '12:00', note: 'x' }, 400, 'body', /note/);
    // The 16–20 window takes one order: the first customer gets it, the next finds it full.
    expect((await track(orders[1]!.token, '/reschedule', 'POST', { date: wednesday, start: '16:00', end: '20:00' })).status).toBe(200);
    await refused({ date: wednesday, start: '16:00', end: '20:00' }, 409, 'body.start', /full/);
    expect((await track(order.token, '/slots')).body.slots.find((slot: { date: string; start: string }) => slot.date === wednesday && slot.start === '16:00').full).toBe(true);

    await refused({ note: 'x'.repeat(501) }, 400, 'body.note', /at most 500/, '/instructions', 'PUT');
    await refused({ leaveWithNeighbour: true }, 400, 'body.neighbourName', /name the neighbour/, '/instructions', 'PUT');
    await refused({ gateCode: '1234', ring: 'twice' }, 400, 'body', /ring/, '/instructions', 'PUT');
    await refused({ stars: 5, comment: 'x'.repeat(1001) }, 400, 'body.comment', /1000/, '/rating');
    await refused({ reason: 'too small' }, 409, 'status', /only a delivered order/, '/return');

    expect(await orderOf(order.id)).toEqual(before.order);
    expect(await eventsOf(order.id)).toHaveLength(before.events);
    expect((await track(order.token)).body.instructions).toBeNull();
  });

  it('gives the driver the instructions, and refuses another window once the order is out for delivery', async () => {
    const order = dispatchedOrder;
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch?force=true`)).status).toBeLessThan(300);
    const given = await track(order.token, '/instructions', 'PUT', { gateCode: ' 4711 ', safePlace: '', leaveWithNeighbour: true, neighbourName: 'Frau Weber, no. 5', note: 'Please ring twice' });
    expect(given.status).toBe(200);
    expect(given.body.instructions).toEqual({ gateCode: '4711', safePlace: null, leaveWithNeighbour: true, neighbourName: 'Frau Weber, no. 5', note: 'Please ring twice' });
    expect(given.body.actions).toMatchObject({ instructions: true, reschedule: false, rate: false });
    const day = (await app.request('GET', '/api/v1/driver/route', { token: driverToken })).body;
    const stop = day.route.stops.find((candidate: { orderId: number }) => candidate.orderId === order.id);
    expect(stop.instructions).toEqual(given.body.instructions);
    expect(day.route.stops.filter((candidate: { instructions: unknown }) => candidate.instructions !== null)).toHaveLength(1);
    expect((await eventsOf(order.id)).at(-1)).toMatchObject({ type: 'instructions_changed', actor: 'customer', data: { instructions: given.body.instructions } });

    const before = await orderOf(order.id);
    const refused = await track(order.token, '/reschedule', 'POST', { date: wednesday, start: '08:00', end: '12:00' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: 'status', message: 'the order is already out for delivery' }]);
    expect(await orderOf(order.id)).toEqual(before);
  });

  it('after delivery takes a rating with a comment and one return request, both in the timeline', async () => {
    const order = dispatchedOrder;
    for (const status of ['out_for_delivery', 'arrived', 'delivered']) expect((await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status } })).status).toBe(200);
    expect((await track(order.token)).body.actions).toEqual({ instructions: false, reschedule: false, rate: true, requestReturn: true });
    const rated = await track(order.token, '/rating', 'POST', { stars: 4, comment: 'Friendly driver' });
    expect(rated.body.rating).toEqual({ stars: 4, comment: 'Friendly driver' });
    const returned = await track(order.token, '/return', 'POST', { reason: 'Wrong size' });
    expect(returned.status).toBe(200);
    expect(returned.body.returnRequested).toMatchObject({ reason: 'Wrong size' });
    expect(returned.body.actions.requestReturn).toBe(false);
    const again = await track(order.token, '/return', 'POST', { reason: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body.error.details[0].message).toBe('a return has already been requested');
    const events = await eventsOf(order.id);
    expect(events.filter((event) => event.type === 'rated')).toEqual([expect.objectContaining({ actor: 'customer', data: { stars: 4, comment: 'Friendly driver' } })]);
    expect(events.filter((event) => event.type === 'return_requested')).toEqual([expect.objectContaining({ actor: 'customer', reason: 'Wrong size' })]);
  });

  it('declares the customer operations in the OpenAPI with operation ids', async () => {
    // The mounts here join after the app is made, so their document is built from the tracking mount's registry.
    const registry = trackingMount(app.commands, { linkTtlSeconds, routing: createHaversineProvider(), publicUrl: 'http://lastmile.example' }).registry!;
    const paths = openApiDocument(new OpenAPIRegistry([registry])).paths as Record<string, Record<string, { operationId?: string }>>;
    expect(paths['/api/v1/track/{token}/slots']!.get!.operationId).toBe('listDeliverySlots');
    expect(paths['/api/v1/track/{token}/reschedule']!.post!.operationId).toBe('chooseDeliverySlot');
    expect(paths['/api/v1/track/{token}/instructions']!.put!.operationId).toBe('giveDeliveryInstructions');
    expect(paths['/api/v1/track/{token}/return']!.post!.operationId).toBe('requestReturn');
    expect(paths['/api/v1/track/{token}/rating']!.post!.operationId).toBe('rateDelivery');
  });

  it('never shows internal notes, contact details or other customers to the customer', async () => {
    const allowed = ['displayId', 'status', 'timeline', 'promisedWindow', 'times', 'close', 'stopsBefore', 'driverLocation', 'destination', 'proof', 'expiresAt', 'rating', 'instructions', 'returnRequested', 'actions'];
    for (const order of orders) {
      const view = (await track(order.token)).body;
      expect(Object.keys(view).sort()).toEqual([...allowed].sort());
      const text = JSON.stringify(view) + JSON.stringify((await track(order.token, '/slots')).body);
      expect(text).not.toMatch(/Internal: dog|example\.com|Customer \d|Hauptstraße|customerPhone|customerEmail|"notes"|"note":"(?!Please ring twice)/);
      for (const other of orders.filter((candidate) => candidate !== order)) expect(text).not.toContain(other.token);
    }
  });
});
