/**
 * Stop ids survive route edits: proofs, ETA history and the driver app's replayed actions hang on them. Edits,
 * moves between routes, live insertions, removals and re-optimization keep the id of every stop whose order
 * stays in the plan, and never drop what live tracking wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { testDatabases } from '../helpers/database';
import { planDate, readyOrder, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from './fixtures';
import type { RouteDraft } from '../../src/domain/model/route';

interface Stop { id: number; orderId: number; status: string; completedAt: string | null }
interface Route { id: number; vehicleId: number; stops: Stop[] }

describe.each(testDatabases())('stop ids across route edits on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  const routesOf = async (planId: number) => (await app.request('GET', `/api/v1/plans/${planId}`)).body.routes as Route[];
  const stopIds = (routes: Route[]) => new Map(routes.flatMap((route) => route.stops.map((stop) => [stop.orderId, stop.id] as const)));
  /** Applies the edit; the answer names every stop by the id it is stored under, as a preview of it does. */
  const edit = async (planId: number, body: object) => {
    const preview = await app.request('POST', `/api/v1/plans/${planId}/edits?preview=true`, { body });
    expect(preview.status).toBe(200);
    const reply = await app.request('POST', `/api/v1/plans/${planId}/edits`, { body });
    expect(reply.status).toBe(200);
    const stored = stopIds(await routesOf(planId));
    for (const answer of [preview, reply]) {
      for (const stop of (answer.body.routes as Route[]).flatMap((route) => route.stops)) expect([stop.orderId, stop.id]).toEqual([stop.orderId, stored.get(stop.orderId)]);
    }
  };
  /** Every order still in the plan has the stop id it had before. */
  const expectKept = (before: Map<number, number>, after: Map<number, number>) => {
    for (const [orderId, id] of after) if (before.has(orderId)) expect([orderId, id]).toEqual([orderId, before.get(orderId)]);
  };

  async function dayPlan(vehicles: number, orders: number, maxStops?: number) {
    const { depotId, vehicleIds, orderIds } = await seedDay(app, { vehicles, orders });
    if (maxStops) await app.database.knex('vehicles').whereIn('id', vehicleIds).update({ max_stops: maxStops });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.2 } });
    const plan = await waitForPlan(app, created.body.id);
    return { depotId, planId: plan.id as number, routes: plan.routes as Route[] };
  }

  it('keeps ids through moves between routes, a removal, a live insertion, a cancellation and a re-optimization', async () => {
    // At most 5 stops a van: the day needs both.
    const { depotId, planId, routes } = await dayPlan(2, 8, 5);
    expect(routes.length).toBe(2);
    const initial = stopIds(routes);

    // Each direction, so the moving stop's old route is written both before and after its new one.
    for (const [from, to] of [[0, 1], [1, 0]] as const) {
      const before = stopIds(await routesOf(planId));
      const source = (await routesOf(planId)).find((route) => route.id === routes[from]!.id)!;
      const moving = source.stops[source.stops.length - 1]!;
      await edit(planId, { type: 'move', orderId: moving.orderId, vehicleId: routes[to]!.vehicleId, position: 1 });
      const after = await routesOf(planId);
      expect(after.find((route) => route.id === routes[to]!.id)!.stops[0]).toMatchObject({ orderId: moving.orderId, id: moving.id });
      expect(stopIds(after)).toEqual(before);
    }
    expect(stopIds(await routesOf(planId))).toEqual(initial);

    const removed = routes[0]!.stops[0]!.orderId;
    await edit(planId, { type: 'remove', orderId: removed });
    const afterRemoval = stopIds(await routesOf(planId));
    expect(afterRemoval.has(removed)).toBe(false);
    expect(afterRemoval.size).toBe(initial.size - 1);
    expectKept(initial, afterRemoval);
    expect(await app.database.knex('stops').where({ id: initial.get(removed) }).first()).toBeUndefined();

    // The removed order is unassigned now: dispatching it anyway is confirmed.
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch`, { body: { confirm: true } })).status).toBe(200);
    const extra = await readyOrder(app, depotId, `ids-extra-${planId}`, [8.6824, 49.4133]);
    const inserted = await app.request('POST', `/api/v1/plans/${planId}/insertions`, { body: { orderId: extra } });
    expect(inserted.body.inserted).toBe(true);
    const afterInsertion = stopIds(await routesOf(planId));
    expect(afterInsertion.size).toBe(afterRemoval.size + 1);
    expectKept(afterRemoval, afterInsertion);
    expect([...initial.values()]).not.toContain(afterInsertion.get(extra));
    // The answer names the stops by the ids they are stored under.
    for (const stop of inserted.body.route.stops as Stop[]) expect(stop.id).toBe(afterInsertion.get(stop.orderId));

    // A cancelled order leaves its dispatched route; the others stay as they were.
    const cancelledOrder = routes[1]!.stops[0]!.orderId;
    expect((await app.request('POST', `/api/v1/orders/${cancelledOrder}/transitions`, { body: { status: 'cancelled', reason: 'customer called' } })).status).toBe(200);
    let afterCancel = afterInsertion;
    for (let tries = 0; tries < 100 && afterCancel.has(cancelledOrder); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      afterCancel = stopIds(await routesOf(planId));
    }
    expect(afterCancel.size).toBe(afterInsertion.size - 1);
    expectKept(afterInsertion, afterCancel);

    const reoptimized = await app.request('POST', `/api/v1/plans/${planId}/reoptimize`, { body: { timeLimitSeconds: 0.2 } });
    expect(reoptimized.status).toBe(200);
    const afterReoptimization = stopIds(await routesOf(planId));
    expect(afterReoptimization.size + reoptimized.body.unassigned.length).toBe(afterCancel.size);
    expectKept(afterCancel, afterReoptimization);
  });

  it("keeps a delivered stop's proof, ETA history and completion through an edit of its route", async () => {
    const { planId, routes } = await dayPlan(1, 5);
    expect((await app.request('POST', `/api/v1/plans/${planId}/dispatch`)).status).toBe(200);
    const [delivered, next, later] = routes[0]!.stops;
    const completedAtEpoch = Date.parse(`${planDate}T09:20:00+01:00`) / 1000;
    const knex = app.database.knex;
    await knex('stops').where({ id: delivered!.id }).update({ status: 'completed', actual_arrival_epoch: completedAtEpoch - 300, completed_at_epoch: completedAtEpoch });
    await knex('stop_outcomes').insert({ stop_id: delivered!.id, order_id: delivered!.orderId, attempt: 1, outcome: 'delivered', recipient_name: 'A. Neighbour', actor: 'driver:1', recorded_at_epoch: completedAtEpoch });
    await knex('stop_eta_history').insert({ stop_id: next!.id, eta_epoch: completedAtEpoch + 600, computed_at_epoch: completedAtEpoch });

    await edit(planId, { type: 'move', orderId: later!.orderId, vehicleId: routes[0]!.vehicleId, position: 2 });
    await edit(planId, { type: 'lock', orderIds: [next!.orderId] });

    const after = (await routesOf(planId))[0]!;
    expect(after.stops[0]).toMatchObject({ id: delivered!.id, status: 'completed', completedAt: expect.any(String) });
    expect(Date.parse(after.stops[0]!.completedAt!) / 1000).toBe(completedAtEpoch);
    expect(after.stops[1]).toMatchObject({ id: later!.id, orderId: later!.orderId });
    expect(await knex('stop_outcomes').where({ stop_id: delivered!.id }).first()).toMatchObject({ outcome: 'delivered', recipient_name: 'A. Neighbour' });
    expect((await knex('stop_eta_history').where({ stop_id: next!.id })).length).toBe(1);
  });

  it('never lets a route rewrite drop a stop done meanwhile, nor overwrite what live tracking wrote', async () => {
    const { planId } = await dayPlan(1, 4);
    const repos = repositories(app.commands.db);
    const [stale] = await repos.routes.listForPlan(planId);
    const draftOf = (stops: typeof stale.stops): RouteDraft => ({ ...stale!, stops: stops.map(({ id: _id, ...stop }) => stop) });
    const [done, arrived] = stale!.stops;
    const completedAtEpoch = Date.parse(`${planDate}T09:40:00+01:00`) / 1000;
    // Live tracking moves on after the editor read the route.
    await app.database.knex('stops').where({ id: done!.id }).update({ status: 'completed', completed_at_epoch: completedAtEpoch, live_eta_epoch: completedAtEpoch - 60 });
    await app.database.knex('stops').where({ id: arrived!.id }).update({ status: 'arrived', actual_arrival_epoch: completedAtEpoch + 900 });

    const refused = repos.routes.replaceRoutes(planId, [{ routeId: stale!.id, draft: draftOf(stale!.stops.slice(1)) }]);
    await expect(refused).rejects.toMatchObject({ status: 409, code: 'conflict' });
    expect((await repos.routes.listForPlan(planId))[0]!.stops.map((stop) => stop.id)).toEqual(stale!.stops.map((stop) => stop.id));

    const [stored] = await repos.routes.replaceRoutes(planId, [{ routeId: stale!.id, draft: draftOf(stale!.stops) }]);
    const [reread] = await repos.routes.listForPlan(planId);
    expect(reread!.stops[0]).toMatchObject({ id: done!.id, status: 'completed', completedAtEpoch, liveEtaEpoch: completedAtEpoch - 60 });
    expect(reread!.stops[1]).toMatchObject({ id: arrived!.id, status: 'arrived', actualArrivalEpoch: completedAtEpoch + 900 });
    expect(stored).toEqual(reread);
  });
});
