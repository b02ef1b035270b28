import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { vehicleInput } from '../helpers/http';
import { planDate, readyOrder, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';
import type { DomainEvents } from '../../src/domain/events';

interface Reload { trip: number; afterSequence: number; location: [number, number]; arrival: string; departure: string; durationSeconds: number; load: { items: number }; arrivedAt: string | null; reloadedAt: string | null }
interface Stop { id: number; orderId: number; status: string; sequence: number; trip: number; plannedArrival: string; plannedDeparture: string; loadAfter: { items: number } }
interface Route { vehicleId: number; trips: number; reloads: Reload[]; stops: Stop[]; serviceSeconds: number }

describe.each(testDatabases())('multi-trip plans over HTTP on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('plans a van that holds 3 parcels for 8 orders as trips with reloads at its depot, each trip within capacity', async () => {
    const small = { capacity: { weightKg: 800, volumeL: 6000, items: 3 } };
    // Without a reload the van carries 3 of the 8.
    const plainDay = await seedDay(app, { vehicles: 1, orders: 8 });
    await app.request('PATCH', `/api/v1/vehicles/${plainDay.vehicleIds[0]}`, { body: small });
    const single = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: plainDay.depotId, timeLimitSeconds: 0.3 } });
    const one = await waitForPlan(app, single.body.id);
    expect(one.status).toBe('succeeded');
    expect(one.routes[0].trips).toBe(1);
    expect(one.routes[0].reloads).toEqual([]);
    expect(one.routes[0].stops).toHaveLength(3);
    expect(one.unassigned.map((entry: { reason: string }) => entry.reason)).toEqual(new Array(5).fill('capacity'));

    const { depotId, vehicleIds, orderIds } = await seedDay(app, { vehicles: 1, orders: 8 });
    const depot = (await app.request('GET', `/api/v1/depots/${depotId}`)).body;
    await app.request('PATCH', `/api/v1/vehicles/${vehicleIds[0]}`, { body: { ...small, reload: { serviceSeconds: 600 } } });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.6 } });
    expect(created.status).toBe(202);
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.status).toBe('succeeded');
    expect(plan.unassigned).toEqual([]);
    const route = plan.routes[0] as Route;
    expect(route.stops).toHaveLength(8);
    expect(route.trips).toBeGreaterThanOrEqual(3);
    expect(route.reloads).toHaveLength(route.trips - 1);
    route.reloads.forEach((reload, index) => {
      expect(reload.trip).toBe(index + 2);
      expect(reload.location).toEqual(depot.location);
      expect(reload.durationSeconds).toBe(600);
      expect((Date.parse(reload.departure) - Date.parse(reload.arrival)) / 1000).toBe(600);
      // The reload falls between the stops it separates.
      const before = route.stops[reload.afterSequence - 1]!;
      const after = route.stops[reload.afterSequence]!;
      expect(Date.parse(reload.arrival)).toBeGreaterThanOrEqual(Date.parse(before.plannedDeparture));
      expect(Date.parse(after.plannedArrival)).toBeGreaterThanOrEqual(Date.parse(reload.departure));
      expect(reload.load.items).toBeLessThanOrEqual(3);
    });
    // Each stop knows its trip, each trip serves at most what the van holds.
    const perTrip = new Map<number, number>();
    for (const stop of route.stops) perTrip.set(stop.trip, (perTrip.get(stop.trip) ?? 0) + 1);
    expect([...perTrip.keys()].sort()).toEqual(Array.from({ length: route.trips }, (_, k) => k + 1));
    for (const count of perTrip.values()) expect(count).toBeLessThanOrEqual(3);
    expect(route.stops.map((stop) => stop.trip)).toEqual([...route.stops.map((stop) => stop.trip)].sort((a, b) => a - b));

    // Stored: read back as planned.
    const again = (await app.request('GET', `/api/v1/plans/${plan.id}`)).body;
    expect(again.routes[0].reloads).toEqual(route.reloads);
  });
});

describe.each(testDatabases())('a multi-trip van on the road on $engine', (backend) => {
  let app: PlanningApp;
  /** The day before while planning, then the plan's day. */
  let nowMs = Date.parse(`${planDate}T00:00:00Z`) - 86_400_000;
  let planId: number;
  let route: Route & { id: number };
  let depotId: number;
  let driverToken: string;
  let otherToken: string;
  const reloadEvents: DomainEvents['route.reload_changed'][] = [];
  const at = (clock: string) => Date.parse(`${planDate}T${clock}:00+01:00`);
  const confirm = (trip: number | string, body: unknown, token = driverToken) => app.request('POST', `/api/v1/routes/${route.id}/reloads/${trip}`, { body, token });
  const complete = (stop: Stop) => app.request('POST', `/api/v1/stops/${stop.id}/complete`, { body: { idempotencyKey: `complete-${stop.id}`, recipientName: 'Ada' }, token: driverToken });
  const driver = async (vehicleId: number, username: string) => {
    await app.request('POST', '/api/v1/drivers', { body: { name: username, username, password: 'password-123', vehicleId } });
    return username;
  };
  // On the plan's day: a session started the day before would have run out.
  const login = async (username: string) => (await app.request('POST', '/api/v1/auth/login', { token: null, body: { username, password: 'password-123' } })).body.token as string;

  beforeAll(async () => {
    app = await startPlanningApp(backend, { clock: { nowMs: () => nowMs }, stops: true });
    const seeded = await seedDay(app, { vehicles: 1, orders: 8 });
    const { vehicleIds, orderIds } = seeded;
    depotId = seeded.depotId;
    await app.request('PATCH', `/api/v1/vehicles/${vehicleIds[0]}`, { body: { capacity: { weightKg: 800, volumeL: 6000, items: 3 }, reload: { serviceSeconds: 600 } } });
    const other = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depotId, { name: 'Other van' }) })).body.id;
    driverToken = await driver(vehicleIds[0]!, `reloader-${backend.engine}`);
    otherToken = await driver(other, `other-${backend.engine}`);
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, vehicleIds: [vehicleIds[0]], orderIds, timeLimitSeconds: 0.6 } });
    planId = (await waitForPlan(app, created.body.id)).id;
    nowMs = at('08:00');
    driverToken = await login(driverToken);
    otherToken = await login(otherToken);
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch`)).status).toBe(200);
    route = (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes[0];
    expect(route.trips).toBeGreaterThanOrEqual(3);
    app.commands.events.on('route.reload_changed', (event) => reloadEvents.push(event));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('the driver confirms a reload once trip 1 is done, at the depot and then loaded, each once and only on their own route', async () => {
    const reload = route.reloads[0]!;
    expect(reload).toMatchObject({ trip: 2, arrivedAt: null, reloadedAt: null });
    const early = await confirm(2, { step: 'arrived' });
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.error.details[0].path).toBe('trip');

    nowMs = at('10:00');
    for (const stop of route.stops.filter((candidate) => candidate.trip === 1)) expect((await complete(stop)).status).toBe(200);

    const refusals = [
      [await confirm(2, { step: 'arrived' }, otherToken), 403, 'id'],
      [await confirm(99, { step: 'arrived' }), 404, 'trip'],
      [await confirm('second', { step: 'arrived' }), 400, 'trip'],
      [await confirm(1, { step: 'arrived' }), 400, 'trip'],
      [await confirm(2, { step: 'teleported' }), 400, 'step'],
      [await confirm(2, {}), 400, 'step'],
      // Trip 3 waits for trip 2.
      [await confirm(3, { step: 'reloaded' }), 409, 'trip'],
    ] as const;
    for (const [reply, status, path] of refusals) {
      expect(reply.status, JSON.stringify(reply.body)).toBe(status);
      // Input errors say where the field is (path.trip, body.step), the command's refusals name it.
      expect(reply.body.error.details.map((detail: { path: string }) => detail.path.replace(/^(path|body)\./, ''))).toContain(path);
    }
    expect(reloadEvents).toEqual([]);

    nowMs = at('10:05');
    const arrived = await confirm(2, { step: 'arrived' });
    expect(arrived.status).toBe(200);
    expect(arrived.body).toEqual({ routeId: route.id, trip: 2, arrivedAt: '2026-11-24T10:05:00+01:00', reloadedAt: null });
    const twice = await confirm(2, { step: 'arrived' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details[0].path).toBe('step');

    nowMs = at('10:15');
    const loaded = await confirm(2, { step: 'reloaded' });
    expect(loaded.body).toEqual({ routeId: route.id, trip: 2, arrivedAt: '2026-11-24T10:05:00+01:00', reloadedAt: '2026-11-24T10:15:00+01:00' });
    expect((await confirm(2, { step: 'reloaded' })).status).toBe(409);
    expect((await confirm(2, { step: 'arrived' })).status).toBe(409);

    // Logged with the route, published after commit, shown to the driver and to the office.
    const logged = await app.database.knex('route_events').where({ route_id: route.id }).orderBy('id');
    expect(logged.map((row) => [row.type, row.data, Number(row.at_epoch)])).toEqual([
      ['reload_arrived', { trip: 2 }, at('10:05') / 1000],
      ['reloaded', { trip: 2 }, at('10:15') / 1000],
    ]);
    expect(reloadEvents.map((event) => [event.trip, event.arrivedAtEpoch, event.reloadedAtEpoch])).toEqual([
      [2, at('10:05') / 1000, null],
      [2, at('10:05') / 1000, at('10:15') / 1000],
    ]);
    const day = (await app.request('GET', '/api/v1/driver/route', { token: driverToken })).body;
    expect(day.route.reloads[0]).toMatchObject({ trip: 2, arrivedAt: '2026-11-24T10:05:00+01:00', reloadedAt: '2026-11-24T10:15:00+01:00' });
    const plan = (await app.request('GET', `/api/v1/plans/${planId}`)).body;
    expect(plan.routes[0].reloads[0]).toMatchObject({ trip: 2, arrivedAt: '2026-11-24T10:05:00+01:00', reloadedAt: '2026-11-24T10:15:00+01:00' });
    expect(plan.version).toBe((await app.request('GET', `/api/v1/plans/${planId}`)).body.version);
  });

  it('plan again on trip 2 keeps the stops done and the reload behind the van, and plans the rest from the depot after it', async () => {
    const before = (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes[0] as Route;
    const firstOfTrip2 = before.stops.find((stop) => stop.trip === 2)!;
    nowMs = at('10:40');
    expect((await complete(firstOfTrip2)).status).toBe(200);
    const done = before.stops.filter((stop) => stop.trip === 1 || stop.id === firstOfTrip2.id).map((stop) => stop.orderId);

    const proposal = (await app.request('POST', `/api/v1/plans/${planId}/replan`, { body: { timeLimitSeconds: 0.3 } })).body;
    const accepted = await app.request('POST', `/api/v1/plans/${planId}/replan/${proposal.proposalId}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const after = (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes[0] as Route;

    expect(after.stops.slice(0, done.length).map((stop) => [stop.orderId, stop.status])).toEqual(done.map((orderId) => [orderId, 'completed']));
    expect(after.stops).toHaveLength(8);
    // The confirmed reload stays where it was, with its times; the stops after it are on trip 2 and later.
    expect(after.reloads[0]).toEqual(before.reloads[0]);
    expect(after.stops.slice(0, done.length).map((stop) => stop.trip)).toEqual(before.stops.slice(0, done.length).map((stop) => stop.trip));
    expect(after.stops.slice(done.length).every((stop) => stop.trip >= 2)).toBe(true);
    const perTrip = new Map<number, number>();
    for (const stop of after.stops) perTrip.set(stop.trip, (perTrip.get(stop.trip) ?? 0) + 1);
    for (const count of perTrip.values()) expect(count).toBeLessThanOrEqual(3);
    expect(after.trips).toBe(after.reloads.length + 1);
    after.reloads.forEach((reload, index) => expect(reload.trip).toBe(index + 2));
    // Nothing pending is planned before the van is loaded again.
    const pending = after.stops.filter((stop) => stop.status === 'pending');
    expect(Math.min(...pending.map((stop) => Date.parse(stop.plannedArrival)))).toBeGreaterThanOrEqual(at('10:40'));
  });

  it('a live insertion after a confirmation keeps it, also when the routes were read before it', async () => {
    const before = (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes[0] as Route;
    nowMs = at('11:30');
    for (const stop of before.stops.filter((candidate) => candidate.trip === 2 && candidate.status === 'pending')) expect((await complete(stop)).status).toBe(200);
    // The first insertion reads the plan's routes (and keeps them between insertions); its window is gone.
    const gone = await readyOrder(app, depotId, 'late-1', [8.69, 49.41], { start: `${planDate}T09:00:00+01:00`, end: `${planDate}T10:00:00+01:00` });
    expect((await app.request('POST', `/api/v1/plans/${planId}/insertions`, { body: { orderId: gone } })).body.inserted).toBe(false);
    expect((await confirm(3, { step: 'arrived' })).status).toBe(200);

    // Room for one more parcel on the trip under way, whatever the split planned.
    await app.request('PATCH', `/api/v1/vehicles/${route.vehicleId}`, { body: { capacity: { weightKg: 800, volumeL: 6000, items: 4 } } });
    const inserted = await app.request('POST', `/api/v1/plans/${planId}/insertions`, { body: { orderId: await readyOrder(app, depotId, 'late-2', [8.68, 49.405]) } });
    expect(inserted.body.inserted, JSON.stringify(inserted.body)).toBe(true);
    const after = (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes[0] as Route;
    expect(after.reloads[0]).toMatchObject({ trip: 2, reloadedAt: '2026-11-24T10:15:00+01:00' });
    expect(after.reloads[1]).toMatchObject({ trip: 3, arrivedAt: '2026-11-24T11:30:00+01:00', reloadedAt: null });
    expect(after.stops.filter((stop) => stop.trip === 3 && stop.status === 'pending').length).toBeLessThanOrEqual(4);
  });
});
