import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { arrivingSoonIndexes } from '../../src/domain/arriving-soon';
import type { Position } from '../../src/domain/model/position';
import { createLogger } from '../../src/logger';
import { EtaEngine } from '../../src/reactions/live-etas';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { dispatchRoute, nowEpoch, seedFleet, startNode, type DispatchedRoute, type Fleet, type Node } from '../realtime/harness';

describe('the arriving-soon rule', () => {
  it('takes a stop within the minutes, or with at most the stops left before it within two hours', () => {
    const now = 1000;
    expect(arrivingSoonIndexes([now + 600, now + 1200, now + 1800], { minutes: 15, stops: 0 }, now)).toEqual([0]);
    expect(arrivingSoonIndexes([now + 600, now + 1200, now + 1800], { minutes: 0, stops: 1 }, now)).toEqual([0, 1]);
    expect(arrivingSoonIndexes([now + 600, now + 1200, now + 1800], { minutes: 20, stops: 1 }, now)).toEqual([0, 1]);
    // The first stop of a van setting out for a window three hours away is not soon.
    expect(arrivingSoonIndexes([now + 3 * 3600], { minutes: 15, stops: 2 }, now)).toEqual([]);
    expect(arrivingSoonIndexes([now + 60], { minutes: 0, stops: 0 }, now)).toEqual([]);
  });
});

describe.each(testDatabases())('arriving soon from live ETAs on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let route: DispatchedRoute;
  const engines: EtaEngine[] = [];
  const origin: [number, number] = [8.6724, 49.4093];
  // Walking pace: about 19 minutes from one stop to the next (730 m × 1.3 at 3 km/h), so ETAs separate stops clearly.
  const routing = createHaversineProvider({ speedKmh: 3 });
  const engine = () => {
    const created = new EtaEngine(node.commands, routing, createLogger('silent'), { throttleSeconds: 0, arrivingSoon: { minutes: 0, stops: 0 } });
    engines.push(created);
    return created;
  };
  const at = (recordedAt: number): Position => ({ vehicleId: fleet.vehicleIds[0], location: origin, accuracyMeters: 5, speedMetersPerSecond: 10, headingDegrees: 90, recordedAt });
  const arrivingSoonEvents = async () => (await database.knex('order_events').where({ type: 'arriving_soon' }).orderBy('id')) as { order_id: number; data: { stopId: number; etaEpoch: number } }[];

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database);
    fleet = await seedFleet(node);
    for (const [index, order] of fleet.orders.entries()) await database.knex('orders').where({ id: order.id }).update({ customer_email: `soon${index}@example.com` });
    route = await dispatchRoute(node, fleet, { startEpoch: nowEpoch() - 600 });
  });
  afterAll(async () => {
    for (const created of engines) created.close();
    await node.close();
    await database.dispose();
  });

  it("refuses a depot rule out of range, naming the field", async () => {
    const reply = await node.request('PATCH', `/api/v1/depots/${fleet.depotId}`, { arrivingSoon: { minutes: -5, stops: 1 } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0].path).toBe('body.arrivingSoon.minutes');
  });

  it('tells each stop once, by the depot rule, through the outbox, however often the ETAs are recomputed and across a restart', async () => {
    const patched = await node.request('PATCH', `/api/v1/depots/${fleet.depotId}`, { arrivingSoon: { minutes: 22, stops: 0 } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.arrivingSoon).toEqual({ minutes: 22, stops: 0 });

    const now = nowEpoch();
    const first = engine();
    await first.update(at(now), now);
    let events = await arrivingSoonEvents();
    // The first stop is about 19 minutes away, the second about 43.
    expect(events.map((event) => event.data.stopId)).toEqual([route.stopIds[0]]);
    expect(events[0]!.data.etaEpoch - now).toBeGreaterThan(15 * 60);
    expect(events[0]!.data.etaEpoch - now).toBeLessThan(22 * 60);

    // The ETA wobbles: nothing new.
    await first.update(at(now + 30), now + 30);
    await first.update(at(now + 60), now + 60);
    // A new process (nothing remembered) asks again: the stop is marked in the database.
    await engine().update(at(now + 90), now + 90);
    expect(await arrivingSoonEvents()).toHaveLength(1);

    // By stops: one left before the second stop.
    expect((await node.request('PATCH', `/api/v1/depots/${fleet.depotId}`, { arrivingSoon: { minutes: 0, stops: 1 } })).status).toBe(200);
    await engine().update(at(now + 120), now + 120);
    events = await arrivingSoonEvents();
    expect(events.map((event) => event.data.stopId)).toEqual([route.stopIds[0], route.stopIds[1]]);
    expect(events.map((event) => event.order_id)).toEqual([fleet.orders[0]!.id, fleet.orders[1]!.id]);

    const messages = await repositories(database.knex).outbox.listForOrder(fleet.orders[0]!.id);
    expect(messages.filter((message) => message.template === 'arriving_soon').map((message) => `${message.channel}:${message.recipient}`)).toEqual(['email:soon0@example.com']);
    expect(messages.find((message) => message.template === 'arriving_soon')!.payload.etaEpoch).toBe(events[0]!.data.etaEpoch);
  });
});
