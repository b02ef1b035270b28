import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import type { CommandContext } from '../../src/commands/context';
import { createOrder } from '../../src/commands/create-order';
import { transitionOrder } from '../../src/commands/transition-order';
import { repositories } from '../../src/db/repositories';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { createOrderSchema } from '../../src/protocol/orders-api';
import { vehicleInputSchema } from '../../src/protocol/vehicles';
import { vehicleContent } from '../../src/commands/vehicle-content';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { orderInput } from '../helpers/orders';

describe.each(testDatabases())('transitionOrder on $engine', (backend) => {
  let database: TestDatabase;
  let context: CommandContext;
  const published: string[] = [];

  beforeAll(async () => {
    database = await backend.open();
    context = { db: database.knex, events: new EventBus(), clock: systemClock };
    context.events.on('order.status_changed', ({ order, to }) => published.push(`${order.id}:${to}`));
  });
  afterAll(async () => {
    await database.dispose();
  });

  it('releases the vehicle when a planned order goes back to ready', async () => {
    const order = await createOrder(context, createOrderSchema.parse(orderInput(1)), systemPrincipal);
    const repos = repositories(context.db);
    await transitionOrder(context, order.id, { status: 'ready' }, systemPrincipal);
    await transitionOrder(context, order.id, { status: 'planned' }, systemPrincipal);
    const depot = await repos.depots.insert({ name: 'Depot', location: [8.67, 49.41], address: 'Somewhere', timeZone: 'Europe/Berlin', openingHours: {} });
    const vehicle = await repos.vehicles.insert(vehicleContent(vehicleInputSchema.parse({ name: 'Van', startDepotId: depot.id, capacity: { weightKg: 1, volumeL: 1, items: 1 } })));
    await repos.orders.setAssignedVehicle(order.id, vehicle.id);
    const back = await transitionOrder(context, order.id, { status: 'ready', reason: 'replan' }, systemPrincipal);
    expect(back.assignedVehicleId).toBeNull();
    expect(back.status).toBe('ready');
  });

  it('writes nothing and publishes nothing when the move is illegal', async () => {
    const order = await createOrder(context, createOrderSchema.parse(orderInput(2)), systemPrincipal);
    published.length = 0;
    await expect(transitionOrder(context, order.id, { status: 'delivered' }, systemPrincipal)).rejects.toMatchObject({ status: 409 });
    expect(published).toEqual([]);
    const events = await repositories(context.db).orderEvents.listForOrder(order.id);
    expect(events.map((event) => event.type)).toEqual(['created']);
  });

  it('serializes concurrent transitions of one order: exactly one of two racing moves wins', async () => {
    const order = await createOrder(context, createOrderSchema.parse(orderInput(3)), systemPrincipal);
    const results = await Promise.allSettled([
      transitionOrder(context, order.id, { status: 'ready' }, systemPrincipal),
      transitionOrder(context, order.id, { status: 'ready' }, systemPrincipal),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const events = await repositories(context.db).orderEvents.listForOrder(order.id);
    expect(events.filter((event) => event.toStatus === 'ready')).toHaveLength(1);
  });
});
