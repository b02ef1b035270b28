import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { planDate, readyOrder, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

interface Stop { id: number; orderId: number; sequence: number; locked: boolean; plannedArrival: string; dispatchedEta: string | null }
interface Route { id: number; vehicleId: number; stops: Stop[] }

describe.each(testDatabases())('dispatcher edits and live insertion on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  const getPlan = async (id: number) => (await app.request('GET', `/api/v1/plans/${id}`)).body as { version: number; routes: Route[]; status: string };
  const orderIdsOf = (route: Route) => route.stops.map((stop) => stop.orderId);

  it('previews and applies a move, locks, dispatches, inserts live, says why an order fits nowhere, and removes a cancelled order', async () => {
    const { depotId, orderIds } = await seedDay(app, { vehicles: 2, orders: 8 });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.2 } });
    const planned = await waitForPlan(app, created.body.id);
    const planId = planned.id as number;
    const route = (planned.routes as Route[]).find((r) => r.stops.length >= 3)!;

    const [first, second] = route.stops;
    expect((await app.request('POST', `/api/v1/plans/${planId}/edits`, { body: { type: 'lock', orderIds: [first!.orderId, second!.orderId] } })).body.version).toBe(2);
    const reoptimized = await app.request('POST', `/api/v1/plans/${planId}/reoptimize`, { body: { timeLimitSeconds: 0.2 } });
    expect(reoptimized.status).toBe(200);
    expect(reoptimized.body.version).toBe(3);
    const kept = orderIdsOf((await getPlan(planId)).routes.find((r) => r.vehicleId === route.vehicleId)!);
    expect(kept.indexOf(first!.orderId)).toBeGreaterThanOrEqual(0);
    expect(kept.indexOf(first!.orderId)).toBeLessThan(kept.indexOf(second!.orderId));
    const unlocked = await app.request('POST', `/api/v1/plans/${planId}/edits`, { body: { type: 'unlock', orderIds: [first!.orderId, second!.orderId] } });
    expect(unlocked.body.version).toBe(4);
    expect(unlocked.body.routes[0].stops.filter((stop: Stop) => stop.locked)).toEqual([]);
    const current = (await getPlan(planId)).routes.find((r) => r.id === route.id)!;
    const last = current.stops[current.stops.length - 1]!;

    const preview = await app.request('POST', `/api/v1/plans/${planId}/edits?preview=true`, { body: { type: 'move', orderId: last.orderId, vehicleId: route.vehicleId, position: 1 } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ preview: true, version: 4 });
    const previewed = preview.body.routes.find((r: Route) => r.id === route.id) as Route;
    expect(previewed.stops[0]).toMatchObject({ orderId: last.orderId, locked: true });
    expect(Array.isArray(preview.body.violations)).toBe(true);
    expect(orderIdsOf((await getPlan(planId)).routes.find((r) => r.id === route.id)!)).toEqual(orderIdsOf(current));

    const applied = await app.request('POST', `/api/v1/plans/${planId}/edits`, { body: { type: 'move', orderId: last.orderId, vehicleId: route.vehicleId, position: 1 } });
    expect(applied.body).toMatchObject({ preview: false, version: 5 });
    const afterMove = await getPlan(planId);
    expect(afterMove.version).toBe(5);
    const moved = afterMove.routes.find((r) => r.id === route.id)!;
    expect(moved.stops[0]).toMatchObject({ orderId: last.orderId, locked: true });
    expect(moved.stops.map((stop) => stop.plannedArrival)).toEqual(previewed.stops.map((stop) => stop.plannedArrival));
    expect((await app.request('POST', `/api/v1/plans/${planId}/edits`, { body: { type: 'unlock', orderIds: [last.orderId] } })).body.version).toBe(6);

    // The move above made the route late: dispatching it means confirming past the warning.
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch`, { body: { confirm: true } })).status).toBe(200);

    const extra = await readyOrder(app, depotId, `extra-${planId}`, [8.6824, 49.4133]);
    const inserted = await app.request('POST', `/api/v1/plans/${planId}/insertions`, { body: { orderId: extra } });
    expect(inserted.status).toBe(200);
    expect(inserted.body).toMatchObject({ inserted: true, orderId: extra, reason: null });
    const newStop = inserted.body.route.stops.find((stop: Stop) => stop.orderId === extra);
    expect(newStop.sequence).toBe(inserted.body.position);
    expect(newStop.dispatchedEta).toBe(newStop.plannedArrival);
    const extraOrder = (await app.request('GET', `/api/v1/orders/${extra}`)).body;
    expect(extraOrder).toMatchObject({ status: 'dispatched', assignedVehicleId: inserted.body.vehicleId });
    expect((await getPlan(planId)).version).toBe(7);
    expect((await app.request('POST', `/api/v1/plans/${planId}/insertions`, { body: { orderId: extra } })).status).toBe(409);

    // Its window lies outside every vehicle's shift: the solver says so.
    const tomorrow = { start: '2026-11-25T09:00:00+01:00', end: '2026-11-25T10:00:00+01:00' };
    const impossible = await readyOrder(app, depotId, `impossible-${planId}`, [8.68, 49.41], tomorrow);
    const refused = await app.request('POST', `/api/v1/plans/${planId}/insertions`, { body: { orderId: impossible } });
    expect(refused.body).toMatchObject({ inserted: false, reason: 'shift', route: null });
    expect((await app.request('GET', `/api/v1/orders/${impossible}`)).body.status).toBe('ready');

    const before = (await getPlan(planId)).routes.find((r) => orderIdsOf(r).includes(extra))!;
    const cancelled = await app.request('POST', `/api/v1/orders/${extra}/transitions`, { body: { status: 'cancelled', reason: 'customer called' } });
    expect(cancelled.status).toBe(200);
    let after = before;
    for (let tries = 0; tries < 100 && orderIdsOf(after).includes(extra); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = (await getPlan(planId)).routes.find((r) => r.id === before.id)!;
    }
    expect(orderIdsOf(after)).toEqual(orderIdsOf(before).filter((id) => id !== extra));
    const index = orderIdsOf(before).indexOf(extra);
    for (const stop of after.stops.slice(index)) {
      const old = before.stops.find((s) => s.orderId === stop.orderId)!;
      expect(Date.parse(stop.plannedArrival)).toBeLessThanOrEqual(Date.parse(old.plannedArrival));
    }
  });

  it('never inserts before stops that live tracking completed after the routes were last read', async () => {
    const { depotId, orderIds } = await seedDay(app, { vehicles: 1, orders: 4 });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.1 } });
    const plan = await waitForPlan(app, created.body.id);
    await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`);
    const early = { start: `${planDate}T08:00:00+01:00`, end: `${planDate}T09:30:00+01:00` };
    const first = await readyOrder(app, depotId, `warm-${plan.id}`, [8.6725, 49.4094], early);
    const warm = await app.request('POST', `/api/v1/plans/${plan.id}/insertions`, { body: { orderId: first } });
    expect(warm.body).toMatchObject({ inserted: true, position: 1 });

    const route = (await getPlan(plan.id)).routes[0]!;
    const done = route.stops.slice(0, 2).map((stop) => stop.id);
    await app.database.knex('stops').whereIn('id', done).update({ status: 'completed', completed_at_epoch: Date.parse(`${planDate}T10:00:00+01:00`) / 1000 });
    const second = await readyOrder(app, depotId, `after-${plan.id}`, [8.6725, 49.4094], { start: `${planDate}T08:00:00+01:00`, end: `${planDate}T18:00:00+01:00` });
    const inserted = await app.request('POST', `/api/v1/plans/${plan.id}/insertions`, { body: { orderId: second } });
    expect(inserted.body.inserted).toBe(true);
    expect(inserted.body.position).toBeGreaterThanOrEqual(3);
    expect(inserted.body.route.stops.slice(0, 2).map((stop: { status: string }) => stop.status)).toEqual(['completed', 'completed']);
  });

  it('answers bad edits with 400, unknown stops with 404 and plans that cannot change with 409', async () => {
    const { depotId, orderIds } = await seedDay(app, { vehicles: 1, orders: 2 });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.1 } });
    const plan = await waitForPlan(app, created.body.id);
    const vehicleId = plan.routes[0].vehicleId;
    const bad = await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'move', orderId: orderIds[0], vehicleId, position: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.position');
    const unknownType = await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'teleport' } });
    expect(unknownType.status).toBe(400);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'remove', orderId: 987654 } })).status).toBe(404);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'move', orderId: orderIds[0], vehicleId: 987654, position: 1 } })).status).toBe(400);

    const removed = await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'remove', orderId: orderIds[0] } });
    expect(removed.status).toBe(200);
    expect((await app.request('GET', `/api/v1/orders/${orderIds[0]}`)).body).toMatchObject({ status: 'ready', assignedVehicleId: null });
    const added = await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'add', orderId: orderIds[0], vehicleId, position: 1 } });
    expect(added.body.routes[0].stops[0]).toMatchObject({ orderId: orderIds[0], locked: true });
    expect((await app.request('GET', `/api/v1/orders/${orderIds[0]}`)).body.status).toBe('planned');

    await app.queue.stop();
    const queued = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds: [await readyOrder(app, depotId, `q-${plan.id}`, [8.68, 49.41])] } });
    const refused = await app.request('POST', `/api/v1/plans/${queued.body.id}/edits`, { body: { type: 'lock', orderIds: [1] } });
    await app.request('POST', `/api/v1/plans/${queued.body.id}/cancel`);
    await app.queue.start();
    expect(refused.status).toBe(409);
    expect((await app.request('POST', '/api/v1/plans/987654/insertions', { body: { orderId: 1 } })).status).toBe(404);
  });
});
