/**
 * The room-event log ages by the service's clock (which also stamps each event), and the customers' position throttle
 * runs on the monotonic clock the server is given: both are stepped here, so neither depends on the machine's time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock';
import type { RoomSnapshot, Sequenced } from '../../src/protocol/socket';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { fix, nextEvent, request, seedFleet, startNode, type Fleet, type Node } from './harness';

describe.each(testDatabases())('realtime clocks on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  // The service's clock, hours away from the machine's, and the monotonic one, near zero as performance.now() starts.
  let serviceMs = Date.parse('2031-05-06T09:00:00Z');
  let monotonicMs = 1_000;
  const serviceClock: Clock = { nowMs: () => serviceMs };
  const intervals: Clock = { nowMs: () => monotonicMs };

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { clock: serviceClock, intervals, feed: { flushIntervalMs: 10, retentionSeconds: 600 } });
    fleet = await seedFleet(node);
  });
  afterAll(async () => {
    await node.close();
    await database.dispose();
  });

  it("prunes the room log by the service's clock: an event older than the retention goes, a newer one stays", async () => {
    const room = `depot:${fleet.depotId}`;
    const view = { planId: 1, bestCost: 1, unassigned: 0, elapsedMs: 1 };
    const start = await node.realtime.feed.snapshotOf(room);
    node.realtime.feed.publish(room, 'plan:progress', view);
    await node.realtime.feed.flush();
    serviceMs += 300_000;
    node.realtime.feed.publish(room, 'plan:progress', { ...view, elapsedMs: 2 });
    await node.realtime.feed.flush();
    // Five minutes on: both are inside the ten minutes kept.
    await node.realtime.feed.prune();
    expect((await node.realtime.feed.missedSince(room, start.seq))?.map((event) => event.data)).toEqual([view, { ...view, elapsedMs: 2 }]);

    serviceMs += 301_000;
    await node.realtime.feed.prune();
    // The first is gone, so a client that missed it is given the state; one that had it gets the second.
    expect(await node.realtime.feed.missedSince(room, start.seq)).toBeNull();
    expect((await node.realtime.feed.missedSince(room, start.seq + 1))?.map((event) => event.data)).toEqual([{ ...view, elapsedMs: 2 }]);

    serviceMs += 600_000;
    await node.realtime.feed.prune();
    expect(await node.realtime.feed.missedSince(room, start.seq + 1)).toBeNull();
  });

  it("tells a customer of their van's position at most every 10 s of the monotonic clock, whatever the service's clock says", async () => {
    const [order] = fleet.orders;
    const customer = node.connect({ token: order!.trackingToken });
    await nextEvent<RoomSnapshot>(customer, 'room:joined');
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await nextEvent<RoomSnapshot>(dispatcher, 'room:joined');
    const driver = node.connect({ token: fleet.driverTokens[0] });
    await nextEvent<RoomSnapshot>(driver, 'room:joined');
    const toCustomer: number[] = [];
    customer.on('vehicles:moved', (event) => toCustomer.push(...event.data.positions.map((position) => position.recordedAt)));

    let recordedAt = Math.floor(serviceMs / 1000);
    /** Reports a fix, and waits until the office has it: by then the customer's throttle has decided. */
    const report = async () => {
      recordedAt += 1;
      const seen = nextEvent<Sequenced<'vehicles:moved'>>(dispatcher, 'vehicles:moved', (event) => event.data.positions.some((position) => position.recordedAt === recordedAt));
      expect(await request(driver, 'position:report', fix(recordedAt))).toEqual({ accepted: 1, duplicates: 0 });
      await seen;
      await node.realtime.feed.flush();
      return recordedAt;
    };

    // A van seen for the first time waits part of the interval: the customer has its position from the snapshot.
    await report();
    // The service's clock racing ahead moves nothing.
    serviceMs += 3_600_000;
    await report();
    monotonicMs += 10_000;
    const second = await report();
    monotonicMs += 5_000;
    await report();
    monotonicMs += 5_000;
    const fourth = await report();
    // The room's events arrive in order: once the fourth is there, every earlier one the customer was sent is too.
    await expect.poll(() => toCustomer.at(-1)).toBe(fourth);
    expect(toCustomer).toEqual([second, fourth]);
  });
});
