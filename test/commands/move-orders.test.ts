import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { inTransaction, type CommandContext } from '../../src/commands/context';
import { createOrder } from '../../src/commands/create-order';
import { moveOrders } from '../../src/commands/move-orders';
import { vehicleContent } from '../../src/commands/vehicle-content';
import { repositories } from '../../src/db/repositories';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { AppError } from '../../src/errors';
import { createOrderSchema } from '../../src/protocol/orders-api';
import { vehicleInputSchema } from '../../src/protocol/vehicles';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { orderInput } from '../helpers/orders';

describe.each(testDatabases())('moveOrders on $engine', (backend) => {
  let database: TestDatabase;
  let context: CommandContext;
  let vehicleId: number;

  beforeAll(async () => {
    database = await backend.open();
    context = { db: database.knex, events: new EventBus(), clock: systemClock };
    const repos = repositories(context.db);
    const depot = await repos.depots.insert({ name: 'Depot', location: [8.67, 49.41], address: 'Somewhere', timeZone: 'Europe/Berlin', openingHours: {} });
    vehicleId = (await repos.vehicles.insert(vehicleContent(vehicleInputSchema.parse({ name: 'Van', startDepotId: depot.id, capacity: { weightKg: 1, volumeL: 1, items: 1 } })))).id;
  });
  afterAll(async () => {
    await database.dispose();
  });

  const order = async (k: number) => createOrder(context, createOrderSchema.parse(orderInput(k, { externalRef: `move-${k}` })), systemPrincipal);
  const timeline = async (orderId: number) =>
    (await repositories(context.db).orderEvents.listForOrder(orderId)).filter((event) => event.type === 'status_changed').map((event) => [event.fromStatus, event.toStatus, event.reason]);

  it('takes each step of the path after the status the order has, assigning the vehicle, with an event per step', async () => {
    const created = await order(1);
    const changes = await inTransaction(context, (repos) => moveOrders(repos, [{ order: created, path: ['ready', 'planned', 'dispatched'], vehicleId, reason: 'go', earlierStepsReason: null }], 'user:7'));
    expect(changes.map((change) => [change.from, change.to, change.reason, change.actor])).toEqual([
      ['received', 'ready', null, 'user:7'],
      ['ready', 'planned', null, 'user:7'],
      ['planned', 'dispatched', 'go', 'user:7'],
    ]);
    const stored = (await repositories(context.db).orders.findById(created.id))!;
    expect([stored.status, stored.assignedVehicleId]).toEqual(['dispatched', vehicleId]);
    expect(await timeline(created.id)).toEqual([['received', 'ready', null], ['ready', 'planned', null], ['planned', 'dispatched', 'go']]);

    // Steps already taken are skipped; the rest of the path still applies.
    const again = await inTransaction(context, (repos) => moveOrders(repos, [{ order: stored, path: ['planned', 'dispatched', 'out_for_delivery'] }], 'user:7'));
    expect(again.map((change) => change.to)).toEqual(['out_for_delivery']);
  });

  it('releases the vehicle when the order leaves its plan, unless a vehicle is given', async () => {
    const created = await order(2);
    const [, planned] = await inTransaction(context, (repos) => moveOrders(repos, [{ order: created, path: ['ready', 'planned'], vehicleId }], 'system'));
    expect(planned!.order.assignedVehicleId).toBe(vehicleId);
    const [back] = await inTransaction(context, (repos) => moveOrders(repos, [{ order: planned!.order, path: ['ready'] }], 'system'));
    expect(back!.order.assignedVehicleId).toBeNull();
  });

  it('refuses an illegal step with a 409 naming the allowed ones, and the transaction writes nothing', async () => {
    const first = await order(3);
    const second = await order(4);
    const error = await inTransaction(context, (repos) =>
      moveOrders(repos, [{ order: first, path: ['ready'] }, { order: second, path: ['delivered'] }], 'system'),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(409);
    expect((error as AppError).message).toContain('allowed from received: ready, cancelled');
    expect((await repositories(context.db).orders.findById(first.id))!.status).toBe('received');
    expect(await timeline(first.id)).toEqual([]);
  });
});
