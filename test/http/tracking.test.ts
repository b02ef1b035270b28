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
import { startTestApp, chain, type TestApp } from '../helpers/http';
import { linkToken } from '../helpers/orders';
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
    mounted = [plansMount({ context: app.commands, queue, solver, routing }).router, trackingMount(app.commands, { linkTtlSeconds, routing, publicUrl: 'http://lastmile.example' }).router];
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
      // Only the secret's hash is kept: the test issues each link again to know it.
      tokens.set(order.id, linkToken((await app.request('POST', `/api/v1/orders/${order.id}/tracking/link`)).body.path));
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

  it('issues a link again on request: a new code and secret, the old link unknown, a revocation lifted, the customer told', async () => {
    const second = route.stops[1]!;
    const before = tokens.get(second.orderId)!;
    expect((await app.request('POST', `/api/v1/orders/${second.orderId}/tracking/link`, { token: null })).status).toBe(401);
    const issued = await app.request('POST', `/api/v1/orders/${second.orderId}/tracking/link`);
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const { code, path, url } = issued.body;
    expect(path).toMatch(new RegExp(`^/t/${code}\\.[A-Za-z0-9_-]{22}$`));
    expect(url).toBe(`http://lastmile.example${path}`);
    expect(code).not.toBe(before.split('.')[0]);
    // The old link is gone (as unknown, not as revoked); the new one opens although the old one had been revoked.
    expect((await app.request('GET', `/api/v1/track/${before}`, { token: null })).status).toBe(404);
    tokens.set(second.orderId, linkToken(path));
    expect((await track(second.orderId)).status).toBe(200);
    // The order shows the code only; the secret is nowhere in what the API or the row keeps.
    const order = (await app.request('GET', `/api/v1/orders/${second.orderId}`)).body;
    expect(order.trackingCode).toBe(code);
    const secret = path.split('.')[1];
    expect(JSON.stringify(order)).not.toContain(secret);
    expect(JSON.stringify((await app.request('GET', `/api/v1/orders?limit=500`)).body)).not.toContain(secret);
    expect(JSON.stringify(await app.database.knex('orders').where({ id: second.orderId }).first())).not.toContain(secret);
    const events = (await app.request('GET', `/api/v1/orders/${second.orderId}/events`)).body.items.map((event: { type: string }) => event.type);
    expect(events).toEqual(expect.arrayContaining(['tracking_link_revoked', 'tracking_link_issued']));
    expect((await app.request('POST', '/api/v1/orders/999999/tracking/link')).status).toBe(404);
  });

  it('opens nothing for a known code with a wrong secret, nor for malformed tokens', async () => {
    const first = tokens.get(route.stops[0]!.orderId)!;
    const [code, secret] = first.split('.') as [string, string];
    const wrongSecret = `${code}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [wrongSecret, code.padEnd(22, 'x'), `${code}.`, `${code}-${secret}`]) {
      const answer = await app.request('GET', `/api/v1/track/${encodeURIComponent(token)}`, { token: null });
      expect(answer.status, token).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });

  it('expires a set time after the order is finished', async () => {
    const last = route.stops[route.stops.length - 1]!;
    // Finished at the service's clock, which the link's lifetime counts from.
    const finishedEpoch = Math.floor(nowEpoch);
    expect((await app.request('POST', `/api/v1/orders/${last.orderId}/transitions`, { body: { status: 'cancelled', reason: 'customer moved' } })).status).toBe(200);
    nowEpoch = finishedEpoch + linkTtlSeconds - 60;
    const open = await track(last.orderId);
    expect(open.status).toBe(200);
    expect(open.body.status).toBe('cancelled');
    expect(open.body.times).toBeNull();
    expect(Date.parse(open.body.expiresAt) / 1000).toBe(finishedEpoch + linkTtlSeconds);
    nowEpoch = finishedEpoch + linkTtlSeconds + 60;
    const expired = await track(last.orderId);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('link_expired');
  });
});
