/**
 * A plan of today made after the shifts began starts its routes now, not at a shift start already past (which
 * promised customers arrivals before the plan existed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock';
import { localDate, localDayRange, toIsoInZone } from '../../src/domain/time';
import { testDatabases } from '../helpers/database';
import { depotInput, vehicleInput } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startPlanningApp, waitForPlan, type PlanningApp } from './fixtures';

/** A fixed-offset zone in which it is now between 10:00 and 11:00: the shifts (06:00–22:00) began hours ago. */
const utcHour = new Date().getUTCHours();
const offsetHours = ((10 - utcHour + 36) % 24) - 12;
const timeZone = offsetHours === 0 ? 'Etc/GMT' : `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;

describe.each(testDatabases())('a plan of today on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend, { clock: systemClock });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('leaves the depot now, and promises no arrival before the plan was made', async () => {
    const today = localDate(timeZone, Date.now() / 1000);
    const [dayStart] = localDayRange(today, timeZone);
    const depot = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, name: 'Today', timeZone } })).body;
    const vehicle = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { shift: { start: '06:00', end: '22:00' } }) })).body;
    const window = { start: toIsoInZone(dayStart + 6 * 3600, timeZone), end: toIsoInZone(dayStart + 22 * 3600, timeZone) };
    const orderIds: number[] = [];
    for (let k = 0; k < 3; k++) {
      const location: [number, number] = [8.6724 + 0.01 * Math.cos(k), 49.4093 + 0.01 * Math.sin(k)];
      const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(k, { externalRef: `today-${k}`, location, timeWindows: [window] }), depotId: depot.id } });
      await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } });
      orderIds.push(created.body.id);
    }
    const requestedAtMs = Date.now();
    const created = await app.request('POST', '/api/v1/plans', { body: { date: today, depotId: depot.id, vehicleIds: [vehicle.id], orderIds, timeLimitSeconds: 0.2 } });
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.status).toBe('succeeded');
    const [route] = plan.routes as { departure: string; stops: { plannedArrival: string }[] }[];
    expect(route!.stops).toHaveLength(3);
    // Shift start was 06:00, hours ago; the plan leaves within the minute it was made.
    expect(Date.parse(route!.departure)).toBeGreaterThanOrEqual(requestedAtMs - 60_000);
    expect(Date.parse(route!.departure)).toBeLessThan(requestedAtMs + 120_000);
    for (const stop of route!.stops) expect(Date.parse(stop.plannedArrival)).toBeGreaterThan(requestedAtMs - 60_000);
  });
});
