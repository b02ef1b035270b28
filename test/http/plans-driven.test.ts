import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { localDayRange, toIsoInZone } from '../../src/domain/time';
import { haversineMeters } from '../../src/routing/haversine';
import { DrivenDistance } from '../../src/tracking/driven-distance';
import { testDatabases } from '../helpers/database';
import { depotInput, vehicleInput } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';
import type { Position } from '../../src/domain/model/position';

const timeZone = depotInput.timeZone;
const planDate = '2026-11-24';
/** The app's clock: the day before while planning, then the morning of the plan's day from the dispatch on. */
let nowMs = Date.parse('2026-11-23T12:00:00Z');

describe.each(testDatabases())('km driven on a dispatched plan, from the breadcrumbs, on $engine', (backend) => {
  let app: PlanningApp;
  let planId: number;
  let vehicleIds: number[];
  let otherVehicleId: number;

  beforeAll(async () => {
    app = await startPlanningApp(backend, { clock: { nowMs: () => nowMs } });
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    vehicleIds = [];
    for (const name of ['Van 1', 'Van 2']) vehicleIds.push((await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { name, capacity: { weightKg: 800, volumeL: 6000, items: 3 } }) })).body.id);
    // Not in the plan: whatever it drives is not the plan's.
    otherVehicleId = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { name: 'Spare' }) })).body.id;
    const [dayStart] = localDayRange(planDate, timeZone);
    const window = { start: toIsoInZone(dayStart + 9 * 3600, timeZone), end: toIsoInZone(dayStart + 16 * 3600, timeZone) };
    for (let k = 0; k < 6; k++) {
      const location: [number, number] = [8.6724 + 0.02 * Math.cos(k), 49.4093 + 0.012 * Math.sin(k)];
      const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(k, { externalRef: `driven-${k}`, location, timeWindows: [window] }), depotId: depot.id } });
      await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } });
    }
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: depot.id, vehicleIds, timeLimitSeconds: 0.2 } });
    expect(created.status).toBe(202);
    planId = (await waitForPlan(app, created.body.id)).id;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  const fix = (vehicleId: number, recordedAt: number, location: [number, number], accuracyMeters = 8): Position => ({ vehicleId, recordedAt, location, accuracyMeters, speedMetersPerSecond: null, headingDegrees: null });
  /** `count` fixes eastwards from `from`, `stepMeters` apart every `stepSeconds`. */
  const drive = (vehicleId: number, startEpoch: number, from: [number, number], count: number, stepMeters: number, stepSeconds: number) => {
    const degreesPerMeter = 1 / (111_320 * Math.cos((from[1] * Math.PI) / 180));
    return Array.from({ length: count }, (_, index) => fix(vehicleId, startEpoch + index * stepSeconds, [from[0] + index * stepMeters * degreesPerMeter, from[1]]));
  };

  it('is null before dispatch', async () => {
    const plan = (await app.request('GET', `/api/v1/plans/${planId}`)).body;
    expect(plan.drivenMeters).toBeNull();
    expect(plan.routes.map((route: { drivenMeters: number | null }) => route.drivenMeters)).toEqual(plan.routes.map(() => null));
  });

  it('sums what each van drove since dispatch, without GPS jitter, bad fixes or other vans', async () => {
    const repos = repositories(app.commands.db);
    const [van1, van2] = vehicleIds as [number, number];
    nowMs = (localDayRange(planDate, timeZone)[0] + 8 * 3600) * 1000;
    const beforeDispatch = nowMs / 1000 - 60;
    // Driven before dispatch: not part of the plan.
    await repos.positions.insertBreadcrumbs(drive(van2, beforeDispatch - 600, [8.6, 49.4], 10, 500, 30));
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch`)).status).toBe(200);
    const dispatched = Math.ceil(nowMs / 1000) + 1;

    // Van 1: 1 km east in 100 m steps at 10 m/s, then parked for 3 minutes with fixes wandering by up to 6 m.
    const driven = drive(van1, dispatched, [8.68, 49.41], 11, 100, 10);
    const parkedAt = driven[driven.length - 1]!;
    const parked = Array.from({ length: 18 }, (_, index) => fix(van1, parkedAt.recordedAt + 10 * (index + 1), [parkedAt.location[0] + (index % 2 ? 0.00008 : -0.00008), parkedAt.location[1] + (index % 3 ? 0.00003 : 0)], 10));
    const lastEpoch = parked[parked.length - 1]!.recordedAt;
    // A vague fix (300 m accuracy) far away, and a jump of 3 km in 2 s with a confident accuracy: neither is driving.
    const vague = fix(van1, lastEpoch + 1, [8.75, 49.44], 300);
    const jump = fix(van1, lastEpoch + 2, [8.72, 49.41], 5);
    // Van 2: 600 m in 4 steps; a spare van not in the plan drives too.
    const van2Trail = drive(van2, dispatched, [8.66, 49.40], 5, 150, 15);
    const spare = drive(otherVehicleId, dispatched, [8.7, 49.42], 20, 200, 20);
    await repos.positions.insertBreadcrumbs([...driven, ...parked, vague, jump, ...van2Trail, ...spare]);

    const plan = (await app.request('GET', `/api/v1/plans/${planId}`)).body;
    const expectedVan1 = haversineMeters(driven[0]!.location, parkedAt.location);
    const expectedVan2 = haversineMeters(van2Trail[0]!.location, van2Trail[van2Trail.length - 1]!.location);
    expect(expectedVan1).toBeCloseTo(1000, -1);
    const drivenOf = (vehicleId: number) => plan.routes.find((route: { vehicleId: number }) => route.vehicleId === vehicleId).drivenMeters;
    expect(drivenOf(van1)).toBeCloseTo(expectedVan1, 0);
    expect(drivenOf(van2)).toBeCloseTo(expectedVan2, 0);
    expect(plan.drivenMeters).toBeCloseTo(expectedVan1 + expectedVan2, 0);

    // Later fixes of van 1 driving on from where it parked count from there.
    const onwards = drive(van1, lastEpoch + 60, parkedAt.location, 3, 200, 20).slice(1);
    await repos.positions.insertBreadcrumbs(onwards);
    const later = (await app.request('GET', `/api/v1/plans/${planId}`)).body;
    expect(later.drivenMeters).toBeCloseTo(expectedVan1 + expectedVan2 + haversineMeters(parkedAt.location, onwards[1]!.location), 0);
  });

  it('does not add up the noise of fixes a second apart', async () => {
    const repos = repositories(app.commands.db);
    const van2 = vehicleIds[1]!;
    const drivenOf = async () => (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes.find((route: { vehicleId: number }) => route.vehicleId === van2).drivenMeters as number;
    const before = await drivenOf();
    const last = (await repos.positions.breadcrumbs(van2, 0, nowMs / 1000 + 3600)).at(-1)!;
    // 2 km east at 10 m/s, a fix every second, each up to 5 m off in a pseudo-random direction.
    const degreesPerMeter = 1 / (111_320 * Math.cos((last.location[1] * Math.PI) / 180));
    const noisy = Array.from({ length: 201 }, (_, index) => {
      const angle = Math.sin(index * 12.9898) * 43_758.5453;
      const offMeters = 5 * Math.abs(Math.sin(index * 78.233));
      return fix(van2, last.recordedAt + 60 + index, [last.location[0] + (10 * index + offMeters * Math.cos(angle)) * degreesPerMeter, last.location[1] + (offMeters * Math.sin(angle)) / 111_320]);
    });
    await repos.positions.insertBreadcrumbs(noisy);
    // From where it stopped to the drive's start is counted too.
    const expected = haversineMeters(last.location, noisy[0]!.location) + 2000;
    expect(Math.abs((await drivenOf()) - before - expected) / expected).toBeLessThan(0.02);
  });

  it('counts on from its last read as a fresh count would, and takes in a late fix at its next rebuild', async () => {
    const repos = repositories(app.commands.db);
    const plan = (await repos.plans.findById(planId))!;
    const routes = await repos.routes.listForPlan(planId);
    const [van1, van2] = vehicleIds as [number, number];
    const lastOf = async (vehicleId: number) => (await repos.positions.breadcrumbs(vehicleId, 0, nowMs / 1000 + 86_400)).at(-1)!;
    const [last1, last2] = [await lastOf(van1), await lastOf(van2)];
    const lastEpoch = Math.max(last1.recordedAt, last2.recordedAt);
    let clockMs = (lastEpoch + 120) * 1000;
    const kept = new DrivenDistance(() => clockMs);
    const read = (distance: DrivenDistance) => distance.byVehicle(repos, plan, routes, timeZone);
    const fresh = () => read(new DrivenDistance(() => clockMs));

    expect(await read(kept)).toEqual(await fresh());
    // Van 1 drives on after the last read: counted at once, then again once those fixes are settled.
    await repos.positions.insertBreadcrumbs(drive(van1, lastEpoch + 200, last1.location, 6, 100, 10));
    expect(await read(kept)).toEqual(await fresh());
    clockMs += 5 * 60_000;
    const settled = await read(kept);
    expect(settled).toEqual(await fresh());

    // Van 2's phone replays fixes from before the counted time: left out until the plan's odometers are rebuilt.
    await repos.positions.insertBreadcrumbs(drive(van2, lastEpoch + 130, last2.location, 5, 100, 10));
    const late = await fresh();
    expect(late!.get(van2)).toBeGreaterThan(settled!.get(van2)! + 350);
    expect((await read(kept))!.get(van2)).toBeCloseTo(settled!.get(van2)!, 6);
    clockMs += 10 * 60_000;
    expect(await read(kept)).toEqual(await fresh());
  });
});
