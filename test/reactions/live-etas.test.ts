import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { createLogger } from '../../src/logger';
import type { Sequenced } from '../../src/protocol/socket';
import { createHaversineProvider } from '../../src/routing/haversine';
import { raiseAndResolveAlerts, type AlertReactions } from '../../src/reactions/alerts';
import { EtaEngine } from '../../src/reactions/live-etas';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { dispatchRoute, nextEvent, nowEpoch, request, seedFleet, startNode, type ClientSocket, type DispatchedRoute, type Fleet, type Node } from '../realtime/harness';

describe.each(testDatabases())('live ETAs, alerts and geofence on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let route: DispatchedRoute;
  let engine: EtaEngine;
  let alerts: AlertReactions;
  let driver: ClientSocket;
  let dispatcher: ClientSocket;
  const start = nowEpoch() - 3600;
  const origin: [number, number] = [8.6724, 49.4093];

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10 } });
    fleet = await seedFleet(node);
    // Windows close 5 minutes after the planned arrivals, and the route started an hour ago.
    route = await dispatchRoute(node, fleet, { startEpoch: start, windowMinutes: 5 });
    engine = new EtaEngine(node.commands, createHaversineProvider(), createLogger('silent'), { throttleSeconds: 0 });
    alerts = raiseAndResolveAlerts(node.commands);
    dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    driver = node.connect({ token: fleet.driverTokens[0] });
    await Promise.all([nextEvent(dispatcher, 'room:joined'), nextEvent(driver, 'room:joined')]);
  });
  afterAll(async () => {
    engine.close();
    alerts.stop();
    await alerts.idle();
    await node.close();
    await database.dispose();
  });

  it('publishes ETAs from where the vehicle is to dispatchers and to each stop’s customer only', async () => {
    const customer = node.connect({ token: fleet.orders[1]!.trackingToken });
    await nextEvent(customer, 'room:joined');
    const forCustomer = nextEvent<Sequenced<'eta:updated'>>(customer, 'eta:updated');
    const forDispatcher = nextEvent<Sequenced<'eta:updated'>>(dispatcher, 'eta:updated', (event) => event.data.stopId === route.stopIds[1]);
    const late = nextEvent<Sequenced<'alert:raised'>>(dispatcher, 'alert:raised', (event) => event.data.kind === 'delay' && event.data.subject.id === route.stopIds[1]);

    const now = nowEpoch();
    await request(driver, 'position:report', { location: origin, accuracyMeters: 5, speedMetersPerSecond: 10, headingDegrees: 90, recordedAt: now });
    const eta = (await forDispatcher).data;
    expect(eta.etaEpoch).toBeGreaterThan(now);
    expect(eta.dispatchedEtaEpoch).toBe(start + 1200);
    expect((await forCustomer).data.stopId).toBe(route.stopIds[1]);
    // An hour behind the plan: the second stop will miss its window.
    expect((await late).data).toMatchObject({ status: 'open', subject: { type: 'stop', id: route.stopIds[1] }, data: { orderId: fleet.orders[1]!.id, vehicleId: fleet.vehicleIds[0] } });

    const stored = await repositories(node.commands.db).etas.history(route.stopIds[1]!);
    expect(stored.at(-1)?.etaEpoch).toBe(eta.etaEpoch);
  });

  it('raises a deviation alert when the vehicle leaves its route', async () => {
    const deviation = nextEvent<Sequenced<'alert:raised'>>(dispatcher, 'alert:raised', (event) => event.data.kind === 'deviation');
    await request(driver, 'position:report', { location: [origin[0] + 0.005, origin[1] + 0.01], accuracyMeters: 5, speedMetersPerSecond: 10, headingDegrees: 0, recordedAt: nowEpoch() + 1 });
    const alert = (await deviation).data;
    expect(alert.subject).toEqual({ type: 'vehicle', id: fleet.vehicleIds[0] });
    expect(alert.data.meters).toBeGreaterThan(1000);
  });

  it('marks the stop arrived when the vehicle stops at it (geofence)', async () => {
    const arrived = nextEvent<Sequenced<'stop:status'>>(dispatcher, 'stop:status');
    const stopLocation: [number, number] = [origin[0] + 0.01, origin[1] + 0.0001];
    await request(driver, 'position:report', { location: stopLocation, accuracyMeters: 5, speedMetersPerSecond: 0.5, headingDegrees: 90, recordedAt: nowEpoch() + 2 });
    expect((await arrived).data).toMatchObject({ stopId: route.stopIds[0], status: 'arrived' });
    const order = await repositories(node.commands.db).orders.findById(fleet.orders[0]!.id);
    expect(order?.status).toBe('arrived');
  });
});
