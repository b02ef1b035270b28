/**
 * Many orders to one status in one transaction (select all imported orders → ready). Partial by design: every
 * order that may take the step moves, each one that may not is listed with why (unknown, or the lifecycle says no),
 * so one stray order does not hold back an import of thousands. Drivers cannot move in bulk (the route says so).
 */
import type { Principal } from '../auth/principal';
import { allowedTransitions, canTransition } from '../domain/order-lifecycle';
import { invalidInput } from '../errors';
import { maxBulkTransition, type BulkTransitionInput } from '../protocol/orders-api';
import { inTransaction, type CommandContext } from './context';
import { moveOrders, publishStatusChanges } from './move-orders';
import type { Order, OrderStatus } from '../domain/model/order';

export interface BulkTransitionOutcome {
  moved: number[];
  refused: { orderId: number; status: OrderStatus | null; message: string }[];
}

export async function transitionOrders(context: CommandContext, input: BulkTransitionInput, by: Principal): Promise<BulkTransitionOutcome> {
  const { changes, outcome } = await inTransaction(context, async (repos) => {
    const ids = input.orderIds ?? (await matching(repos, input.filter!));
    const orders = await repos.orders.findByIdsForUpdate(ids);
    const found = new Map(orders.map((order) => [order.id, order]));
    const refused: BulkTransitionOutcome['refused'] = [];
    const movable: Order[] = [];
    for (const id of new Set(ids)) {
      const order = found.get(id);
      if (!order) refused.push({ orderId: id, status: null, message: `order ${id} does not exist` });
      else if (!canTransition(order.status, input.status)) refused.push({ orderId: id, status: order.status, message: refusal(order.status, input.status) });
      else movable.push(order);
    }
    const changes = await moveOrders(repos, movable.map((order) => ({ order, path: [input.status], reason: input.reason ?? null })), by.actor);
    return { changes, outcome: { moved: movable.map((order) => order.id), refused } };
  });
  publishStatusChanges(context.events, changes);
  return outcome;
}

function refusal(from: OrderStatus, to: OrderStatus): string {
  if (from === to) return `already ${to}`;
  const allowed = allowedTransitions(from);
  return `cannot move from ${from} to ${to} (${allowed.length === 0 ? `${from} is final` : `allowed from ${from}: ${allowed.join(', ')}`})`;
}

async function matching(repos: Parameters<Parameters<typeof inTransaction>[1]>[0], filter: NonNullable<BulkTransitionInput['filter']>): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.orders.list({ status: filter.status, depotId: filter.depotId }, { limit: 500, cursor });
    ids.push(...page.items.map((order) => order.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length <= maxBulkTransition);
  if (ids.length > maxBulkTransition) throw invalidInput(`The filter matches more than ${maxBulkTransition} orders; narrow it`, [{ path: 'filter', message: `more than ${maxBulkTransition} orders match` }]);
  return ids;
}
