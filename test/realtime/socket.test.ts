import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { transitionOrder } from '../../src/commands/transition-order';
import { openDatabase } from '../../src/db/database';
import { TrackingLinksRepository } from '../../src/db/repos/tracking-links.repo';
import type { RoomSnapshot, Sequenced } from '../../src/protocol/socket';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { fix, nextEvent, nowEpoch, request, seedFleet, startNode, type ClientSocket, type Fleet, type Node } from './harness';

function connectError(socket: ClientSocket): Promise<{ message: string; data?: { error: { code: string; message: string } } }> {
  return new Promise((resolve) => socket.on('connect_error', (error) => resolve(error as never)));
}

async function joined(socket: ClientSocket): Promise<RoomSnapshot> {
  return nextEvent<RoomSnapshot>(socket, 'room:joined');
}

describe.each(testDatabases())('realtime over socket.io on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let clock = nowEpoch() - 3600;
  const nextFixTime = () => ++clock;

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10 }, rateLimit: { perSecond: 5, burst: 10 } });
    fleet = await seedFleet(node);
  });
  afterAll(async () => {
    await node.close();
    await database.dispose();
  });

  it('refuses connections without a valid token, and dispatchers without a depot', async () => {
    const anonymous = await connectError(node.connect({ token: '' }));
    expect(anonymous.data?.error.code).toBe('unauthorized');
    const unknown = await connectError(node.connect({ token: 'not-a-token' }));
    expect(unknown.data?.error.code).toBe('invalid_token');
    const noDepot = await connectError(node.connect({ token: fleet.dispatcherToken }));
    expect(noDepot.data?.error).toMatchObject({ code: 'invalid_input', details: [{ path: 'auth.depotId' }] });
  });

  it('carries a driver position to the dispatchers of the depot, numbered, and acks the report', async () => {
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await joined(dispatcher);
    const driver = node.connect({ token: fleet.driverTokens[0] });
    const driverSnapshot = await joined(driver);
    expect(driverSnapshot.room).toBe(`vehicle:${fleet.vehicleIds[0]}`);
    expect(driverSnapshot.orders.map((order) => order.orderId).sort()).toEqual(fleet.orders.map((order) => order.id).sort());

    const recordedAt = nextFixTime();
    const moved = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved');
    const ack = await request(driver, 'position:report', fix(recordedAt, [8.7, 49.4]));
    expect(ack).toEqual({ accepted: 1, duplicates: 0 });
    const event = await moved;
    expect(event).toMatchObject({ room: `depot:${fleet.depotId}`, event: 'vehicles:moved', data: { positions: [{ vehicleId: fleet.vehicleIds[0], location: [8.7, 49.4], recordedAt }] } });
    expect(event.seq).toBeGreaterThan(0);

    const again = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved');
    await request(driver, 'position:report', fix(nextFixTime()));
    expect((await again).seq).toBe(event.seq + 1);
  });

  it("tells no driver of positions: their own came from their device, another van's are none of their business", async () => {
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await joined(dispatcher);
    const drivers = [node.connect({ token: fleet.driverTokens[0] }), node.connect({ token: fleet.driverTokens[1] })];
    await Promise.all(drivers.map(joined));
    const seen: unknown[] = [];
    for (const driver of drivers) driver.on('vehicles:moved', (event) => seen.push(event));
    const recordedAt = nextFixTime();
    const office = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved', (event) => event.data.positions.some((position) => position.recordedAt === recordedAt));
    await request(drivers[0]!, 'position:report', fix(recordedAt));
    await office;
    await node.realtime.feed.flush();
    expect(seen).toEqual([]);
  });

  it("gives a customer their own order's facts and never another order's", async () => {
    const [mine, theirs] = fleet.orders as [Fleet['orders'][0], Fleet['orders'][0]];
    const customer = node.connect({ token: mine.trackingToken });
    const snapshot = await joined(customer);
    expect(snapshot.room).toBe(`order:${mine.id}`);
    expect(snapshot.orders).toEqual([expect.objectContaining({ orderId: mine.id, status: 'out_for_delivery' })]);
    expect(snapshot.vehicles.map((vehicle) => vehicle.vehicleId)).toEqual([fleet.vehicleIds[0]]);
    const received: Sequenced<'order:status'>[] = [];
    customer.on('order:status', (event) => received.push(event));

    const positions: Sequenced<'vehicles:moved'>[] = [];
    customer.on('vehicles:moved', (event) => positions.push(event));
    const otherVan = node.connect({ token: fleet.driverTokens[1] });
    await joined(otherVan);
    await request(otherVan, 'position:report', fix(nextFixTime()));

    await transitionOrder(node.commands, theirs.id, { status: 'arrived' }, systemPrincipal);
    const own = nextEvent<Sequenced<'order:status'>>(customer, 'order:status');
    await transitionOrder(node.commands, mine.id, { status: 'arrived' }, systemPrincipal);
    expect((await own).data).toMatchObject({ orderId: mine.id, status: 'arrived' });
    await node.realtime.feed.flush();
    expect(received.map((event) => event.data.orderId)).toEqual([mine.id]);
    expect(positions.flatMap((event) => event.data.positions).filter((position) => position.vehicleId !== fleet.vehicleIds[0])).toEqual([]);
  });

  it('stores a replayed fix once and never moves the vehicle back for a late one', async () => {
    const driver = node.connect({ token: fleet.driverTokens[1] });
    await joined(driver);
    const newest = nextFixTime() + 100;
    expect(await request(driver, 'position:report', fix(newest, [8.6, 49.4]))).toEqual({ accepted: 1, duplicates: 0 });
    expect(await request(driver, 'position:report', fix(newest, [8.6, 49.4]))).toEqual({ accepted: 0, duplicates: 1 });
    expect(await request(driver, 'position:report', fix(newest - 50, [8.5, 49.4]))).toEqual({ accepted: 1, duplicates: 0 });

    const reply = await node.request('GET', '/api/v1/vehicles/positions', undefined, fleet.dispatcherToken);
    expect(reply.status).toBe(200);
    const van = reply.body.items.find((item: { vehicleId: number }) => item.vehicleId === fleet.vehicleIds[1]);
    expect(van).toMatchObject({ location: [8.6, 49.4], recordedAt: newest });
  });

  it("acknowledges a fix once the dispatchers' event is stored, and sends a fix that is still the latest again when it comes again", async () => {
    const vehicleId = fleet.vehicleIds[0]!;
    const driver = node.connect({ token: fleet.driverTokens[0] });
    await joined(driver);
    const recordedAt = nextFixTime();
    expect(await request(driver, 'position:report', fix(recordedAt, [8.71, 49.4]))).toEqual({ accepted: 1, duplicates: 0 });
    const stored: { data: { positions: { vehicleId: number; recordedAt: number }[] } }[] = await node.commands.db('room_events').where({ room: `depot:${fleet.depotId}`, event: 'vehicles:moved' });
    expect(stored.flatMap((row) => row.data.positions)).toContainEqual(expect.objectContaining({ vehicleId, recordedAt }));

    // Sent again (its acknowledgement lost with a dying process): stored once, and the office hears of it again.
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await joined(dispatcher);
    const again = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved', (event) =>
      event.data.positions.some((position) => position.vehicleId === vehicleId && position.recordedAt === recordedAt),
    );
    expect(await request(driver, 'position:report', fix(recordedAt, [8.71, 49.4]))).toEqual({ accepted: 0, duplicates: 1 });
    await again;
  });

  it('takes a batch over HTTP after being offline, counting what it already had', async () => {
    const first = nextFixTime();
    const batch = [fix(first), fix(first + 1), fix(first + 2)];
    const posted = await node.request('POST', '/api/v1/positions', { positions: batch }, fleet.driverTokens[0]);
    expect(posted).toEqual({ status: 200, body: { accepted: 3, duplicates: 0 } });
    const replayed = await node.request('POST', '/api/v1/positions', { positions: [...batch, fix(first + 3)] }, fleet.driverTokens[0]);
    expect(replayed.body).toEqual({ accepted: 1, duplicates: 3 });
    clock = first + 3;

    const own = await node.request('GET', '/api/v1/vehicles/positions', undefined, fleet.driverTokens[0]);
    expect(own.body.items).toEqual([expect.objectContaining({ vehicleId: fleet.vehicleIds[0], recordedAt: first + 3 })]);
    const asDispatcher = await node.request('POST', '/api/v1/positions', { positions: batch }, fleet.dispatcherToken);
    expect(asDispatcher.status).toBe(403);
  });

  it('answers malformed and out-of-range positions and reports by non-drivers with an error ack', async () => {
    const driver = node.connect({ token: fleet.driverTokens[0] });
    await joined(driver);
    const outOfRange = await request(driver, 'position:report', { ...fix(nextFixTime()), location: [8.7, 95] });
    expect(outOfRange.error).toMatchObject({ code: 'invalid_input', details: [expect.objectContaining({ path: '[0].location[1]' })] });
    const malformed = await request(driver, 'position:report', 'here');
    expect(malformed.error.code).toBe('invalid_input');
    const future = await request(driver, 'position:report', fix(nowEpoch() + 3600));
    expect(future.error).toMatchObject({ code: 'invalid_input', details: [{ path: '[0].recordedAt', message: expect.stringContaining('future') }] });

    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await joined(dispatcher);
    expect((await request(dispatcher, 'position:report', fix(nextFixTime()))).error.code).toBe('forbidden');
  });

  it('rate-limits a flooding connection without disturbing another driver', async () => {
    const flooder = node.connect({ token: fleet.driverTokens[0] });
    const calm = node.connect({ token: fleet.driverTokens[1] });
    await Promise.all([joined(flooder), joined(calm)]);
    const replies = await Promise.all(Array.from({ length: 40 }, () => request(flooder, 'position:report', fix(nextFixTime()))));
    const limited = replies.filter((reply) => reply.error?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(25);
    expect(replies.filter((reply) => reply.accepted === 1).length).toBeGreaterThanOrEqual(10);
    expect(await request(calm, 'position:report', fix(nextFixTime() + 500))).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("forwards a plan's progress to its depot's dispatchers only", async () => {
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const driver = node.connect({ token: fleet.driverTokens[0] });
    await Promise.all([joined(dispatcher), joined(driver)]);
    const seenByDriver: unknown[] = [];
    driver.on('plan:progress', (event) => seenByDriver.push(event));
    const progress = nextEvent<Sequenced<'plan:progress'>>(dispatcher, 'plan:progress');
    node.events.publish('plan.progress', { planId: 41, depotId: fleet.depotId, progress: { bestCost: 1234, unassigned: 2, elapsedMs: 800 } });
    expect((await progress).data).toEqual({ planId: 41, bestCost: 1234, unassigned: 2, elapsedMs: 800 });
    await node.realtime.feed.flush();
    expect(seenByDriver).toEqual([]);
  });

  it('numbers what a disconnected client missed, and gives it the state now when it joins again', async () => {
    const driver = node.connect({ token: fleet.driverTokens[1] });
    await joined(driver);
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const { seq: lastSeen } = await joined(dispatcher);
    dispatcher.disconnect();

    const times = [nextFixTime() + 1000, nextFixTime() + 1000, nextFixTime() + 1000];
    for (const time of times) await request(driver, 'position:report', fix(time));
    await node.realtime.feed.flush();

    const back = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const snapshot = await joined(back);
    expect(snapshot).toMatchObject({ room: `depot:${fleet.depotId}`, seq: lastSeen + 3 });
    expect(snapshot.vehicles.find((vehicle: { vehicleId: number }) => vehicle.vehicleId === fleet.vehicleIds[1])!.recordedAt).toBe(times[2]);
  });

  it("refuses a customer whose tracking link the office revoked, as the tracking page does", async () => {
    const order = fleet.orders[fleet.orders.length - 1]!;
    await joined(node.connect({ token: order.trackingToken }));
    await new TrackingLinksRepository(database.knex).revoke(order.id, 'test', new Date());
    const refused = await connectError(node.connect({ token: order.trackingToken }));
    expect(refused.data?.error.code).toBe('link_revoked');
  });
});

// Two server processes' worth of service on one PostgreSQL database: rooms span both.
describe.each(testDatabases().filter((backend) => backend.engine === 'postgres'))('realtime across two servers on $engine', (backend) => {
  let database: TestDatabase;
  let second: TestDatabase;
  let pools: pg.Pool[];
  let nodes: [Node, Node];
  let fleet: Fleet;

  beforeAll(async () => {
    database = await backend.open();
    const schema = ((await database.knex.raw('select current_schema() as schema')) as { rows: { schema: string }[] }).rows[0]!.schema;
    const url = process.env.TEST_DATABASE_URL!;
    const opened = openDatabase({ engine: 'postgres', url, schema });
    second = { ...opened, dispose: () => opened.close() };
    pools = [0, 1].map(() => new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 }));
    const shared = { adapterChannel: `socket.io_${schema}`, feed: { flushIntervalMs: 10 } };
    nodes = [await startNode(database, { ...shared, pool: pools[0] }), await startNode(second, { ...shared, pool: pools[1] })];
    fleet = await seedFleet(nodes[0]);
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    for (const pool of pools) await pool.end();
    await second.dispose();
    await database.dispose();
  });

  it('carries a driver on one server to a dispatcher on the other, numbered in one sequence', async () => {
    const dispatcher = nodes[1].connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const { seq: joinedAt } = await joined(dispatcher);
    const driverA = nodes[0].connect({ token: fleet.driverTokens[0] });
    const driverB = nodes[1].connect({ token: fleet.driverTokens[1] });
    await Promise.all([joined(driverA), joined(driverB)]);

    const fromA = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved', (event) => event.data.positions.some((position) => position.vehicleId === fleet.vehicleIds[0]));
    expect(await request(driverA, 'position:report', fix(nowEpoch() - 10))).toEqual({ accepted: 1, duplicates: 0 });
    const first = await fromA;
    const fromB = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved', (event) => event.data.positions.some((position) => position.vehicleId === fleet.vehicleIds[1]));
    await request(driverB, 'position:report', fix(nowEpoch() - 10));
    const second = await fromB;
    expect([first.seq, second.seq]).toEqual([joinedAt + 1, joinedAt + 2]);
  });
});
