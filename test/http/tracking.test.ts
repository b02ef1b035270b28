import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { apiPrefix } from '../../src/http/mount';
import { plansMount } from '../../src/http/routes/plans.routes';
import { trackingMount } from '../../src/http/routes/tracking.routes';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { testDatabases } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';
import { beforePlanDate, planDate, seedDay, waitForPlan } from '../planning/fixtures';

const linkTtlSeconds = 3600;

describe.each(testDatabases())('customer tracking by token on $engine', (backend) => {
  let app: TestApp;
  let queue: PlanQueue;
  // The one clock of the app: it plans the day before planDate, then the tests move it.
  let nowEpoch = beforePlanDate.nowMs() / 1000;
  const clock = { nowMs: () => nowEpoch * 1000 };
  let route: { vehicleId: number; stops: { orderId: number; plannedArrival: string; times: unknown }[] };
  let tokens: Map<number, string>;
  let displayIds: Map<number, string>;

  beforeAll(async () => {
    const routing = createHaversineProvider();
    // The mounts need the app's command context, which exists once the app does: they are plugged in after.
    let mounted: RequestHandler[] = [];
    app = await startTestApp(backend, { mounts: [{ path: apiPrefix, router: (req, res, next) => chain(mounted, req, res, next) }], clock });
    const solver = createPoolSolver({ threads: 1 });
    queue = new PlanQueue({ context: app.commands, solver, routing, pollMs: 50, exclusiveDatabase: backend.engine === 'pglite' });
    mounted = [plansMount({ context: app.commands, queue, solver, routing }).router, trackingMount(app.commands, { linkTtlSeconds, routing }).router];
    await queue.start();

    const { depotId } = await seedDay(app, { vehicles: 1, orders: 8 });
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, timeLimitSeconds: 0.2 } });
    const plan = await waitForPlan(app, created.body.id);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/dispatch`)).status).toBe(200);
    route = (await app.request('GET', `/api/v1/plans/${plan.id}`)).body.routes[0];
    tokens = new Map();
    displayIds = new Map();
    for (const stop of route.stops) {
      const order = (await app.request('GET', `/api/v1/orders/${stop.orderId}`)).body;
      tokens.set(order.id, order.trackingToken);
      displayIds.set(order.id, order.displayId);
    }
  }, 60_000);
  afterAll(async () => {
    await queue?.stop();
    await app?.close();
  });

  const track = (orderId: number) => app.request('GET', `/api/v1/track/${tokens.get(orderId)}`, { token: null });

  it('answers anyone holding the token, never indexed; an unknown token is a 404 in the one error shape', async () => {
    const unknown = await app.request('GET', '/api/v1/track/not-a-real-token', { token: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const first = route.stops[0]!;
    const reply = await track(first.orderId);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-robots-tag')).toContain('noindex');
    expect(reply.body).toMatchObject({ displayId: displayIds.get(first.orderId), status: 'dispatched', times: first.times });
    expect(reply.body.timeline.map((entry: { status: string }) => entry.status)).toEqual(['received', 'ready', 'planned', 'dispatched']);
    expect(reply.body.promisedWindow.start < reply.body.promisedWindow.end).toBe(true);
  });

  it('says nothing about the other customers on the route', async () => {
    const first = route.stops[0]!;
    const text = JSON.stringify((await track(first.orderId)).body);
    for (const stop of route.stops.slice(1)) {
      expect(text).not.toContain(displayIds.get(stop.orderId));
      expect(text).not.toContain(tokens.get(stop.orderId));
    }
  });

  it("shows the driver's position and the stops before yours only when the driver is close and on duty", async () => {
    const repos = repositories(app.commands.db);
    let fixes = 0;
    /** The clock at `epoch`, with the van's latest fix a minute before it. */
    const at = async (epoch: number) => {
      nowEpoch = epoch;
      await repos.positions.upsertLatest([{ vehicleId: route.vehicleId, recordedAt: epoch - 60 + ++fixes * 0.001, location: [8.68, 49.41], accuracyMeters: 10, speedMetersPerSecond: null, headingDegrees: null }]);
    };
    const fifth = route.stops[4]!;
    const fifthEta = Math.floor(Date.parse(fifth.plannedArrival) / 1000);

    await at(fifthEta - 2 * 3600);
    expect((await track(fifth.orderId)).body).toMatchObject({ close: false, stopsBefore: null, driverLocation: null });
    await at(fifthEta - 10 * 60);
    expect((await track(fifth.orderId)).body).toMatchObject({ close: true, stopsBefore: 4, driverLocation: [8.68, 49.41] });
    // No fix for 16 minutes: the driver is off duty, nothing is shown.
    nowEpoch = fifthEta - 10 * 60 + 16 * 60;
    expect((await track(fifth.orderId)).body).toMatchObject({ close: false, driverLocation: null });

    // Three stops before or fewer: close within two hours, not the day before.
    const fourth = route.stops[3]!;
    const fourthEta = Math.floor(Date.parse(fourth.plannedArrival) / 1000);
    await at(fourthEta - 90 * 60);
    expect((await track(fourth.orderId)).body).toMatchObject({ close: true, stopsBefore: 3 });
    await at(fourthEta - 5 * 3600);
    expect((await track(fourth.orderId)).body).toMatchObject({ close: false, stopsBefore: null });
  });

  it('takes a rating only for a delivered order, and names a bad field', async () => {
    const first = route.stops[0]!;
    const early = await app.request('POST', `/api/v1/track/${tokens.get(first.orderId)}/rating`, { token: null, body: { stars: 5 } });
    expect(early.status).toBe(409);
    const bad = await app.request('POST', `/api/v1/track/${tokens.get(first.orderId)}/rating`, { token: null, body: { stars: 6 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((detail: { path: string }) => detail.path)).toContain('body.stars');
  });

  it('can be revoked by the office, not by the customer', async () => {
    const second = route.stops[1]!;
    expect((await app.request('POST', `/api/v1/orders/${second.orderId}/tracking/revoke`, { token: null })).status).toBe(401);
    expect((await track(second.orderId)).status).toBe(200);
    expect((await app.request('POST', `/api/v1/orders/${second.orderId}/tracking/revoke`)).status).toBe(204);
    const revoked = await track(second.orderId);
    expect(revoked.status).toBe(410);
    expect(revoked.body.error.code).toBe('link_revoked');
    expect((await app.request('POST', '/api/v1/orders/999999/tracking/revoke')).status).toBe(404);
  });

  it('expires a set time after the order is finished', async () => {
    const last = route.stops[route.stops.length - 1]!;
    expect((await app.request('POST', `/api/v1/orders/${last.orderId}/transitions`, { body: { status: 'cancelled', reason: 'customer moved' } })).status).toBe(200);
    const finishedEpoch = Math.floor(Date.now() / 1000);
    nowEpoch = finishedEpoch + linkTtlSeconds - 60;
    const open = await track(last.orderId);
    expect(open.status).toBe(200);
    expect(open.body.status).toBe('cancelled');
    expect(open.body.times).toBeNull();
    expect(Math.abs(Date.parse(open.body.expiresAt) / 1000 - (finishedEpoch + linkTtlSeconds))).toBeLessThanOrEqual(2);
    nowEpoch = finishedEpoch + linkTtlSeconds + 60;
    const expired = await track(last.orderId);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('link_expired');
  });
});

function chain(handlers: RequestHandler[], req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], next: (error?: unknown) => void): void {
  const [head, ...rest] = handlers;
  if (!head) return next();
  head(req, res, (error?: unknown) => (error ? next(error) : chain(rest, req, res, next)));
}
