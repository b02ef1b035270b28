/** Dispatching a plan that leaves orders out (or breaks a window) is a 409 listing them, unless confirmed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { planDate, readyOrder, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

describe.each(testDatabases())('dispatch warnings on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the unassigned orders and dispatches only with confirm: true or ?force=true', async () => {
    const day = await seedDay(app, { vehicles: 1, orders: 4 });
    // 03:00–04:00, hours before the van's shift: it cannot be served.
    const night = await readyOrder(app, day.depotId, 'night', [8.68, 49.41], { start: `${planDate}T03:00:00+01:00`, end: `${planDate}T04:00:00+01:00` });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: day.depotId, timeLimitSeconds: 0.2 } });
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.unassigned.map((entry: { orderId: number }) => entry.orderId)).toEqual([night]);

    const refused = await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.message).toBe(`Plan ${plan.id} has 1 unassigned order; dispatch with confirm: true to go ahead`);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'unassigned', orderId: night, reason: plan.unassigned[0].reason })]);
    expect((await app.request('GET', `/api/v1/plans/${plan.id}`)).body.status).toBe('succeeded');

    const confirmed = await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`, { body: { confirm: true } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('dispatched');
  });

  it('dispatches a clean plan without asking, and takes ?force=true', async () => {
    const day = await seedDay(app, { vehicles: 2, orders: 4 });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: day.depotId, timeLimitSeconds: 0.2 } });
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.unassigned).toEqual([]);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`)).status).toBe(200);

    const other = await seedDay(app, { vehicles: 1, orders: 2 });
    await readyOrder(app, other.depotId, 'night-2', [8.68, 49.41], { start: `${planDate}T03:00:00+01:00`, end: `${planDate}T04:00:00+01:00` });
    const second = await waitForPlan(app, (await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: other.depotId, timeLimitSeconds: 0.2 } })).body.id);
    expect((await app.request('POST', `/api/v1/plans/${second.id}/dispatch?force=true`)).status).toBe(200);
  });
});
