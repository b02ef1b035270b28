/**
 * One dispatcher edit of a plan: move a stop (to another route or position), lock or unlock stops, remove an
 * order, add an order. The touched routes are recomputed by the solver's plan mode, in the order the dispatcher
 * set (a moved or added stop is locked there), and the answer lists their arrivals and violations. With
 * `preview` nothing is written; otherwise the routes are saved and the plan's version goes up by one.
 * Stops done or in progress cannot be edited. A vehicle with no route in the plan gets one when a stop is moved
 * or added to it.
 */
import { moveOrders, publishStatusChanges, type StatusChange } from './move-orders';
import { nowEpochSeconds } from '../domain/clock';
import type { Principal } from '../auth/principal';
import type { Repositories } from '../db/repositories';
import { canTransition } from '../domain/order-lifecycle';
import { conflict, invalidInput, notFound } from '../errors';
import type { LiveRoute } from '../planning/live-routes';
import { evaluateEdited, openWorkspace, pendingOf, previewEvaluated, routeFor, saveEvaluated, type PreviewedRoute, type Workspace } from '../planning/plan-workspace';
import type { PlanEdit } from '../protocol/plans';
import type { VroomViolation } from '../../solver/index';
import { inTransaction } from './context';
import { assertEditablePlan, type InsertionDeps } from './insert-live-order';
import type { Order, OrderStatus } from '../domain/model/order';
import type { RouteRecord } from '../domain/model/route';

export interface EditOutcome {
  preview: boolean;
  version: number;
  depotId: number;
  /** Stops carry their ids; in a preview, a stop new to the plan has none yet. */
  routes: PreviewedRoute[] | RouteRecord[];
  violations: VroomViolation[];
}

export async function editPlan(deps: InsertionDeps, planId: number, edit: PlanEdit, options: { preview: boolean }, by: Principal): Promise<EditOutcome> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  const outcome = await inTransaction(deps.context, async (repos) => {
    const plan = await assertEditablePlan(await repos.plans.findByIdForUpdate(planId), planId);
    const workspace = await openWorkspace(repos, plan, deps.routing, deps.positions, nowEpoch);
    const transitions = await applyEdit(repos, workspace, edit);
    const evaluated = await evaluateEdited(workspace);
    let version = plan.version;
    let routes: PreviewedRoute[] | RouteRecord[] = previewEvaluated(workspace, evaluated);
    let moved: StatusChange[] = [];
    if (!options.preview) {
      ({ version, routes } = await saveEvaluated(repos, workspace, evaluated));
      const reason = `plan ${planId} edited (${edit.type})`;
      moved = await moveOrders(repos, transitions.map(({ order, to, vehicleId }) => ({ order, path: to, vehicleId, reason, data: { planId } })), by.actor);
    }
    const violations: VroomViolation[] = [];
    for (const { draft } of evaluated) for (const violation of draft.violations) if (!violations.some((v) => v.cause === violation.cause)) violations.push({ cause: violation.cause });
    return { depotId: plan.depotId, version, moved, routes, violations };
  });
  if (!options.preview) {
    publishStatusChanges(deps.context.events, outcome.moved);
    deps.context.events.publish('plan.changed', { planId, depotId: outcome.depotId, version: outcome.version, routeIds: outcome.routes.flatMap((route) => (route.id === null ? [] : [route.id])), actor: by.actor });
  }
  return { preview: options.preview, version: outcome.version, depotId: outcome.depotId, routes: outcome.routes, violations: outcome.violations };
}

interface OrderTransition {
  order: Order;
  to: OrderStatus[];
  vehicleId: number | null;
}

/** Changes the workspace's pending sequences; returns the order status changes the edit implies. */
async function applyEdit(repos: Repositories, workspace: Workspace, edit: PlanEdit): Promise<OrderTransition[]> {
  switch (edit.type) {
    case 'move': {
      const { route, index } = await findPendingStop(repos, workspace, edit.orderId);
      const [stop] = (await pendingOf(repos, workspace, route)).splice(index, 1);
      const target = await routeFor(repos, workspace, edit.vehicleId);
      (await pendingOf(repos, workspace, target)).splice(gapIndex(target, edit.position, await pendingOf(repos, workspace, target)), 0, { ...stop!, locked: true });
      if (target !== route) return [{ order: stop!.order, to: [], vehicleId: edit.vehicleId }];
      return [];
    }
    case 'lock':
    case 'unlock': {
      for (const orderId of edit.orderIds) {
        const { route, index } = await findPendingStop(repos, workspace, orderId);
        (await pendingOf(repos, workspace, route))[index]!.locked = edit.type === 'lock';
      }
      return [];
    }
    case 'remove': {
      const { route, index } = await findPendingStop(repos, workspace, edit.orderId);
      const [stop] = (await pendingOf(repos, workspace, route)).splice(index, 1);
      if (stop!.order.status === 'cancelled') return [];
      if (!canTransition(stop!.order.status, 'ready')) {
        throw conflict(`Order ${edit.orderId} is ${stop!.order.status}; cancel it instead of removing it from the dispatched route`, [{ path: 'orderId', message: `order is ${stop!.order.status}` }]);
      }
      return [{ order: stop!.order, to: ['ready'], vehicleId: null }];
    }
    case 'add': {
      const order = await repos.orders.findByIdForUpdate(edit.orderId);
      if (!order) throw invalidInput('Unknown order', [{ path: 'orderId', message: `order ${edit.orderId} does not exist` }]);
      if (!canTransition(order.status, 'planned')) {
        throw conflict(`Order ${order.id} is ${order.status}; only ready or rescheduled orders can be added`, [{ path: 'orderId', message: `order ${order.id} is ${order.status}`, orderId: order.id }]);
      }
      const target = await routeFor(repos, workspace, edit.vehicleId);
      const pending = await pendingOf(repos, workspace, target);
      pending.splice(edit.position === undefined ? pending.length : gapIndex(target, edit.position, pending), 0, { order, locked: true });
      return [{ order, to: workspace.plan.status === 'dispatched' ? ['planned', 'dispatched'] : ['planned'], vehicleId: edit.vehicleId }];
    }
  }
}

async function findPendingStop(repos: Repositories, workspace: Workspace, orderId: number): Promise<{ route: LiveRoute; index: number }> {
  for (const route of workspace.routes) {
    if (route.fixed.some((stop) => stop.orderId === orderId)) {
      throw conflict(`The stop of order ${orderId} is done or in progress and cannot be edited`, [{ path: 'orderId', message: 'stop done or in progress', orderId }]);
    }
    if (!workspace.edited.has(route.route.id) && !route.pending.some((stop) => stop.orderId === orderId)) continue;
    const index = (await pendingOf(repos, workspace, route)).findIndex((stop) => stop.order.id === orderId);
    if (index >= 0) return { route, index };
  }
  throw notFound(`Stop of order ${orderId} in plan`, workspace.plan.id);
}

/** 1-based position in the whole route → index in its pending remainder; positions of done stops are refused. */
function gapIndex(route: LiveRoute, position: number, pending: unknown[]): number {
  if (position <= route.fixed.length) {
    throw conflict(`Position ${position} is among the stops done or in progress`, [{ path: 'position', message: `the first free position is ${route.fixed.length + 1}` }]);
  }
  return Math.min(position - 1 - route.fixed.length, pending.length);
}
