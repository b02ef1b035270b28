/** A small fleet and a day of ready orders, created over HTTP; a test app with the plans mount and its queue. */
import type { RequestHandler } from 'express';
import type { Clock } from '../../src/domain/clock';
import { apiPrefix } from '../../src/http/mount';
import { plansMount } from '../../src/http/routes/plans.routes';
import { stopsMount } from '../../src/http/routes/stops.routes';
import { driverRouteMount } from '../../src/http/routes/driver-route.routes';
import { removeCancelledStops } from '../../src/reactions/cancelled-orders';
import { noPositions, type VehiclePositions } from '../../src/planning/live-routes';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { RoutingProvider } from '../../src/routing/provider';
import { createPoolSolver } from '../../src/solving/pool-solver';
import type { TestBackend } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

export const planDate = '2026-11-24';
/** A clock before planDate: its routes start at their shifts whenever the suite runs (a plan of today starts now). */
export const beforePlanDate: Clock = { nowMs: () => Date.parse('2026-11-23T00:00:00Z') };

export interface PlanningApp extends TestApp {
  queue: PlanQueue;
}

/** `stops`: also the drivers' stop actions (POST /stops/:id/…) and their day (GET /driver/route). */
export async function startPlanningApp(backend: TestBackend, { clock = beforePlanDate, routing = createHaversineProvider(), positions = noPositions, stops: withStops = false }: { clock?: Clock; routing?: RoutingProvider; positions?: VehiclePositions; stops?: boolean } = {}): Promise<PlanningApp> {
  // The plans router needs the app's command context, which exists once the app does: it is plugged in after.
  let plans: RequestHandler = (_req, _res, next) => next();
  let stops: RequestHandler = (_req, _res, next) => next();
  const mounts = [{ path: apiPrefix, router: (req, res, next) => plans(req, res, next) }, ...(withStops ? [{ path: apiPrefix, router: ((req, res, next) => stops(req, res, next)) as RequestHandler }] : [])] as { path: string; router: RequestHandler }[];
  const app = await startTestApp(backend, { mounts, clock });
  if (withStops) {
    const stopActions = stopsMount(app.commands).router;
    const driverDay = driverRouteMount(app.commands, routing).router;
    stops = (req, res, next) => stopActions(req, res, (error?: unknown) => (error ? next(error) : driverDay(req, res, next)));
  }
  const solver = createPoolSolver({ threads: 1 });
  const queue = new PlanQueue({ context: app.commands, solver, routing, pollMs: 50, exclusiveDatabase: backend.engine === 'pglite' });
  plans = plansMount({ context: app.commands, queue, solver, routing, positions }).router;
  const stopRemoving = removeCancelledStops({ context: app.commands, routing, positions: noPositions });
  await queue.start();
  return {
    ...app,
    queue,
    async close() {
      stopRemoving();
      await queue.stop();
      await app.close();
    },
  };
}

/** A depot, `vehicles` vans (08:00–17:00) and `orders` ready orders at spread-out addresses, 09:00–12:00 or 13:00–16:00. */
let seeded = 0;

export async function seedDay(app: TestApp, { vehicles = 2, orders = 8 } = {}) {
  const batch = ++seeded;
  const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
  const vehicleIds: number[] = [];
  for (let v = 0; v < vehicles; v++) vehicleIds.push((await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { name: `Van ${v + 1}` }) })).body.id);
  const orderIds: number[] = [];
  for (let k = 0; k < orders; k++) {
    const afternoon = k % 2 === 1;
    const location = [8.6724 + 0.02 * Math.cos(k), 49.4093 + 0.012 * Math.sin(k)];
    const window = afternoon ? { start: `${planDate}T13:00:00+01:00`, end: `${planDate}T16:00:00+01:00` } : { start: `${planDate}T09:00:00+01:00`, end: `${planDate}T12:00:00+01:00` };
    const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(k, { externalRef: `day-${batch}-${k}`, location: location as [number, number], timeWindows: [window] }), depotId: depot.id } });
    await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } });
    orderIds.push(created.body.id);
  }
  return { depotId: depot.id as number, vehicleIds, orderIds };
}

/** One more ready order at the depot; `window` as ISO start and end. */
export async function readyOrder(app: TestApp, depotId: number, ref: string, location: [number, number], window = { start: `${planDate}T13:00:00+01:00`, end: `${planDate}T16:00:00+01:00` }) {
  const created = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(0, { externalRef: ref, location, timeWindows: [window] }), depotId } });
  await app.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { body: { status: 'ready' } });
  return created.body.id as number;
}

export async function waitForPlan(app: TestApp, planId: number, statuses = ['succeeded', 'failed', 'cancelled'], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await app.request('GET', `/api/v1/plans/${planId}`);
    if (statuses.includes(reply.body.status)) return reply.body;
    if (Date.now() > deadline) throw new Error(`plan ${planId} still ${reply.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
