import type { Principal } from '../auth/principal';
import { conflict, invalidInput } from '../errors';
import type { CreateOrderInput } from '../protocol/orders-api';
import { toOrderDraft } from '../protocol/orders';
import { inTransaction, type CommandContext } from './context';
import type { Order } from '../domain/model/order';
import { writeOrderEvents } from './order-timeline';

export async function createOrder(context: CommandContext, input: CreateOrderInput, by: Principal): Promise<Order> {
  const order = await inTransaction(context, async (repos) => {
    if (input.depotId !== undefined && !(await repos.depots.findById(input.depotId))) {
      throw invalidInput('Unknown depot', [{ path: 'depotId', message: `depot ${input.depotId} does not exist` }]);
    }
    const depotId = input.depotId ?? (await repos.depots.soleDepotId());
    const created = await repos.orders.insert(toOrderDraft(input.source, input), depotId);
    if (!created) {
      throw conflict(`An order with source "${input.source}" and externalRef "${input.externalRef}" already exists`, [
        { path: 'externalRef', message: 'already used by another order of this source' },
      ]);
    }
    await writeOrderEvents(repos, [
      { orderId: created.id, type: 'created', actor: by.actor, toStatus: created.status, data: { source: input.source } },
    ]);
    return created;
  });
  return order;
}
