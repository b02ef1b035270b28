/**
 * Nothing one server process keeps in memory that another needs: two services on one database (two event buses,
 * as two processes have), a van reporting to the first, the second asked where it is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reads } from '../../src/commands/context';
import { RateLimiters } from '../../src/auth/rate-limits';
import { trackedPositions } from '../../src/planning/tracked-positions';
import type { RoomSnapshot } from '../../src/protocol/socket';
import { testDatabases } from '../helpers/database';
import { fix, nextEvent, nowEpoch, seedFleet, startNode, type Node } from './harness';

describe.each(testDatabases())('two services on one $engine database', (backend) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function twoNodes(): Promise<[Node, Node]> {
    const database = await backend.open();
    cleanup.push(() => database.dispose());
    const nodes: [Node, Node] = [await startNode(database), await startNode(database)];
    cleanup.push(async () => void (await Promise.all(nodes.map((node) => node.close()))));
    return nodes;
  }

  it("a van's last position reported to one is in the other's room snapshots and in its live routes", async () => {
    const [first, second] = await twoNodes();
    const fleet = await seedFleet(first);
    const recordedAt = nowEpoch() - 5;
    const posted = await first.request('POST', '/api/v1/positions', { positions: [fix(recordedAt, [8.6812, 49.4077])] }, fleet.driverTokens[0]);
    expect(posted.status).toBe(200);

    const console = second.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const depot = await nextEvent<RoomSnapshot>(console, 'room:joined');
    expect(depot.vehicles).toEqual([expect.objectContaining({ vehicleId: fleet.vehicleIds[0], location: [8.6812, 49.4077], recordedAt })]);
    const customer = second.connect({ token: fleet.orders[0]!.trackingToken });
    const order = await nextEvent<RoomSnapshot>(customer, 'room:joined');
    expect(order.vehicles.map((vehicle) => vehicle.location)).toEqual([[8.6812, 49.4077]]);

    // What live insertion and ETAs start a van from, read on the second.
    const latest = await trackedPositions.latest(reads(second.commands), [fleet.vehicleIds[0], fleet.vehicleIds[1]]);
    expect([...latest]).toEqual([[fleet.vehicleIds[0], { location: [8.6812, 49.4077], epochSeconds: recordedAt }]]);

    // A newer fix to the second moves the van for a console of the first.
    await second.request('POST', '/api/v1/positions', { positions: [fix(recordedAt + 1, [8.69, 49.41])] }, fleet.driverTokens[0]);
    const again = await nextEvent<RoomSnapshot>(first.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId }), 'room:joined');
    expect(again.vehicles.map((vehicle) => vehicle.location)).toEqual([[8.69, 49.41]]);
  });

  // PGlite belongs to one process, whose limiters count in memory; on PostgreSQL every process counts in one table.
  if (backend.engine === 'postgres') it('rate-limit counters are shared: what one process counted, the other refuses', async () => {
    const database = await backend.open();
    cleanup.push(() => database.dispose());
    const limits = { points: 3, durationSeconds: 60 };
    const all = { loginPerUser: limits, loginPerAddress: limits, trackingPerAddress: limits, positionsPerDriver: limits, apiPerToken: limits };
    const [first, second] = [new RateLimiters(all, database.knex), new RateLimiters(all, database.knex)];
    await first.consume('loginPerUser', 'someone');
    await second.consume('loginPerUser', 'someone');
    await first.consume('loginPerUser', 'someone');
    await expect(second.consume('loginPerUser', 'someone')).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    await second.consume('loginPerUser', 'someone else');
  });
});
