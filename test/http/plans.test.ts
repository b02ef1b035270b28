import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { planDate, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

describe.each(testDatabases())('plans over HTTP on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('plans a day: 202, progress, routes with planned times, GeoJSON, orders planned, then dispatch freezes ETAs', async () => {
    const { depotId, vehicleIds, orderIds } = await seedDay(app);
    const statuses: string[] = [];
    app.events.on('plan.status_changed', ({ status }) => statuses.push(status));
    const progress: { planId: number; progress: { bestCost: number; elapsedMs: number } }[] = [];
    app.events.on('plan.progress', (event) => progress.push(event));
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, timeLimitSeconds: 0.6 } });
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/api/v1/plans/${created.body.id}`);
    expect(created.body).toMatchObject({ status: 'queued', version: 1, minimize: 'cost', orderCount: orderIds.length, vehicleIds });

    const plan = await waitForPlan(app, created.body.id);
    expect(plan.status).toBe('succeeded');
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((event) => event.planId === plan.id && event.progress.bestCost >= 0)).toBe(true);
    const elapsed = progress.map((event) => event.progress.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
    const stops = plan.routes.flatMap((route: { stops: unknown[] }) => route.stops);
    expect(stops.length + plan.unassigned.length).toBe(orderIds.length);
    expect(stops.length).toBe(orderIds.length);
    for (const route of plan.routes) {
      expect(route.stops.map((stop: { sequence: number }) => stop.sequence)).toEqual(route.stops.map((_: unknown, k: number) => k + 1));
      expect(route.distanceMeters).toBeGreaterThan(0);
      for (const stop of route.stops) {
        expect(Date.parse(stop.serviceStart)).toBeGreaterThanOrEqual(Date.parse(stop.promisedWindows[0].start));
        expect(Date.parse(stop.serviceStart)).toBeLessThanOrEqual(Date.parse(stop.promisedWindows[0].end));
        expect(Date.parse(stop.plannedDeparture)).toBeGreaterThan(Date.parse(stop.plannedArrival));
        expect(stop.dispatchedEta).toBeNull();
      }
    }
    expect(plan.totals.stops).toBe(orderIds.length);
    // Paid hours: each route's departure to return; the van leaves late enough not to wait at its first stop.
    for (const route of plan.routes) {
      expect(route.paidSeconds).toBe((Date.parse(route.arrival) - Date.parse(route.departure)) / 1000);
      expect(route.stops[0].waitingSeconds).toBe(0);
    }
    expect(plan.totals.paidSeconds).toBe(plan.routes.reduce((total: number, route: { paidSeconds: number }) => total + route.paidSeconds, 0));

    const geo = await app.request('GET', `/api/v1/plans/${plan.id}?format=geojson`);
    expect(geo.headers.get('content-type')).toContain('application/geo+json');
    expect(geo.body.type).toBe('FeatureCollection');
    expect(geo.body.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'stop')).toHaveLength(orderIds.length);

    const order = (await app.request('GET', `/api/v1/orders/${orderIds[0]}`)).body;
    expect(order.status).toBe('planned');
    expect(vehicleIds).toContain(order.assignedVehicleId);

    const listed = await app.request('GET', `/api/v1/plans?date=${planDate}&depotId=${depotId}`);
    expect(listed.body.items.map((item: { id: number }) => item.id)).toContain(plan.id);

    const dispatched = await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`);
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.status).toBe('dispatched');
    const after = (await app.request('GET', `/api/v1/plans/${plan.id}`)).body;
    for (const stop of after.routes.flatMap((route: { stops: unknown[] }) => route.stops)) expect(stop.dispatchedEta).toBe(stop.plannedArrival);
    const events = (await app.request('GET', `/api/v1/orders/${orderIds[0]}/events`)).body.items;
    expect(events.map((event: { toStatus: string }) => event.toStatus)).toEqual(['received', 'ready', 'planned', 'dispatched']);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`)).status).toBe(409);
  });

  it('refuses orders already planned with 409 naming them, bad input with 400 listing every issue, unknown plans with 404', async () => {
    const { depotId, orderIds } = await seedDay(app, { orders: 3 });
    const first = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.1 } });
    await waitForPlan(app, first.body.id);
    const again = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.1 } });
    expect(again.status).toBe(409);
    expect(again.body.error.details.map((detail: { orderId: number }) => detail.orderId)).toEqual(orderIds);

    const bad = await app.request('POST', '/api/v1/plans', { body: { date: '24.11.2026', depotId: 'one', timeLimitSeconds: -1, options: { minimize: 'fastest' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body.date', 'body.depotId', 'body.options.minimize', 'body.timeLimitSeconds']);
    const unknown = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, vehicleIds: [999], orderIds: [998] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['vehicleIds[0]', 'orderIds[0]']);
    expect((await app.request('GET', '/api/v1/plans/4242')).status).toBe(404);
  });

  it('cancels a queued plan: nothing stored, orders stay ready', async () => {
    const { depotId, orderIds } = await seedDay(app, { orders: 3 });
    await app.queue.stop();
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.1 } });
    const cancelled = await app.request('POST', `/api/v1/plans/${created.body.id}/cancel`);
    await app.queue.start();
    expect(cancelled.body.status).toBe('cancelled');
    const plan = (await app.request('GET', `/api/v1/plans/${created.body.id}`)).body;
    expect(plan.routes).toEqual([]);
    expect((await app.request('GET', `/api/v1/orders/${orderIds[0]}`)).body.status).toBe('ready');
    expect((await app.request('POST', `/api/v1/plans/${created.body.id}/cancel`)).status).toBe(409);
  });
});
