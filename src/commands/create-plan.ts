/**
 * Queues a plan run for a depot's day. Vehicles default to those starting at the depot, orders to the day's
 * ready (or rescheduled) orders there. Unknown ids are 400; orders that cannot be planned are 409, named. A plan may
 * replace a succeeded, not yet dispatched plan of the same day: the orders planned there may be planned again, and
 * the replaced plan is superseded when the new one succeeds (see storePlanResult).
 */
import type { Principal } from '../auth/principal';
import { inSequence } from '../db/executor';
import type { Repositories } from '../db/repositories';
import { canTransition } from '../domain/order-lifecycle';
import { localDayRange } from '../domain/time';
import { conflict, invalidInput, type ErrorDetail } from '../errors';
import type { CreatePlanInput } from '../protocol/plans';
import { inTransaction, type CommandContext } from './context';
import type { Order, OrderStatus } from '../domain/model/order';
import type { PlanRecord } from '../domain/model/plan';

const plannableStatuses: OrderStatus[] = ['ready', 'rescheduled'];
const pageLimit = 500;

export async function createPlan(context: CommandContext, input: CreatePlanInput, by: Principal): Promise<PlanRecord> {
  const plan = await inTransaction(context, async (repos) => {
    const depot = await repos.depots.findById(input.depotId);
    if (!depot) throw invalidInput('Unknown depot', [{ path: 'depotId', message: `depot ${input.depotId} does not exist` }]);
    const issues: ErrorDetail[] = [];
    const vehicleIds = input.vehicleIds ?? (await depotVehicleIds(repos, depot.id));
    if (input.vehicleIds) {
      const found = await inSequence(input.vehicleIds, (id) => repos.vehicles.findById(id));
      found.forEach((vehicle, index) => vehicle || issues.push({ path: `vehicleIds[${index}]`, message: `vehicle ${input.vehicleIds![index]} does not exist` }));
    } else if (vehicleIds.length === 0) {
      issues.push({ path: 'vehicleIds', message: `depot ${depot.id} has no vehicles; name some` });
    }
    const replaced = input.replacesPlanId === undefined ? null : await replaceablePlan(repos, input, issues);
    let orders: Order[];
    if (input.orderIds) {
      const found = await inSequence(input.orderIds, (id) => repos.orders.findById(id));
      found.forEach((order, index) => order || issues.push({ path: `orderIds[${index}]`, message: `order ${input.orderIds![index]} does not exist` }));
      orders = found.filter((order): order is Order => order !== null);
    } else {
      orders = await dayOrders(repos, depot.id, localDayRange(input.date, depot.timeZone));
      // The replaced plan's orders are planned, not ready: taken as well.
      if (replaced) orders.push(...(await inSequence(replaced.orderIds, (id) => repos.orders.findById(id))).filter((order): order is Order => order?.status === 'planned'));
      if (orders.length === 0) issues.push({ path: 'orderIds', message: `depot ${depot.id} has no ready orders on ${input.date}` });
    }
    if (issues.length > 0) throw invalidInput(`The plan request has ${issues.length} issue${issues.length === 1 ? '' : 's'}`, issues);
    if (replaced && replaced.status !== 'succeeded') {
      throw conflict(`Plan ${replaced.id} is ${replaced.status}; only a succeeded plan that was not dispatched can be replaced`, [{ path: 'replacesPlanId', message: `plan ${replaced.id} is ${replaced.status}` }]);
    }
    const blocked = orders.filter((order) => !canTransition(order.status, 'planned') && !(order.status === 'planned' && replaced?.orderIds.has(order.id)));
    if (blocked.length > 0) {
      throw conflict(
        `${blocked.length} order${blocked.length === 1 ? '' : 's'} cannot be planned: ${blocked.map((order) => `${order.id} (${order.status})`).join(', ')}`,
        blocked.map((order) => ({ path: 'orderIds', message: `order ${order.id} is ${order.status}; only ready or rescheduled orders can be planned`, orderId: order.id, status: order.status })),
      );
    }
    return repos.plans.insert({
      depotId: depot.id,
      date: input.date,
      vehicleIds,
      orderIds: orders.map((order) => order.id),
      options: input.options,
      timeLimitSeconds: input.timeLimitSeconds,
      createdBy: by.actor,
      replacesPlanId: replaced?.id,
    });
  });
  context.events.publish('plan.status_changed', { planId: plan.id, depotId: plan.depotId, status: 'queued', actor: by.actor });
  return plan;
}

/**
 * The plan a new one is to replace: of the same depot and day. Its planned orders may be planned again; its status
 * is checked by the caller after the request's other issues (a 409, not a 400).
 */
async function replaceablePlan(repos: Repositories, input: CreatePlanInput, issues: ErrorDetail[]) {
  const plan = await repos.plans.findById(input.replacesPlanId!);
  if (!plan) {
    issues.push({ path: 'replacesPlanId', message: `plan ${input.replacesPlanId} does not exist` });
    return null;
  }
  if (plan.depotId !== input.depotId || plan.date !== input.date) {
    issues.push({ path: 'replacesPlanId', message: `plan ${plan.id} is for depot ${plan.depotId} on ${plan.date}, not depot ${input.depotId} on ${input.date}` });
    return null;
  }
  const orderIds = new Set(await repos.routes.orderIdsOfPlan(plan.id));
  return { id: plan.id, status: plan.status, orderIds };
}

/** Every vehicle starting at the depot. */
export async function depotVehicleIds(repos: Repositories, depotId: number): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.vehicles.list({ depotId }, { limit: pageLimit, cursor });
    ids.push(...page.items.map((vehicle) => vehicle.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/** The depot's ready or rescheduled orders with a window in the day. */
export async function dayOrders(repos: Repositories, depotId: number, [fromEpoch, toEpoch]: [number, number]): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.orders.list({ depotId, status: plannableStatuses, windowFromEpoch: fromEpoch, windowToEpoch: toEpoch }, { limit: pageLimit, cursor });
    orders.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return orders;
}
