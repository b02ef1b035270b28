/** Every repository over one executor: the root connection, or a command's transaction. */
import type { Executor } from './executor';
import { DepotsRepository } from './repos/depots.repo';
import { DriversRepository } from './repos/drivers.repo';
import { OrderEventsRepository } from './repos/order-events.repo';
import { OrdersRepository } from './repos/orders.repo';
import { UsersRepository } from './repos/users.repo';
import { VehiclesRepository } from './repos/vehicles.repo';

export function repositories(db: Executor) {
  return {
    depots: new DepotsRepository(db),
    vehicles: new VehiclesRepository(db),
    drivers: new DriversRepository(db),
    users: new UsersRepository(db),
    orders: new OrdersRepository(db),
    orderEvents: new OrderEventsRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
