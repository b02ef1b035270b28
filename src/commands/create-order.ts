import type { Principal } from '../auth/principal';
import { repositories } from '../db/repositories';
import { conflict, invalidInput } from '../errors';
import { placeOrder, type Geocoding } from '../geocoding/place-order';
import type { CreateOrderInput } from '../protocol/orders-api';
import { toOrderDraft } from '../protocol/orders';
import { inTransaction, type CommandContext } from './context';
import type { Order } from '../domain/model/order';
import { writeOrderEvents } from './order-timeline';

/** A new order with its tracking link's path, which exists only now: the secret is stored hashed. */
export type CreatedOrder = Order & { trackingLink: string };

/** Geocodes an order sent without a location first (outside the transaction), then stores it. */
export async function createOrder(context: CommandContext, input: CreateOrderInput, by: Principal, geocoding: Geocoding = {}): Promise<CreatedOrder> {
  const depots = repositories(context.db).depots;
  const depot = input.depotId !== undefined ? await depots.findById(input.depotId) : await soleDepot(depots);
  if (input.depotId !== undefined && !depot) throw unknownDepot(input.depotId);
  const placement = await placeOrder(input, geocoding, depot?.serviceArea ?? null);

  const order = await inTransaction(context, async (repos) => {
    if (input.depotId !== undefined && !(await repos.depots.findById(input.depotId))) throw unknownDepot(input.depotId);
    const depotId = input.depotId ?? (await repos.depots.soleDepotId());
    const created = await repos.orders.insert(toOrderDraft(input.source, input, placement), depotId);
    if (!created) {
      throw conflict(`An order with source "${input.source}" and externalRef "${input.externalRef}" already exists`, [
        { path: 'externalRef', message: 'already used by another order of this source' },
      ]);
    }
    const { order: stored, trackingLink } = created;
    // The confirmation carries the link: this transaction is the only moment it is known.
    await writeOrderEvents(
      repos,
      [{ orderId: stored.id, type: 'created', actor: by.actor, toStatus: stored.status, data: { source: input.source, geocodeConfidence: placement.geocodeConfidence } }],
      new Map([[stored.id, trackingLink]]),
    );
    return { ...stored, trackingLink };
  });
  return order;
}

const unknownDepot = (depotId: number) => invalidInput('Unknown depot', [{ path: 'depotId', message: `depot ${depotId} does not exist` }]);

async function soleDepot(depots: ReturnType<typeof repositories>['depots']) {
  const id = await depots.soleDepotId();
  return id === null ? null : depots.findById(id);
}
