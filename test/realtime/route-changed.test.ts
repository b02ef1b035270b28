import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plansMount } from '../../src/http/routes/plans.routes';
import { localDate, localDayRange, nextDate, toIsoInZone } from '../../src/domain/time';
import { removeCancelledStops } from '../../src/reactions/cancelled-orders';
import { noPositions } from '../../src/planning/live-routes';
import { PlanQueue } from '../../src/reactions/plan-runs';
import type { RoomSnapshot, Sequenced } from '../../src/protocol/socket';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { RoomEventsRepository } from '../../src/db/repos/room-events.repo';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { depotInput } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { nextEvent, seedFleet, startNode, type ClientSocket, type Fleet, type Node } from './harness';

const timeZone = depotInput.timeZone;
/** Tomorrow at the depot: a day still ahead whenever the suite runs. */
const planDate = nextDate(localDate(timeZone, Date.now() / 1000));

describe.each(testDatabases())("a driver hears of changes to their own route, and only their own, on $engine", (backend) => {
  let database: TestDatabase;
  let node: Node;
  let queue: PlanQueue;
  let stopRemoving: () => void;
  let fleet: Fleet;
  let planId: number;
  let routes: { id: number; vehicleId: number; stops: { orderId: number }[] }[];
  let drivers: [ClientSocket, ClientSocket];
  /** Every route:changed each driver heard, in order. */
  const heard: [Sequenced<'route:changed'>[], Sequenced<'route:changed'>[]] = [[], []];
  let window: { start: string; end: string };

  const readyOrder = async (ref: string, location: [number, number]) => {
    const created = await node.request('POST', '/api/v1/orders', { ...orderInput(0, { externalRef: ref, location, timeWindows: [window] }), depotId: fleet.depotId });
    expect((await node.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { status: 'ready' })).status).toBe(200);
    return created.body.id as number;
  };
  const routeOf = (vehicleId: number) => routes.find((route) => route.vehicleId === vehicleId)!;
  const readPlan = async () => {
    routes = (await node.request('GET', `/api/v1/plans/${planId}`)).body.routes;
  };
  const joined = (socket: ClientSocket) => nextEvent<RoomSnapshot>(socket, 'room:joined');

  beforeAll(async () => {
    database = await backend.open();
    const routing = createHaversineProvider();
    const solver = createPoolSolver({ threads: 1 });
    node = await startNode(database, { feed: { flushIntervalMs: 10 } }, (commands) => {
      queue = new PlanQueue({ context: commands, solver, routing, pollMs: 50, exclusiveDatabase: backend.engine === 'pglite' });
      stopRemoving = removeCancelledStops({ context: commands, routing, positions: noPositions });
      return [plansMount({ context: commands, queue, solver, routing })];
    });
    await queue.start();
    fleet = await seedFleet(node);
    // Three orders fill a van: the day needs both.
    for (const vehicleId of fleet.vehicleIds) await node.request('PATCH', `/api/v1/vehicles/${vehicleId}`, { capacity: { weightKg: 800, volumeL: 6000, items: 3 } });
    const [dayStart] = localDayRange(planDate, timeZone);
    window = { start: toIsoInZone(dayStart + 9 * 3600, timeZone), end: toIsoInZone(dayStart + 16 * 3600, timeZone) };
    for (let k = 0; k < 4; k++) await readyOrder(`route-${k}`, [8.6724 + 0.02 * Math.cos(k), 49.4093 + 0.012 * Math.sin(k)]);
    const created = await node.request('POST', '/api/v1/plans', { date: planDate, depotId: fleet.depotId, vehicleIds: fleet.vehicleIds, timeLimitSeconds: 0.2 });
    expect(created.status).toBe(202);
    planId = created.body.id;
    for (let waited = 0; (await node.request('GET', `/api/v1/plans/${planId}`)).body.status !== 'succeeded'; waited += 50) {
      if (waited > 20_000) throw new Error('plan did not succeed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    drivers = [node.connect({ token: fleet.driverTokens[0] }), node.connect({ token: fleet.driverTokens[1] })];
    await Promise.all(drivers.map(joined));
    drivers.forEach((driver, index) => driver.on('route:changed', (event) => heard[index]!.push(event)));
  }, 60_000);
  afterAll(async () => {
    stopRemoving?.();
    await queue?.stop();
    await node?.close();
    await database?.dispose();
  });

  it('tells each driver their route when the plan is dispatched', async () => {
    const [first, second] = [nextEvent<Sequenced<'route:changed'>>(drivers[0], 'route:changed'), nextEvent<Sequenced<'route:changed'>>(drivers[1], 'route:changed')];
    expect((await node.request('POST', `/api/v1/plans/${planId}/dispatch`)).status).toBe(200);
    await readPlan();
    expect((await first).data).toEqual({ planId, routeId: routeOf(fleet.vehicleIds[0]).id, vehicleId: fleet.vehicleIds[0] });
    expect((await second).data).toEqual({ planId, routeId: routeOf(fleet.vehicleIds[1]).id, vehicleId: fleet.vehicleIds[1] });
    expect((await first).room).toBe(`vehicle:${fleet.vehicleIds[0]}`);
  });

  it("tells the driver whose route got a live insertion, and not the other van's driver", async () => {
    await node.realtime.feed.flush();
    const before = heard.map((events) => events.length);
    const orderId = await readyOrder('live-1', [8.69, 49.41]);
    const inserted = await node.request('POST', `/api/v1/plans/${planId}/insertions`, { orderId });
    expect(inserted.body).toMatchObject({ inserted: true });
    const vehicleIndex = fleet.vehicleIds.indexOf(inserted.body.vehicleId);
    const event = await nextEvent<Sequenced<'route:changed'>>(drivers[vehicleIndex]!, 'route:changed');
    expect(event.data).toEqual({ planId, routeId: inserted.body.route.id, vehicleId: inserted.body.vehicleId });
    await node.realtime.feed.flush();
    expect(heard[1 - vehicleIndex]!.length).toBe(before[1 - vehicleIndex]);
  });

  it("tells the driver when an order on their route is cancelled, and a reconnecting driver joins at the number after it", async () => {
    await readPlan();
    const route = routeOf(fleet.vehicleIds[1]);
    const { seq: lastSeen } = await joined(drivers[1].disconnect().connect());
    drivers[1].disconnect();
    const before = heard[0].length;

    const cancelled = route.stops[0]!.orderId;
    expect((await node.request('POST', `/api/v1/orders/${cancelled}/transitions`, { status: 'cancelled', reason: 'customer moved' })).status).toBe(200);
    await expect.poll(async () => (await node.request('GET', `/api/v1/plans/${planId}`)).body.routes.flatMap((candidate: { stops: { orderId: number }[] }) => candidate.stops).some((stop: { orderId: number }) => stop.orderId === cancelled)).toBe(false);
    await node.realtime.feed.flush();

    const room = `vehicle:${fleet.vehicleIds[1]}`;
    const stored = (await new RoomEventsRepository(database.knex).sinceMany([{ room, afterSeq: lastSeen }], 100)).get(room)!.events;
    expect(stored.filter((event) => event.event === 'route:changed').map((event) => event.data)).toEqual([{ planId, routeId: route.id, vehicleId: fleet.vehicleIds[1] }]);
    const back = node.connect({ token: fleet.driverTokens[1] });
    expect((await joined(back)).seq).toBe(stored.at(-1)!.seq);
    expect(heard[0].length).toBe(before);
  });
});
