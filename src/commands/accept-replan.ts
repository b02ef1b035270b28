/**
 * Accepts a re-planning proposal: its sequences become the plan's routes through the one save path, if the plan is
 * still at the version the proposal was computed on (else 409: plan again). Times are recomputed from now; a stop
 * finished since the proposal stays where it was done. Orders taken off go back to ready and are listed as
 * unassigned; new orders placed move to planned (and dispatched on a dispatched plan, their customer told the ETA
 * now), each with its events; an order no longer plannable (cancelled meanwhile) is left out.
 */
import type { Principal } from '../auth/principal';
import type { Repositories } from '../db/repositories';
import { nowEpochSeconds } from '../domain/clock';
import { canTransition } from '../domain/order-lifecycle';
import { conflict, notFound } from '../errors';
import { isLivePlan, ordersOf, sequenced } from '../planning/live-routes';
import { evaluateEdited, openWorkspace, routeFor, saveEvaluated } from '../planning/plan-workspace';
import type { SequencedStop } from '../planning/route-evaluation';
import { inTransaction } from './context';
import { assertEditablePlan, type InsertionDeps } from './insert-live-order';
import { moveOrders, publishStatusChanges, type OrderMove } from './move-orders';
import type { Order } from '../domain/model/order';
import type { ReplanProposal } from '../domain/model/proposal';

export interface AcceptOutcome {
  version: number;
  depotId: number;
  routeIds: number[];
  unassigned: { orderId: number; reason: string }[];
}

export async function acceptReplan(deps: InsertionDeps, planId: number, proposalId: number, by: Principal): Promise<AcceptOutcome> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  const written = await inTransaction(deps.context, async (repos) => {
    const plan = await assertEditablePlan(await repos.plans.findByIdForUpdate(planId), planId);
    const proposal = await openProposal(repos, planId, proposalId, nowEpoch);
    if (plan.version !== proposal.planVersion) {
      throw conflict(`Plan ${planId} changed since proposal ${proposalId} was made; plan again`, [{ path: 'version', message: `was ${proposal.planVersion}, now ${plan.version}` }]);
    }
    const workspace = await openWorkspace(repos, plan, deps.routing, deps.positions, nowEpoch);
    const finished = new Set(workspace.routes.flatMap((route) => route.fixed.map((stop) => stop.orderId)));
    const pendingNow = new Map<number, SequencedStop>();
    for (const route of workspace.routes) {
      const orders = await ordersOf(repos, route.pending);
      for (const stop of route.pending) pendingNow.set(stop.orderId, sequenced(stop, orders.get(stop.orderId)!));
    }
    const newOrders = await plannableNewOrders(repos, proposal.routes.flatMap((route) => route.orderIds).filter((id) => !pendingNow.has(id) && !finished.has(id)));

    const live = isLivePlan(plan);
    const moves: OrderMove[] = [];
    const reassigned: { orderId: number; vehicleId: number }[] = [];
    for (const proposed of proposal.routes) {
      const route = await routeFor(repos, workspace, proposed.vehicleId);
      const locked = new Set(proposed.lockedOrderIds);
      const stops: SequencedStop[] = [];
      for (const orderId of proposed.orderIds) {
        const existing = pendingNow.get(orderId);
        const order = existing?.order ?? newOrders.get(orderId);
        if (!order) continue;
        stops.push({ ...(existing ?? { order }), locked: locked.has(orderId) });
        if (!existing) moves.push({ order, path: live ? ['planned', 'dispatched'] : ['planned'], vehicleId: proposed.vehicleId, reason: `planned again into plan ${planId}`, data: { planId, vehicleId: proposed.vehicleId, proposalId } });
        else if (order.assignedVehicleId !== proposed.vehicleId) reassigned.push({ orderId, vehicleId: proposed.vehicleId });
      }
      workspace.edited.set(route.route.id, stops);
    }
    const left = proposal.unassigned.filter(({ orderId }) => !finished.has(orderId));
    for (const { orderId } of left) {
      const order = pendingNow.get(orderId)?.order;
      if (order && canTransition(order.status, 'ready')) moves.push({ order, path: ['ready'], vehicleId: null, reason: `left out when plan ${planId} was planned again`, data: { planId, proposalId } });
    }

    const evaluated = await evaluateEdited(workspace);
    if (live) {
      // A dispatched plan tells each new order's customer its ETA now.
      for (const { draft } of evaluated) for (const stop of draft.stops) if (newOrders.has(stop.orderId)) stop.dispatchedEtaEpoch = stop.plannedArrivalEpoch;
    }
    const unassignedBefore = (await repos.plans.listUnassigned(planId)).length;
    for (const orderId of newOrders.keys()) await repos.plans.removeUnassigned(planId, orderId);
    for (const entry of left) await repos.plans.addUnassigned(planId, { orderId: entry.orderId, reason: entry.reason });
    const unassignedChange = (await repos.plans.listUnassigned(planId)).length - unassignedBefore;
    const moved = await moveOrders(repos, moves, by.actor);
    for (const { orderId, vehicleId } of reassigned) await repos.orders.setAssignedVehicle(orderId, vehicleId);
    const saved = await saveEvaluated(repos, workspace, evaluated, unassignedChange);
    await repos.proposals.setStatus(proposalId, 'accepted');
    await repos.proposals.discardOpen(planId);
    const routeIds = saved.routes.map((route) => route.id);
    return { version: saved.version, depotId: plan.depotId, moved, routeIds, unassigned: left };
  });
  publishStatusChanges(deps.context.events, written.moved);
  deps.context.events.publish('plan.changed', { planId, depotId: written.depotId, version: written.version, routeIds: written.routeIds, actor: by.actor });
  return { version: written.version, depotId: written.depotId, routeIds: written.routeIds, unassigned: written.unassigned };
}

/** The proposal, if it may still be accepted or discarded: 404 unknown, 409 already decided or expired. */
export async function openProposal(repos: Repositories, planId: number, proposalId: number, nowEpoch: number): Promise<ReplanProposal> {
  const proposal = await repos.proposals.findForUpdate(planId, proposalId);
  if (!proposal) throw notFound(`Proposal of plan ${planId}`, proposalId);
  if (proposal.status !== 'open') throw conflict(`Proposal ${proposalId} was already ${proposal.status}`, [{ path: 'proposalId', message: `proposal is ${proposal.status}` }]);
  if (proposal.expiresAtEpoch <= nowEpoch) throw conflict(`Proposal ${proposalId} expired; plan again`, [{ path: 'proposalId', message: 'proposal expired' }]);
  return proposal;
}

/** Orders new to the plan, locked for their status change; those no longer ready (cancelled meanwhile) are dropped. */
async function plannableNewOrders(repos: Repositories, orderIds: number[]): Promise<Map<number, Order>> {
  const found = new Map<number, Order>();
  for (const orderId of orderIds) {
    const order = await repos.orders.findByIdForUpdate(orderId);
    if (order && canTransition(order.status, 'planned')) found.set(order.id, order);
  }
  return found;
}
