/** What the console's order list and drawer ask of the API: text search, rescheduling (and re-attempts), an order's outcome. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal';
import { completeStop } from '../../src/commands/complete-stop';
import { failStop } from '../../src/commands/fail-stop';
import { issueTrackingLink } from '../../src/commands/issue-tracking-link';
import { rateDelivery } from '../../src/commands/rate-delivery';
import { testDatabases } from '../helpers/database';
import { linkToken, orderInput } from '../helpers/orders';
import { planDate, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

interface Stop { id: number; orderId: number; serviceStart: string; promisedWindows: { start: string; end: string }[] }
interface Route { id: number; vehicleId: number; stops: Stop[] }

const office: Principal = { userId: null, username: 'admin', role: 'admin', driverId: null, vehicleId: null, actor: 'system' };
const pngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe.each(testDatabases())('orders for the console on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  const getPlan = async (id: number) => (await app.request('GET', `/api/v1/plans/${id}`)).body as { version: number; routes: Route[] };
  const events = async (orderId: number) => (await app.request('GET', `/api/v1/orders/${orderId}/events`)).body.items as { type: string; toStatus: string | null; data: Record<string, unknown> }[];
  const planDay = async (orders = 6) => {
    const day = await seedDay(app, { vehicles: 2, orders });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: day.depotId, orderIds: day.orderIds, timeLimitSeconds: 0.2 } });
    const plan = await waitForPlan(app, created.body.id);
    const stops = (plan.routes as Route[]).flatMap((route) => route.stops);
    return { ...day, planId: plan.id as number, stops };
  };

  it('searches customer, address, external ref and display id, in any case, literally, page by page', async () => {
    const { depotId } = await seedDay(app, { vehicles: 1, orders: 0 });
    const make = async (ref: string, customerName: string, addressText: string) =>
      (await app.request('POST', '/api/v1/orders', { body: { ...orderInput(0, { externalRef: ref, customerName, addressText }), depotId } })).body;
    const anna = await make('SHOP-100_a', 'Anna Schmidt', 'Bergheimer Straße 1, Heidelberg');
    const bert = await make('shop-101', 'Bert Braun', 'Hauptstraße 5, Heidelberg');
    const cara = await make('x-102', 'Cara 100% Müller', 'Plöck 3, Heidelberg');
    const ids = async (q: string, extra = '') => ((await app.request('GET', `/api/v1/orders?depotId=${depotId}&q=${encodeURIComponent(q)}${extra}`)).body.items as { id: number }[]).map((order) => order.id);

    expect(await ids('schmidt')).toEqual([anna.id]);
    expect(await ids('HAUPTSTR')).toEqual([bert.id]);
    expect(await ids('shop-10')).toEqual([anna.id, bert.id]);
    expect(await ids(cara.displayId.toLowerCase())).toEqual([cara.id]);
    expect(await ids('müller')).toEqual([cara.id]);
    // LIKE's wildcards are plain characters: "100%" is only Cara, "_a" only Anna's ref.
    expect(await ids('100%')).toEqual([cara.id]);
    expect(await ids('_a')).toEqual([anna.id]);
    expect(await ids('nobody')).toEqual([]);
    expect(await ids('heidelberg', '&status=received')).toEqual([anna.id, bert.id, cara.id]);
    expect(await ids('heidelberg', '&status=ready')).toEqual([]);

    const first = await app.request('GET', `/api/v1/orders?depotId=${depotId}&q=heidelberg&limit=2`);
    expect(first.body.items.map((order: { id: number }) => order.id)).toEqual([anna.id, bert.id]);
    const second = await app.request('GET', `/api/v1/orders?depotId=${depotId}&q=heidelberg&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toMatchObject({ items: [{ id: cara.id }], nextCursor: null });

    const tooLong = await app.request('GET', `/api/v1/orders?q=${'a'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].path).toBe('query.q');
  });

  it('reschedules an order not yet planned, writing the change to its timeline; bad windows are 400 by field', async () => {
    const { depotId } = await seedDay(app, { vehicles: 1, orders: 0 });
    const order = (await app.request('POST', '/api/v1/orders', { body: { ...orderInput(0, { externalRef: 'resched-received' }), depotId } })).body;
    const window = { start: '2026-11-26T14:00:00+01:00', end: '2026-11-26T16:00:00+01:00' };
    const moved = await app.request('POST', `/api/v1/orders/${order.id}/reschedule`, { body: { timeWindows: [window], reason: 'customer asked' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'received', timeWindows: [window] });
    const rescheduled = (await events(order.id)).find((event) => event.type === 'rescheduled')!;
    expect(rescheduled.data).toMatchObject({ to: [{ start: '2026-11-26T13:00:00.000Z', end: '2026-11-26T15:00:00.000Z' }] });

    const backwards = await app.request('POST', `/api/v1/orders/${order.id}/reschedule`, { body: { timeWindows: [{ start: window.end, end: window.start }] } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0].path).toBe('body.timeWindows[0].end');
    const none = await app.request('POST', `/api/v1/orders/${order.id}/reschedule`, { body: { timeWindows: [] } });
    expect(none.status).toBe(400);
    expect(none.body.error.details[0].path).toBe('body.timeWindows');
    expect((await app.request('POST', '/api/v1/orders/999999/reschedule', { body: { timeWindows: [window] } })).status).toBe(404);
    await app.request('POST', `/api/v1/orders/${order.id}/transitions`, { body: { status: 'cancelled' } });
    const cancelled = await app.request('POST', `/api/v1/orders/${order.id}/reschedule`, { body: { timeWindows: [window] } });
    expect(cancelled.status).toBe(409);
  });

  it('keeps a planned stop whose time lies in the new window, and takes one off its route when it no longer fits', async () => {
    const { planId, stops } = await planDay();
    const [kept, leaving] = stops;
    const before = await getPlan(planId);

    // A wider window around the planned time: the stop stays, promising the new window.
    const serviceStartMs = Date.parse(kept!.serviceStart);
    const wide = { start: new Date(serviceStartMs - 3600_000).toISOString(), end: new Date(serviceStartMs + 3600_000).toISOString() };
    const stays = await app.request('POST', `/api/v1/orders/${kept!.orderId}/reschedule`, { body: { timeWindows: [wide] } });
    expect(stays.status).toBe(200);
    expect(stays.body.status).toBe('planned');
    const afterStay = await getPlan(planId);
    expect(afterStay.version).toBe(before.version + 1);
    const keptStop = afterStay.routes.flatMap((route) => route.stops).find((stop) => stop.orderId === kept!.orderId)!;
    expect(keptStop.promisedWindows.map((w) => [Date.parse(w.start), Date.parse(w.end)])).toEqual([[Date.parse(wide.start), Date.parse(wide.end)]]);

    // Another day: off the route, back to ready, without a vehicle.
    const nextDay = { start: '2026-11-25T09:00:00+01:00', end: '2026-11-25T12:00:00+01:00' };
    const leaves = await app.request('POST', `/api/v1/orders/${leaving!.orderId}/reschedule`, { body: { timeWindows: [nextDay] } });
    expect(leaves.status).toBe(200);
    expect(leaves.body).toMatchObject({ status: 'ready', assignedVehicleId: null, timeWindows: [nextDay] });
    const afterLeave = await getPlan(planId);
    expect(afterLeave.version).toBe(afterStay.version + 1);
    expect(afterLeave.routes.flatMap((route) => route.stops).map((stop) => stop.orderId)).not.toContain(leaving!.orderId);
    expect(afterLeave.routes.flatMap((route) => route.stops)).toHaveLength(stops.length - 1);
    const timeline = await events(leaving!.orderId);
    expect(timeline.find((event) => event.type === 'rescheduled')!.data).toMatchObject({ leftPlanId: planId });
    expect(timeline.at(-1)).toMatchObject({ type: 'status_changed', toStatus: 'ready' });
  });

  it('re-attempts a failed delivery with a new window, refuses moving a dispatched stop off its van, and shows proof and rating', async () => {
    const { planId, stops } = await planDay(4);
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch`)).status).toBe(200);
    const [failing, delivered, dispatched] = stops;

    // Still dispatched and the new window misses its planned time: 409 naming timeWindows, nothing changes.
    const farAway = { start: '2026-11-27T09:00:00+01:00', end: '2026-11-27T10:00:00+01:00' };
    const refused = await app.request('POST', `/api/v1/orders/${dispatched!.orderId}/reschedule`, { body: { timeWindows: [farAway] } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details[0].path).toBe('timeWindows');
    expect((await app.request('GET', `/api/v1/orders/${dispatched!.orderId}`)).body.timeWindows).not.toEqual([farAway]);

    await failStop(app.commands, failing!.id, { idempotencyKey: 'fail-key-1', reason: 'not_home', note: 'rang twice' }, office);
    const failedOutcome = (await app.request('GET', `/api/v1/orders/${failing!.orderId}/outcome`)).body;
    expect(failedOutcome).toMatchObject({ stop: { id: failing!.id, status: 'failed' }, proof: { outcome: 'failed', failureReason: 'not_home', note: 'rang twice', photo: null }, rating: null });

    // Not on the day whose plan holds the failed attempt: that plan has its one stop of the order.
    const sameDay = { start: `${planDate}T17:00:00+01:00`, end: `${planDate}T19:00:00+01:00` };
    const today = await app.request('POST', `/api/v1/orders/${failing!.orderId}/reschedule`, { body: { timeWindows: [sameDay] } });
    expect(today.status).toBe(409);
    expect(today.body.error.details[0]).toMatchObject({ path: 'timeWindows', message: expect.stringContaining(`of ${planDate} already has this order's failed attempt`) });
    expect((await app.request('GET', `/api/v1/orders/${failing!.orderId}`)).body.timeWindows).not.toEqual([sameDay]);
    const retry = { start: '2026-11-25T13:00:00+01:00', end: '2026-11-25T16:00:00+01:00' };
    const again = await app.request('POST', `/api/v1/orders/${failing!.orderId}/reschedule`, { body: { timeWindows: [retry], reason: 'next day' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'rescheduled', timeWindows: [retry] });
    expect(again.body.allowedTransitions).toContain('planned');
    // Plannable again on its new day.
    const replanned = await app.request('POST', '/api/v1/plans', { body: { date: '2026-11-25', depotId: again.body.depotId, orderIds: [failing!.orderId], timeLimitSeconds: 0.2 } });
    expect(replanned.status).toBe(202);

    await completeStop(app.commands, delivered!.id, { idempotencyKey: 'done-key-1', recipientName: 'Neighbour', signature: { contentType: 'image/png', base64: pngBase64 }, photo: { contentType: 'image/png', base64: pngBase64 } }, office);
    const { path } = await issueTrackingLink(app.commands, delivered!.orderId, office);
    await rateDelivery(app.commands, linkToken(path), { stars: 4, comment: 'friendly' }, 3600);
    const outcome = (await app.request('GET', `/api/v1/orders/${delivered!.orderId}/outcome`)).body;
    expect(outcome).toMatchObject({
      stop: { id: delivered!.id, status: 'completed' },
      proof: { outcome: 'delivered', recipientName: 'Neighbour', signature: `data:image/png;base64,${pngBase64}`, photo: `data:image/png;base64,${pngBase64}` },
      rating: { stars: 4, comment: 'friendly' },
    });
    expect((await app.request('POST', `/api/v1/orders/${delivered!.orderId}/reschedule`, { body: { timeWindows: [retry] } })).status).toBe(409);

    const notPlanned = (await app.request('POST', '/api/v1/orders', { body: { ...orderInput(0, { externalRef: 'outcome-none' }), depotId: again.body.depotId } })).body;
    expect((await app.request('GET', `/api/v1/orders/${notPlanned.id}/outcome`)).body).toEqual({ stop: null, proof: null, rating: null, attempts: [] });
  });
});
