/**
 * Alerts kept server-side: raised by the reactions from what happened, stored one per kind and subject, resolved when
 * the condition stops holding, acknowledged with who and when, and heard by the depot's dispatchers over the socket.
 * The clock is pinned: every stored time is the clock's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../src/commands/raise-alert';
import { resolveAlert } from '../../src/commands/resolve-alert';
import { repositories } from '../../src/db/repositories';
import type { DomainEventName } from '../../src/domain/events';
import { alertsMount } from '../../src/http/routes/alerts.routes';
import { createLogger } from '../../src/logger';
import type { AlertResponse } from '../../src/protocol/alerts';
import type { Sequenced } from '../../src/protocol/socket';
import { raiseAndResolveAlerts, type AlertReactions } from '../../src/reactions/alerts';
import { EtaEngine } from '../../src/reactions/live-etas';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { dispatchRoute, nextEvent, seedFleet, startNode, type ClientSocket, type DispatchedRoute, type Fleet, type Node } from '../realtime/harness';

/** 2026-03-10 09:00 UTC: a weekday morning, whatever the real date and hour. */
const startEpoch = Date.UTC(2026, 2, 10, 9, 0, 0) / 1000;

describe.each(testDatabases())('stored alerts on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let route: DispatchedRoute;
  let alerts: AlertReactions;
  let engine: EtaEngine;
  let dispatcher: ClientSocket;
  let nowMs = startEpoch * 1000;
  const clock = { nowMs: () => nowMs };
  const origin: [number, number] = [8.6724, 49.4093];

  const stored = () => repositories(node.commands.db).alerts.list({}, { limit: 500 });
  const api = (method: string, path: string, token = fleet.dispatcherToken) => node.request(method, path, undefined, token);
  /** Counts the domain events of these names from now on. */
  const counting = (...names: DomainEventName[]) => {
    const counts = Object.fromEntries(names.map((name) => [name, 0])) as Record<string, number>;
    const offs = names.map((name) => node.events.on(name, () => (counts[name]! += 1)));
    return { counts, off: () => offs.forEach((off) => off()) };
  };

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10 }, clock }, (commands) => [alertsMount(commands)]);
    fleet = await seedFleet(node);
    // Two stops, 10 and 20 minutes out; each window closes 5 minutes after its planned arrival.
    route = await dispatchRoute(node, fleet, { startEpoch, windowMinutes: 5 });
    alerts = raiseAndResolveAlerts(node.commands);
    engine = new EtaEngine(node.commands, createHaversineProvider(), createLogger('silent'), { throttleSeconds: 0 });
    dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await nextEvent(dispatcher, 'room:joined');
  });
  afterAll(async () => {
    engine.close();
    alerts.stop();
    await alerts.idle();
    await node.close();
    await database.dispose();
  });

  it('raises a delay when a stop’s ETA passes its window, and resolves it when the ETA is back inside', async () => {
    const raised = nextEvent<Sequenced<'alert:raised'>>(dispatcher, 'alert:raised', (event) => event.data.kind === 'delay');
    // 15 km east of its first stop: far too late for a window that closes at 09:15.
    await engine.update({ vehicleId: fleet.vehicleIds[0], location: [origin[0] + 0.2, origin[1]], accuracyMeters: 500, speedMetersPerSecond: 12, headingDegrees: 270, recordedAt: startEpoch });
    await alerts.idle();
    const delays = (await stored()).items.filter((alert) => alert.kind === 'delay');
    // Both stops: the second window closes at 09:25.
    expect(delays.map((alert) => alert.subject)).toEqual(route.stopIds.map((id) => ({ type: 'stop', id })));
    const [delay] = delays;
    expect(delay!.data).toMatchObject({ vehicleId: fleet.vehicleIds[0], orderId: fleet.orders[0]!.id });
    expect(delay!.data.minutesLate).toBeGreaterThan(0);
    expect(delay!.message).toContain(`${delay!.data.minutesLate} min after its promised window`);
    expect(delay!.raisedAt.getTime()).toBe(startEpoch * 1000);
    expect((await raised).data).toMatchObject({ id: delay!.id, status: 'open', subject: { type: 'stop', id: route.stopIds[0] } });

    // A minute later it is at the depot, ten minutes' drive from the stop: inside the window again.
    nowMs += 60_000;
    const resolved = nextEvent<Sequenced<'alert:resolved'>>(dispatcher, 'alert:resolved', (event) => event.data.id === delay!.id);
    await engine.update({ vehicleId: fleet.vehicleIds[0], location: origin, accuracyMeters: 500, speedMetersPerSecond: 12, headingDegrees: 90, recordedAt: startEpoch + 60 });
    await alerts.idle();
    for (const { id } of delays) expect((await repositories(node.commands.db).alerts.findById(id))!.resolvedAt?.getTime()).toBe(startEpoch * 1000 + 60_000);
    expect((await resolved).data).toMatchObject({ status: 'resolved', resolvedAt: new Date(nowMs).toISOString() });
    const open = await api('GET', `/api/v1/alerts?depotId=${fleet.depotId}`);
    expect(open.body.items.filter((alert: AlertResponse) => alert.kind === 'delay')).toEqual([]);
  });

  it('raises a failed_delivery alert when the driver fails a stop, stored and heard by the depot’s dispatcher', async () => {
    nowMs += 60_000;
    const heard = nextEvent<Sequenced<'alert:raised'>>(dispatcher, 'alert:raised', (event) => event.data.kind === 'failed_delivery');
    const failed = await node.request('POST', `/api/v1/stops/${route.stopIds[0]}/fail`, { idempotencyKey: randomUUID(), reason: 'not_home' }, fleet.driverTokens[0]);
    expect(failed.status).toBe(200);
    await alerts.idle();

    const order = await repositories(node.commands.db).orders.findById(fleet.orders[0]!.id);
    const [alert] = (await stored()).items.filter((candidate) => candidate.kind === 'failed_delivery');
    expect(alert).toMatchObject({ depotId: fleet.depotId, subject: { type: 'order', id: order!.id }, resolvedAt: null, acknowledgedAt: null });
    expect(alert!.message).toBe(`Failed delivery ${order!.displayId}: Not home`);
    expect(alert!.data).toMatchObject({ orderId: order!.id, vehicleId: fleet.vehicleIds[0], reason: 'not_home' });

    const event = await heard;
    expect(event.room).toBe(`depot:${fleet.depotId}`);
    expect(event.data).toMatchObject({ id: alert!.id, status: 'open', raisedAt: new Date(nowMs).toISOString() });
    // A reloaded console reads it back.
    const listed = await api('GET', `/api/v1/alerts?depotId=${fleet.depotId}&status=open`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: AlertResponse) => item.id)).toContain(alert!.id);
  });

  it('acknowledging records who and when, takes the alert off the open list and tells the dispatchers', async () => {
    const [alert] = (await stored()).items.filter((candidate) => candidate.kind === 'failed_delivery');
    nowMs += 5 * 60_000;
    const heard = nextEvent<Sequenced<'alert:acknowledged'>>(dispatcher, 'alert:acknowledged', (event) => event.data.id === alert!.id);
    const me = await api('GET', '/api/v1/auth/me');
    const acknowledged = await api('POST', `/api/v1/alerts/${alert!.id}/acknowledge`);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: new Date(nowMs).toISOString(), acknowledgedBy: `user:${me.body.userId}` });
    expect((await heard).data.acknowledgedBy).toBe(`user:${me.body.userId}`);

    const open = await api('GET', `/api/v1/alerts?depotId=${fleet.depotId}&status=open`);
    expect(open.body.items.map((item: AlertResponse) => item.id)).not.toContain(alert!.id);
    const seen = await api('GET', `/api/v1/alerts?depotId=${fleet.depotId}&status=acknowledged`);
    expect(seen.body.items.map((item: AlertResponse) => item.id)).toEqual([alert!.id]);

    // Again: the first acknowledgement stands.
    nowMs += 60_000;
    const again = await api('POST', `/api/v1/alerts/${alert!.id}/acknowledge`, fleet.driverTokens[0]);
    expect(again.status).toBe(403);
    const repeated = await api('POST', `/api/v1/alerts/${alert!.id}/acknowledge`, undefined);
    expect(repeated.body.acknowledgedAt).toBe(acknowledged.body.acknowledgedAt);
    expect(repeated.body.acknowledgedBy).toBe(`user:${me.body.userId}`);
  });

  it('resolves the failed delivery when the office moves the re-attempted order on', async () => {
    const orderId = fleet.orders[0]!.id;
    // The depot's policy re-attempts a not-home order by itself; the alert stays open until someone acts.
    expect((await repositories(node.commands.db).orders.findById(orderId))!.status).toBe('rescheduled');
    const moved = await node.request('POST', `/api/v1/orders/${orderId}/transitions`, { status: 'cancelled' });
    expect(moved.status).toBe(200);
    await alerts.idle();
    const [alert] = (await stored()).items.filter((candidate) => candidate.kind === 'failed_delivery');
    expect(alert!.resolvedAt?.getTime()).toBe(nowMs);
    const resolved = await api('GET', `/api/v1/alerts?depotId=${fleet.depotId}&status=resolved`);
    expect(resolved.body.items.map((item: AlertResponse) => item.id)).toContain(alert!.id);
  });

  it('keeps one unresolved alert per kind and subject: raising again updates it, the same facts change nothing', async () => {
    const subject = { type: 'vehicle' as const, id: fleet.vehicleIds[1] };
    const draft = { depotId: fleet.depotId, kind: 'deviation' as const, subject, message: 'Van 2 is 400 m off its planned route', data: { meters: 400 } };
    const events = counting('alert.raised', 'alert.updated', 'alert.resolved');
    try {
      const first = await raiseAlert(node.commands, draft);
      nowMs += 1000;
      const second = await raiseAlert(node.commands, { ...draft, message: 'Van 2 is 900 m off its planned route', data: { meters: 900 } });
      const third = await raiseAlert(node.commands, { ...draft, message: 'Van 2 is 900 m off its planned route', data: { meters: 900 } });
      expect(second.id).toBe(first.id);
      expect(third.id).toBe(first.id);
      expect(second).toMatchObject({ message: 'Van 2 is 900 m off its planned route', data: { meters: 900 }, raisedAt: first.raisedAt });
      expect(second.updatedAt.getTime()).toBe(first.raisedAt.getTime() + 1000);
      expect(events.counts).toEqual({ 'alert.raised': 1, 'alert.updated': 1, 'alert.resolved': 0 });
      const rows = (await stored()).items.filter((alert) => alert.kind === 'deviation' && alert.subject.id === subject.id);
      expect(rows).toHaveLength(1);

      // Once resolved, the next deviation of the same van is a new alert.
      expect((await resolveAlert(node.commands, 'deviation', subject))?.id).toBe(first.id);
      expect(await resolveAlert(node.commands, 'deviation', subject)).toBeNull();
      const next = await raiseAlert(node.commands, draft);
      expect(next.id).not.toBe(first.id);
      expect(events.counts).toEqual({ 'alert.raised': 2, 'alert.updated': 1, 'alert.resolved': 1 });
    } finally {
      events.off();
    }
  });

  it('alerts a plan that leaves orders unassigned, and resolves it when the plan is superseded', async () => {
    const repos = repositories(node.commands.db);
    const plan = await repos.plans.insert({ depotId: fleet.depotId, date: '2026-03-11', vehicleIds: [fleet.vehicleIds[1]], orderIds: [fleet.orders[1]!.id], options: {}, timeLimitSeconds: 1, createdBy: 'test' });
    await repos.plans.replaceUnassigned(plan.id, [{ orderId: fleet.orders[1]!.id, reason: 'time_window' }]);
    node.events.publish('plan.status_changed', { planId: plan.id, depotId: fleet.depotId, status: 'succeeded', actor: 'test' });
    await alerts.idle();
    const [alert] = (await stored()).items.filter((candidate) => candidate.kind === 'unassigned');
    expect(alert).toMatchObject({ subject: { type: 'plan', id: plan.id }, data: { planId: plan.id, orderIds: [fleet.orders[1]!.id], reasons: { time_window: 1 } }, resolvedAt: null });
    expect(alert!.message).toBe(`Plan ${plan.id} leaves 1 order unassigned (1 time_window)`);

    node.events.publish('plan.status_changed', { planId: plan.id, depotId: fleet.depotId, status: 'superseded', actor: 'test' });
    await alerts.idle();
    expect((await repos.alerts.findById(alert!.id))!.resolvedAt).not.toBeNull();
  });

  it('raises unroutable while the road network cannot route the van from where it is, and resolves it when it can', async () => {
    const haversine = createHaversineProvider();
    let offNetwork = true;
    const routing = {
      ...haversine,
      table: async (request: Parameters<typeof haversine.table>[0]) => {
        const table = await haversine.table(request);
        if (offNetwork) table.durations[0]![0] = null;
        return table;
      },
    };
    const offRoad = new EtaEngine(node.commands, routing, createLogger('silent'), { throttleSeconds: 0 });
    try {
      const vehicleId = fleet.vehicleIds[0];
      const fix = (recordedAt: number) => ({ vehicleId, location: origin, accuracyMeters: 500, speedMetersPerSecond: 12, headingDegrees: 90, recordedAt });
      nowMs += 60_000;
      await offRoad.update(fix(nowMs / 1000));
      await alerts.idle();
      const [alert] = (await stored()).items.filter((candidate) => candidate.kind === 'unroutable');
      expect(alert).toMatchObject({ subject: { type: 'vehicle', id: vehicleId }, resolvedAt: null });
      expect(alert!.message).toContain('off the road network');

      offNetwork = false;
      nowMs += 60_000;
      await offRoad.update(fix(nowMs / 1000));
      await alerts.idle();
      expect((await repositories(node.commands.db).alerts.findById(alert!.id))!.resolvedAt?.getTime()).toBe(nowMs);
    } finally {
      offRoad.close();
    }
  });

  it('answers bad input with 4xx naming the field, never 500', async () => {
    const badStatus = await api('GET', '/api/v1/alerts?status=loud');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.details.map((detail: { path: string }) => detail.path)).toContain('query.status');
    expect((await api('POST', '/api/v1/alerts/999999/acknowledge')).status).toBe(404);
    expect((await api('POST', '/api/v1/alerts/abc/acknowledge')).status).toBe(400);
    expect((await api('GET', '/api/v1/alerts', fleet.driverTokens[0])).status).toBe(403);
  });

  it('documents both endpoints in the OpenAPI document with the Alert schema', async () => {
    const { body } = await api('GET', '/api/v1/openapi.json');
    expect(body.paths['/api/v1/alerts'].get.responses['200']).toBeDefined();
    expect(body.paths['/api/v1/alerts/{id}/acknowledge'].post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Alert' });
    expect(Object.keys(body.components.schemas.Alert.properties)).toEqual(
      expect.arrayContaining(['id', 'depotId', 'kind', 'status', 'subject', 'message', 'data', 'raisedAt', 'updatedAt', 'resolvedAt', 'acknowledgedAt', 'acknowledgedBy']),
    );
  });
});
