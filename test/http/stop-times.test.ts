/**
 * Truthful stop times at the API: the expected service start is the arrival or the window start when the van
 * waits; a delay flag only while that start is past the window end (the same minutes the delay alert names); a
 * done stop shows its actual time and no estimate. The driver's day, the tracking page and the plan's routes agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { toIsoInZone } from '../../src/domain/time';
import { presentRoute } from '../../src/http/presenters/plan.presenter';
import { driverRouteMount } from '../../src/http/routes/driver-route.routes';
import { trackingMount } from '../../src/http/routes/tracking.routes';
import { createLogger } from '../../src/logger';
import type { DriverDay } from '../../src/protocol/driver-route';
import type { TrackingView } from '../../src/protocol/tracking';
import { raiseAndResolveAlerts, type AlertReactions } from '../../src/reactions/alerts';
import { EtaEngine } from '../../src/reactions/live-etas';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { dispatchRoute, seedFleet, startNode, type DispatchedRoute, type Fleet, type Node } from '../realtime/harness';

const timeZone = 'Europe/Berlin';
// 2026-06-15 10:00 in Heidelberg, pinned.
const now = Date.UTC(2026, 5, 15, 8, 0, 0) / 1000;
const start = now - 3600;
const origin: [number, number] = [8.6724, 49.4093];

describe.each(testDatabases())('stop times on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let route: DispatchedRoute;
  let engine: EtaEngine;
  let alerts: AlertReactions;
  const clockMs = { value: now * 1000 };
  const routing = createHaversineProvider();

  const driverDay = async () => {
    const reply = await node.request<DriverDay>('GET', '/api/v1/driver/route', undefined, fleet.driverTokens[0]);
    expect(reply.status).toBe(200);
    return reply.body.route!.stops;
  };
  const tracking = async (index: number) => (await node.request<TrackingView>('GET', `/api/v1/track/${fleet.orders[index]!.trackingToken}`)).body;
  const report = (location: [number, number], atEpoch: number) =>
    engine.update({ vehicleId: fleet.vehicleIds[0], recordedAt: atEpoch, location, accuracyMeters: 5, speedMetersPerSecond: 10, headingDegrees: 90 }, atEpoch);

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10 }, clock: { nowMs: () => clockMs.value } }, (commands) => [
      driverRouteMount(commands, routing),
      trackingMount(commands, { linkTtlSeconds: 3600, routing, publicUrl: 'http://lastmile.example' }),
    ]);
    fleet = await seedFleet(node);
    // Stop 1 planned at start + 600 s, its window opens at start + 1800 s and closes 30 min from now;
    // stop 2 planned at start + 1200 s in a window open since the start, closing in an hour.
    route = await dispatchRoute(node, fleet, {
      startEpoch: start,
      windowOf: (index) => (index === 0 ? { startEpochSeconds: start + 1800, endEpochSeconds: now + 1800 } : { startEpochSeconds: start, endEpochSeconds: now + 3600 }),
    });
    // The harness writes the route only; the tracking page finds a stop through its dispatched plan.
    await node.commands.db('plans').update({ status: 'dispatched' });
    engine = new EtaEngine(node.commands, routing, createLogger('silent'), { throttleSeconds: 0, publishStepSeconds: 1 });
    alerts = raiseAndResolveAlerts(node.commands);
  });
  afterAll(async () => {
    engine.close();
    alerts.stop();
    await alerts.idle();
    await node.close();
    await database.dispose();
  });

  it('expects service at the window start when the van arrives early, at the arrival otherwise', async () => {
    const [first, second] = await driverDay();
    expect(first!.times).toEqual({
      basis: 'expected',
      arrival: toIsoInZone(start + 600, timeZone),
      serviceStart: toIsoInZone(start + 1800, timeZone),
      done: null,
      window: { start: toIsoInZone(start + 1800, timeZone), end: toIsoInZone(now + 1800, timeZone) },
      delayMinutes: null,
    });
    expect(second!.times).toMatchObject({ arrival: toIsoInZone(start + 1200, timeZone), serviceStart: toIsoInZone(start + 1200, timeZone), delayMinutes: null });
    expect((await tracking(0)).times).toEqual(first!.times);

    // The plan's routes say the same.
    const stored = (await repositories(node.commands.db).etas.activeRoute(fleet.vehicleIds[0]))!;
    expect(presentRoute(stored, timeZone).stops.map((stop) => stop.times)).toEqual([first!.times, second!.times]);
  });

  it('flags a delay while the expected service start is past the window end, with the minutes the alert names', async () => {
    // Some 50 km away: the first stop cannot be reached before its window closes.
    await report([origin[0] - 0.6, origin[1]], now);
    await alerts.idle();
    const [first] = await driverDay();
    const etaEpoch = Date.parse(first!.times.arrival!) / 1000;
    expect(etaEpoch).toBeGreaterThan(now + 1800);
    const minutes = Math.ceil((etaEpoch - (now + 1800)) / 60);
    expect(first!.times).toMatchObject({ basis: 'expected', serviceStart: first!.times.arrival, delayMinutes: minutes });
    expect((await tracking(0)).times?.delayMinutes).toBe(minutes);
    const open = await repositories(node.commands.db).alerts.listUnresolvedDelaysOfVehicle(fleet.vehicleIds[0]);
    expect(open.map((alert) => [alert.subject.id, alert.data.minutesLate])).toContainEqual([route.stopIds[0], minutes]);
  });

  it('clears the flag and the alert once the expected service start is back inside the window', async () => {
    await report(origin, now + 60);
    await alerts.idle();
    const [first] = await driverDay();
    // Early again: it waits for the window to open, then is on time.
    expect(Date.parse(first!.times.arrival!) / 1000).toBeLessThan(now + 1800);
    expect(first!.times.delayMinutes).toBeNull();
    expect(await repositories(node.commands.db).alerts.listUnresolvedDelaysOfVehicle(fleet.vehicleIds[0])).toEqual([]);
  });

  it('shows a completed stop by its actual time, never an ETA', async () => {
    clockMs.value = (now + 2000) * 1000;
    const done = await node.request('POST', `/api/v1/stops/${route.stopIds[0]}/complete`, { idempotencyKey: 'complete-first-stop', recipientName: 'Ada' }, fleet.driverTokens[0]);
    expect(done.status).toBeLessThan(300);
    const [first] = await driverDay();
    expect(first!.times).toMatchObject({ basis: 'actual', serviceStart: null, done: toIsoInZone(now + 2000, timeZone), delayMinutes: null });
    expect((await tracking(0)).times).toEqual(first!.times);
  });
});
