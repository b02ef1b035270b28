/**
 * The routes a server keeps in memory between live insertions are only used while the digest of the stored stops,
 * read with the plan's lock, is the one they were read or written under: a change by anyone (live tracking, another
 * process) makes the next insertion read the routes again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { PlanRoutesCache } from '../../src/planning/routes-cache';
import { testDatabases } from '../helpers/database';
import { planDate, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from './fixtures';

describe.each(testDatabases())('plan routes kept between insertions on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('are read again after any stored stop changed, and not after their own rewrite', async () => {
    const { depotId, orderIds } = await seedDay(app, { vehicles: 2, orders: 6 });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, timeLimitSeconds: 0.2 } });
    const planId = (await waitForPlan(app, created.body.id)).id as number;
    const repos = repositories(app.commands.db);
    let reads = 0;
    const counting = { ...repos, routes: Object.assign(Object.create(repos.routes), { listForPlan: (id: number) => (reads++, repos.routes.listForPlan(id)) }) } as typeof repos;
    const cache = new PlanRoutesCache();
    const digest = async () => (await repos.plans.findByIdForUpdateWithStopsDigest(planId))!.stopsDigest;

    const first = await cache.routes(counting, planId, await digest());
    expect(await cache.routes(counting, planId, await digest())).toBe(first);
    expect(reads).toBe(1);
    // Reading (and locking) changes nothing it digests.
    expect(await digest()).toBe(await digest());

    // Live tracking, behind the cache's back: every field it writes changes the digest.
    const stop = first[0]!.stops[0]!;
    for (const change of [{ live_eta_epoch: stop.plannedArrivalEpoch + 60 }, { status: 'arrived', actual_arrival_epoch: stop.plannedArrivalEpoch }, { status: 'completed', completed_at_epoch: stop.plannedDepartureEpoch }]) {
      const before = await digest();
      await app.database.knex('stops').where({ id: stop.id }).update(change);
      expect(await digest()).not.toBe(before);
    }
    const reread = await cache.routes(counting, planId, await digest());
    expect(reads).toBe(2);
    expect(reread[0]!.stops[0]).toMatchObject({ id: stop.id, status: 'completed', completedAtEpoch: stop.plannedDepartureEpoch });

    // Its own rewrite: the digest after the write keeps the rewritten routes without a read.
    const route = reread[0]!;
    const { id: _id, planId: _planId, ...draft } = route;
    const [stored] = await repos.routes.replaceRoutes(planId, [{ routeId: route.id, draft: { ...draft, stops: route.stops.map(({ id: _stopId, ...rest }) => ({ ...rest, locked: true })) } }]);
    const { stopsDigest } = await repos.plans.bumpVersionWithStopsDigest(planId, (await repos.plans.findById(planId))!.totals!);
    cache.rewritten(planId, stored!, stopsDigest);
    const kept = await cache.routes(counting, planId, await digest());
    expect(reads).toBe(2);
    expect(kept[0]!.stops.every((s) => s.locked)).toBe(true);
    expect(kept).toEqual(await repos.routes.listForPlan(planId));
  });
});
