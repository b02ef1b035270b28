/**
 * Plans under /api/v1: queue a plan run (202), read plans as JSON or GeoJSON, cancel, dispatch, dispatcher
 * edits with ?preview=true, re-optimization of the unlocked remainder, live insertion of a new order, and
 * re-planning a day under way as a proposal to accept or discard.
 */
import { z } from 'zod';
import { cancelPlan } from '../../commands/cancel-plan';
import { reads, type CommandContext } from '../../commands/context';
import { createPlan } from '../../commands/create-plan';
import { dispatchPlan } from '../../commands/dispatch-plan';
import { editPlan } from '../../commands/edit-plan';
import { insertLiveOrder, type InsertionDeps } from '../../commands/insert-live-order';
import { acceptReplan } from '../../commands/accept-replan';
import { discardReplan } from '../../commands/discard-replan';
import { proposeReplan } from '../../commands/propose-replan';
import { reoptimizePlan } from '../../commands/reoptimize-plan';
import { rescheduleOrder } from '../../commands/reschedule-order';
import { notFound } from '../../errors';
import { noPositions, type VehiclePositions } from '../../planning/live-routes';
import type { PlanQueue } from '../../reactions/plan-runs';
import { PlanRoutesCache } from '../../planning/routes-cache';
import { idParamsSchema } from '../../protocol/common';
import { orderSchema, rescheduleInputSchema } from '../../protocol/orders-api';
import { acceptResultSchema, createPlanSchema, dispatchBodySchema, dispatchQuerySchema, editResultSchema, insertionResultSchema, insertionSchema, planEditSchema, planFeatureCollectionSchema, planGetQuerySchema, planListQuerySchema, planSchema, planSummarySchema, previewQuerySchema, proposalParamsSchema, proposalSchema, reoptimizeResultSchema, reoptimizeSchema, replanSchema } from '../../protocol/plans';
import type { RoutingProvider } from '../../routing/provider';
import type { SolverRunner } from '../../solving/runner';
import { DrivenDistance } from '../../tracking/driven-distance';
import { apiMount, apiPrefix, type Mount } from '../mount';
import { ApiRouter } from '../endpoint';
import { presentOrder } from '../presenters/order.presenter';
import { presentPlan, presentPlanGeoJson, presentPlanSummary, presentProposal, presentRoute } from '../presenters/plan.presenter';
import type { PlanRecord } from '../../domain/model/plan';

export interface PlansDeps {
  context: CommandContext;
  queue: PlanQueue;
  routing: RoutingProvider;
  /** Re-optimization runs here. */
  solver: SolverRunner;
  /** Where vehicles are now; live routes continue from there. */
  positions?: VehiclePositions;
}

const office = ['admin', 'dispatcher'] as const;

export function plansMount(deps: PlansDeps): Mount {
  return apiMount((api) => plansRoutes(api, deps), { limit: '1mb', paths: ['/plans', '/orders/:id/reschedule'] });
}

export function plansRoutes(api: ApiRouter, deps: PlansDeps): void {
  const repos = reads(deps.context);
  const href = (plan: PlanRecord) => `${apiPrefix}/plans/${plan.id}`;
  const zoneOf = async (plan: PlanRecord) => (await repos.depots.findById(plan.depotId))?.timeZone ?? 'UTC';
  const drivenDistance = new DrivenDistance(() => deps.context.clock.nowMs());
  const planOf = async (id: number) => {
    const plan = await repos.plans.findById(id);
    if (!plan) throw notFound('Plan', id);
    return plan;
  };

  api.endpoint(
    {
      method: 'post',
      path: '/plans',
      operationId: 'createPlan',
      summary: 'Plan a depot\'s day: queues a run and answers 202 with the plan to poll',
      description: 'Progress is published while the run searches (plan.progress); the result is stored in one transaction.',
      tag: 'plans',
      roles: office,
      body: createPlanSchema,
      response: planSummarySchema,
      status: 202,
    },
    async ({ body, principal, res }) => {
      const plan = await createPlan(deps.context, body, principal);
      deps.queue.wake();
      res.location(href(plan));
      return presentPlanSummary(plan, href(plan));
    },
  );

  api.endpoint(
    { method: 'get', path: '/plans', operationId: 'listPlans', summary: 'List plans by date and depot, newest first', tag: 'plans', roles: office, query: planListQuerySchema, response: z.object({ items: z.array(planSummarySchema) }) },
    async ({ query }) => ({ items: (await repos.plans.list(query)).map((plan) => presentPlanSummary(plan, href(plan))) }),
  );

  api.endpoint(
    {
      method: 'get',
      path: '/plans/:id',
      operationId: 'getPlan',
      summary: 'A plan with its routes, stops and unassigned orders (?format=geojson for a map)',
      description: 'Once dispatched, drivenMeters (the plan and each route) is the distance the vans drove since dispatch, measured on their GPS breadcrumbs.',
      tag: 'plans',
      roles: office,
      params: idParamsSchema,
      query: planGetQuerySchema,
      response: planSchema,
      alternatives: { 'application/geo+json': planFeatureCollectionSchema },
    },
    async ({ params, query, res }) => {
      const plan = await planOf(params.id);
      const [timeZone, routes, unassigned] = await Promise.all([zoneOf(plan), repos.routes.listForPlan(plan.id), repos.plans.listUnassigned(plan.id)]);
      if (query.format === 'geojson') {
        const orders = await Promise.all(unassigned.map((entry) => repos.orders.findById(entry.orderId)));
        const locations = new Map(orders.flatMap((order) => (order ? [[order.id, order.location] as const] : [])));
        res.type('application/geo+json');
        return presentPlanGeoJson(plan, routes, unassigned, locations, timeZone);
      }
      return presentPlan(plan, routes, unassigned, timeZone, href(plan), await drivenDistance.byVehicle(repos, plan, routes, timeZone));
    },
  );

  api.endpoint(
    { method: 'post', path: '/plans/:id/cancel', operationId: 'cancelPlan', summary: 'Cancel a queued or running plan; nothing of the run is stored', tag: 'plans', roles: office, params: idParamsSchema, response: planSummarySchema },
    async ({ params, principal }) => {
      const plan = await cancelPlan(deps.context, params.id, principal);
      deps.queue.cancel(plan.id);
      return presentPlanSummary(plan, href(plan));
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/plans/:id/dispatch',
      operationId: 'dispatchPlan',
      summary: 'Dispatch: routes to their vehicles\' drivers, orders to dispatched, ETAs frozen',
      description: 'A plan with violations or unassigned orders answers 409 listing them in details, unless { "confirm": true } or ?force=true.',
      tag: 'plans',
      roles: office,
      params: idParamsSchema,
      query: dispatchQuerySchema,
      body: dispatchBodySchema,
      response: planSummarySchema,
    },
    async ({ params, query, body, principal }) => {
      const plan = await dispatchPlan(deps.context, params.id, principal, { confirm: query.force || (body?.confirm ?? false) });
      return presentPlanSummary(plan, href(plan));
    },
  );

  const changes: InsertionDeps = { context: deps.context, routing: deps.routing, positions: deps.positions ?? noPositions, routesCache: new PlanRoutesCache() };

  api.endpoint(
    {
      method: 'post',
      path: '/plans/:id/edits',
      operationId: 'editPlan',
      summary: 'One dispatcher edit (move, lock, unlock, remove, add): the touched routes recomputed with arrivals and violations',
      description: 'With ?preview=true nothing is saved. Applied edits bump the plan\'s version. A moved or added stop is locked where the dispatcher put it.',
      tag: 'plans',
      roles: office,
      params: idParamsSchema,
      query: previewQuerySchema,
      body: planEditSchema,
      response: editResultSchema,
    },
    async ({ params, query, body, principal }) => {
      const outcome = await editPlan(changes, params.id, body, { preview: query.preview }, principal);
      const timeZone = (await repos.depots.findById(outcome.depotId))?.timeZone ?? 'UTC';
      return { preview: outcome.preview, version: outcome.version, routes: outcome.routes.map((route) => presentRoute(route, timeZone)), violations: outcome.violations };
    },
  );

  // Here rather than with the other order endpoints: an order on a route may leave it, which needs the road network.
  api.endpoint(
    {
      method: 'post',
      path: '/orders/:id/reschedule',
      operationId: 'rescheduleOrder',
      summary: 'New time windows for an order; a failed order is re-attempted (rescheduled), a planned one leaves its route if it no longer fits',
      description: 'A planned or dispatched order keeps its stop when its planned time lies in a new window. Otherwise a planned order goes back to ready, off its route; a dispatched one answers 409 (cancel it instead).',
      tag: 'orders',
      roles: office,
      params: idParamsSchema,
      body: rescheduleInputSchema,
      response: orderSchema,
    },
    async ({ params, body, principal }) => {
      const order = await rescheduleOrder(changes, params.id, body, principal);
      const timeZone = order.depotId === null ? 'UTC' : ((await repos.depots.findById(order.depotId))?.timeZone ?? 'UTC');
      return presentOrder(order, timeZone);
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/plans/:id/insertions',
      operationId: 'insertIntoPlan',
      summary: 'Insert a new order into the live routes, cheapest feasible place, stops done or in progress untouched',
      description: 'Answers inserted=false with the solver\'s reason when the order fits nowhere; nothing is written then.',
      tag: 'plans',
      roles: office,
      params: idParamsSchema,
      body: insertionSchema,
      response: insertionResultSchema,
    },
    async ({ params, body, principal }) => {
      const outcome = await insertLiveOrder(changes, params.id, body.orderId, principal);
      if (!outcome.inserted) return { inserted: false, orderId: outcome.orderId, vehicleId: null, position: null, reason: outcome.reason, route: null };
      return { inserted: true, orderId: outcome.orderId, vehicleId: outcome.vehicleId, position: outcome.position, reason: null, route: presentRoute(outcome.route, outcome.timeZone) };
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/plans/:id/reoptimize',
      operationId: 'reoptimizePlan',
      summary: 'Re-optimize the unlocked remainder: done stops stay, locked stops keep their vehicle and order',
      description: 'Answers 409 when the plan changed during the search. Orders left out go back to ready, listed with the reason.',
      tag: 'plans',
      roles: office,
      params: idParamsSchema,
      body: reoptimizeSchema,
      response: reoptimizeResultSchema,
    },
    async ({ params, body, principal }) => {
      const outcome = await reoptimizePlan({ ...changes, solver: deps.solver }, params.id, body.timeLimitSeconds, principal);
      return { version: outcome.version, routeIds: outcome.routeIds, unassigned: outcome.unassigned };
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/plans/:id/replan',
      operationId: 'replanPlan',
      summary: 'Plan again a day under way: a proposal (the change per van, totals before and after); the plan is not changed',
      description:
        'The stops not yet started (locked ones keep their van and order) and the day\'s ready orders in no route are planned again across every van still on shift, idle vans with a driver included, each from where it is now. Stops done, failed or in progress and vans whose shift is over stay as they are. Accept with POST /plans/{id}/replan/{proposalId}/accept, discard with DELETE.',
      tag: 'plans',
      roles: office,
      params: idParamsSchema,
      body: replanSchema,
      response: proposalSchema,
    },
    async ({ params, body, principal }) => {
      const { proposal, timeZone } = await proposeReplan({ ...changes, solver: deps.solver }, params.id, body, principal);
      return presentProposal(proposal, timeZone);
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/plans/:id/replan/:proposalId/accept',
      operationId: 'acceptReplan',
      summary: 'Accept a re-planning proposal: its routes are written, new orders planned (and dispatched on a dispatched plan)',
      description: 'Answers 409 when the plan changed since the proposal (plan again), when the proposal expired, or was already accepted or discarded.',
      tag: 'plans',
      roles: office,
      params: proposalParamsSchema,
      response: acceptResultSchema,
    },
    async ({ params, principal }) => {
      const outcome = await acceptReplan(changes, params.id, params.proposalId, principal);
      return { version: outcome.version, routeIds: outcome.routeIds, unassigned: outcome.unassigned };
    },
  );

  api.endpoint(
    { method: 'delete', path: '/plans/:id/replan/:proposalId', operationId: 'discardReplan', summary: 'Discard a re-planning proposal; the plan stays as it is', tag: 'plans', roles: office, params: proposalParamsSchema, status: 204 },
    async ({ params, principal }) => {
      await discardReplan(deps.context, params.id, params.proposalId, principal);
    },
  );
}
