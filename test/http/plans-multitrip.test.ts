import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { planDate, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

interface Reload { trip: number; afterSequence: number; location: [number, number]; arrival: string; departure: string; durationSeconds: number; load: { items: number } }
interface Stop { sequence: number; trip: number; plannedArrival: string; plannedDeparture: string; loadAfter: { items: number } }
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
