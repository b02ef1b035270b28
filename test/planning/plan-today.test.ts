/**
 * A day on a pinned clock, early, mid-day and late, on an ordinary day and on both days Europe/Berlin changes
 * its offset: planning "today" never starts a route before now, live insertion never before now and answers 409
 * once every shift is over, and live ETAs are counted from now. Nothing here reads the system clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock';
import { localClockEpochSeconds, toIsoInZone } from '../../src/domain/time';
import { createLogger } from '../../src/logger';
import { EtaEngine } from '../../src/reactions/live-etas';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases } from '../helpers/database';
import { depotInput, vehicleInput } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startPlanningApp, waitForPlan, type PlanningApp } from './fixtures';

const timeZone = 'Europe/Berlin';
const at = (date: string, clock: string) => {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return localClockEpochSeconds(date, hours * 3600 + minutes * 60, timeZone);
};
const iso = (date: string, clock: string) => toIsoInZone(at(date, clock), timeZone);

// An ordinary day, the day clocks go back (25 h) and the day they go forward (23 h).
const days = ['2026-11-24', '2026-10-25', '2027-03-28'];
const clocks = ['05:00', '13:00', '23:30'];
const cases = days.flatMap((date) => clocks.map((clock) => ({ date, clock })));

interface StopWire { orderId: number; plannedArrival: string; serviceStart: string; liveEta: string | null }
interface RouteWire { vehicleId: number; departure: string; stops: StopWire[] }

describe.each(testDatabases())('a day on a pinned clock on $engine', (backend) => {
  let app: PlanningApp;
  let nowMs = 0;
  const clock: Clock = { nowMs: () => nowMs };
  const setClock = (date: string, time: string) => (nowMs = at(date, time) * 1000);
  let batch = 0;

  beforeAll(async () => {
    app = await startPlanningApp(backend, { clock });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function readyOrder(depotId: number, ref: string, k: number, window: { start: string; end: string }) {
    const location: [number, number] = [8.6724 + 0.012 * Math.cos(k), 49.4093 + 0.008 * Math.sin(k)];
    const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(k, { externalRef: ref, location, timeWindows: [window] }), depotId } });
    expect(created.status).toBe(201);
    await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } });
    return created.body.id as number;
  }

  async function plan(date: string, depotId: number, vehicleIds: number[]) {
    const created = await app.request('POST', '/api/v1/plans', { body: { date, depotId, vehicleIds, timeLimitSeconds: 0.2 } });
    expect(created.status).toBe(202);
    return waitForPlan(app, created.body.id);
  }

  it.each(cases)('plans, inserts and estimates on $date at $clock', async ({ date, clock: time }) => {
    const ref = `c${++batch}`;
    setClock(date, time);
    const depot = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, name: `Depot ${ref}` } })).body;
    const vehicleIds: number[] = [];
    for (let v = 0; v < 2; v++) vehicleIds.push((await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { name: `Van ${v + 1}`, shift: { start: '08:00', end: '17:00' } }) })).body.id);
    const morning = { start: iso(date, '09:00'), end: iso(date, '12:00') };
    const afternoon = { start: iso(date, '13:30'), end: iso(date, '16:00') };
    const orderIds: number[] = [];
    for (let k = 0; k < 6; k++) orderIds.push(await readyOrder(depot.id, `${ref}-${k}`, k, k % 2 === 0 ? morning : afternoon));

    // Planning today at the pinned clock.
    let planned = await plan(date, depot.id, vehicleIds);
    const nowEpoch = () => nowMs / 1000;
    if (time === '23:30') {
      expect(planned.status).toBe('failed');
      expect(planned.error).toMatchObject({ code: 'conflict', message: `Every shift of depot ${depot.id} on ${date} ended at 17:00` });
      // Planned in the morning instead, so there is a dispatched day to insert into at 23:30.
      setClock(date, '05:00');
      planned = await plan(date, depot.id, vehicleIds);
      setClock(date, time);
    }
    expect(planned.status).toBe('succeeded');
    const routes = planned.routes as RouteWire[];
    const planStartEpoch = time === '13:00' ? nowEpoch() : at(date, '08:00');
    for (const route of routes) {
      // Shifts start at 08:00 on the clock, also on a day of 23 or 25 hours; never before the plan was made.
      expect(Date.parse(route.departure) / 1000).toBeGreaterThanOrEqual(planStartEpoch);
      // Before the shift a van leaves at its start or later (as late as its first window allows), never earlier.
      if (time !== '13:00') expect(Date.parse(route.departure)).toBeGreaterThanOrEqual(Date.parse(iso(date, '08:00')));
      for (const stop of route.stops) expect(Date.parse(stop.plannedArrival) / 1000).toBeGreaterThanOrEqual(planStartEpoch);
    }
    const plannedOrders = routes.flatMap((route) => route.stops.map((stop) => stop.orderId));
    // At 13:00 the morning windows have closed: those orders are left out, the afternoon ones planned.
    expect(plannedOrders.sort()).toEqual(time === '13:00' ? orderIds.filter((_, k) => k % 2 === 1).sort() : [...orderIds].sort());

    const dispatched = await app.request('POST', `/api/v1/plans/${planned.id}/dispatch?force=true`, { body: { confirm: true } });
    expect(dispatched.status).toBe(200);

    // Live insertion at the pinned clock.
    const urgent = await readyOrder(depot.id, `${ref}-urgent`, 7, afternoon);
    const inserted = await app.request('POST', `/api/v1/plans/${planned.id}/insertions`, { body: { orderId: urgent } });
    if (time === '23:30') {
      expect(inserted.status).toBe(409);
      expect(inserted.body.error).toMatchObject({ code: 'conflict', message: `Every shift of depot ${depot.id} on ${date} ended at 17:00` });
      expect(inserted.body.error.details).toHaveLength(routes.length);
      // Re-optimizing routes whose shifts are over is the same 409, not a solver failure.
      const reoptimized = await app.request('POST', `/api/v1/plans/${planned.id}/reoptimize`, { body: { timeLimitSeconds: 0.2 } });
      expect(reoptimized.status).toBe(409);
      expect(reoptimized.body.error.message).toContain(`on ${date} ended at 17:00`);
    } else {
      expect(inserted.status).toBe(200);
      expect(inserted.body.inserted).toBe(true);
      const stop = (inserted.body.route as RouteWire).stops.find((candidate) => candidate.orderId === urgent)!;
      expect(Date.parse(stop.plannedArrival) / 1000).toBeGreaterThanOrEqual(nowEpoch());
      expect(Date.parse(stop.serviceStart)).toBeGreaterThanOrEqual(Date.parse(afternoon.start));
    }

    // Live ETAs from a position reported now at the depot.
    const engine = new EtaEngine(app.commands, createHaversineProvider(), createLogger('silent'), { throttleSeconds: 0, geofenceMeters: 0 });
    try {
      const vehicleId = routes.find((route) => route.stops.length > 0)!.vehicleId;
      await engine.update({ vehicleId, recordedAt: nowEpoch(), location: depotInput.location as [number, number], accuracyMeters: 5, speedMetersPerSecond: 10, headingDegrees: 0 }, nowEpoch());
      const after = (await app.request('GET', `/api/v1/plans/${planned.id}`)).body.routes as RouteWire[];
      const etas = after.find((route) => route.vehicleId === vehicleId)!.stops.map((stop) => stop.liveEta);
      expect(etas.length).toBeGreaterThan(0);
      for (const eta of etas) expect(Date.parse(eta!) / 1000).toBeGreaterThan(nowEpoch());
    } finally {
      engine.close();
    }
  });
});
