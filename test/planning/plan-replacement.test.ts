/**
 * Planning a day again: a new plan may replace a succeeded plan that was not dispatched. The replaced plan's
 * orders can be planned again, it becomes superseded when the new plan succeeds, and the order timeline shows
 * each step. A replaced plan dispatched meanwhile makes the new plan fail, leaving the dispatched one as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { planDate, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from './fixtures';

interface Route { vehicleId: number; stops: { orderId: number }[] }

describe.each(testDatabases())('replacing a plan on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  const plan = async (body: object) => {
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, timeLimitSeconds: 0.2, ...body } });
    expect(created.status).toBe(202);
    return waitForPlan(app, created.body.id);
  };
  const orderIdsOf = (routes: Route[]) => routes.flatMap((route) => route.stops.map((stop) => stop.orderId)).sort((a, b) => a - b);

  it('plans the same orders again on other vans, supersedes the first plan and records each step', async () => {
    const { depotId, vehicleIds, orderIds } = await seedDay(app, { vehicles: 2, orders: 6 });
    const first = await plan({ depotId, vehicleIds: [vehicleIds[0]] });
    expect(first.status).toBe('succeeded');
    expect(orderIdsOf(first.routes)).toEqual(orderIds);

    // Without naming the plan it replaces, its orders are taken.
    const refused = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds } });
    expect(refused.status).toBe(409);

    const second = await plan({ depotId, vehicleIds: [vehicleIds[1]], replacesPlanId: first.id });
    expect(second).toMatchObject({ status: 'succeeded', replacesPlanId: first.id });
    expect(orderIdsOf(second.routes)).toEqual(orderIds);
    expect(second.routes.every((route: Route) => route.vehicleId === vehicleIds[1])).toBe(true);
    expect((await app.request('GET', `/api/v1/plans/${first.id}`)).body.status).toBe('superseded');

    const order = (await app.request('GET', `/api/v1/orders/${orderIds[0]}`)).body;
    expect(order).toMatchObject({ status: 'planned', assignedVehicleId: vehicleIds[1] });
    const timeline = (await app.request('GET', `/api/v1/orders/${orderIds[0]}/events`)).body.items as { fromStatus: string; toStatus: string; reason: string }[];
    expect(timeline.slice(-3).map((event) => [event.fromStatus, event.toStatus, event.reason])).toEqual([
      ['ready', 'planned', `plan ${first.id}`],
      ['planned', 'ready', `plan ${first.id} superseded by plan ${second.id}`],
      ['ready', 'planned', `plan ${second.id}`],
    ]);

    // A superseded plan cannot be replaced, edited or dispatched.
    expect((await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, replacesPlanId: first.id } })).status).toBe(409);
    expect((await app.request('POST', `/api/v1/plans/${first.id}/dispatch`)).status).toBe(409);
  });

  it('refuses an unknown plan or another day, and fails when the replaced plan is dispatched meanwhile', async () => {
    const { depotId, vehicleIds, orderIds } = await seedDay(app, { vehicles: 2, orders: 4 });
    const unknown = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, replacesPlanId: 999_999 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toContainEqual(expect.objectContaining({ path: 'replacesPlanId' }));

    const first = await plan({ depotId, vehicleIds: [vehicleIds[0]] });
    const otherDay = await app.request('POST', '/api/v1/plans', { body: { date: '2026-11-25', depotId, replacesPlanId: first.id } });
    expect(otherDay.status).toBe(400);
    expect(otherDay.body.error.details[0].message).toContain(planDate);

    // Queued, not yet run: the first plan is dispatched before the replacement finishes.
    await app.queue.stop();
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, vehicleIds: [vehicleIds[1]], replacesPlanId: first.id, timeLimitSeconds: 0.2 } });
    expect(created.status).toBe(202);
    expect((await app.request('POST', `/api/v1/plans/${first.id}/dispatch`)).status).toBe(200);
    await app.queue.start();
    const second = await waitForPlan(app, created.body.id);
    expect(second.status).toBe('failed');
    expect(second.error.message).toContain(`Plan ${first.id}`);
    const kept = (await app.request('GET', `/api/v1/plans/${first.id}`)).body;
    expect(kept.status).toBe('dispatched');
    expect(orderIdsOf(kept.routes)).toEqual(orderIds);
    for (const id of orderIds) expect((await app.request('GET', `/api/v1/orders/${id}`)).body.status).toBe('dispatched');
  });
});
