import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { transitionOrder } from '../../src/commands/transition-order';
import { repositories } from '../../src/db/repositories';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { linkToken, orderInput } from '../helpers/orders';
import { fix, nextEvent, nowEpoch, request, seedFleet, startNode, type Fleet, type Node } from './harness';

/** Keys the office and the driver see that a customer's socket must never carry. */
const internalKeys = ['notes', 'note', 'customerName', 'customerPhone', 'customerEmail', 'addressText', 'trackingToken', 'externalRef', 'actor', 'username', 'driverId'];

function keysOf(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      found.add(key);
      keysOf(inner, found);
    }
  }
  return found;
}

describe.each(testDatabases())("a customer's socket on $engine", (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10 } });
    fleet = await seedFleet(node);
  });
  afterAll(async () => {
    await node.close();
    await database.dispose();
  });

  it('carries no internal notes, contact details or other customers in the snapshot or any fact', async () => {
    const created = await node.request('POST', '/api/v1/orders', {
      ...orderInput(7, { externalRef: 'private-7', notes: 'Internal: dog bites, key under mat' }),
      customerPhone: '+49 6221 123456',
      customerEmail: 'private@example.com',
      depotId: fleet.depotId,
    });
    const mine = { id: (created.body as { id: number }).id, trackingToken: linkToken((created.body as { trackingLink: string }).trackingLink) };
    const repos = repositories(node.commands.db);
    await repos.orders.setAssignedVehicle(mine.id, fleet.vehicleIds[0]);
    await repos.orders.setStatusMany([mine.id], 'out_for_delivery');

    const customer = node.connect({ token: mine.trackingToken });
    const payloads: unknown[] = [];
    customer.onAny((_event: string, payload: unknown) => payloads.push(payload));
    await nextEvent(customer, 'room:joined');
    const driver = node.connect({ token: fleet.driverTokens[0] });
    await nextEvent(driver, 'room:joined');
    await request(driver, 'position:report', fix(nowEpoch()));
    const arrived = nextEvent(customer, 'order:status');
    await transitionOrder(node.commands, fleet.orders[0]!.id, { status: 'arrived' }, systemPrincipal);
    await transitionOrder(node.commands, mine.id, { status: 'arrived', reason: 'at the door' }, systemPrincipal);
    await arrived;
    await node.realtime.feed.flush();

    expect(payloads.length).toBeGreaterThanOrEqual(2);
    const keys = keysOf(payloads);
    expect(internalKeys.filter((key) => keys.has(key))).toEqual([]);
    const text = JSON.stringify(payloads);
    expect(text).not.toMatch(/dog bites|private@example\.com|6221|Hauptstraße|Customer 7/);
    for (const other of fleet.orders) {
      expect(text).not.toContain(other.trackingToken);
      expect(text).not.toMatch(new RegExp(`"orderId":${other.id}[,}]`));
    }
  });
});
