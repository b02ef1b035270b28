/**
 * "Plan again" mid-day over HTTP: a dispatched day of 1,000 stops on 50 vans (Heidelberg road network, embedded
 * PGlite or PostgreSQL), about 40 % of every route done, each van's last position known, 20 new ready orders; the
 * clock pinned just after the median van finished its last done stop. Then POST /api/v1/plans/{id}/replan, a few
 * times (each proposal is discarded, so every run starts from the same plan). Prints the time to the proposal
 * (p50, max) beside the bar (≤ 5 s) and what the proposal changes. The HTTP client runs in the same process.
 *
 * The day is built directly (routes by sector around the depot, evaluated in plan mode) rather than solved.
 *
 *   npx tsx benchmarks/replan-midday.ts [--runs 3] [--time-limit 1.5] [--threads 1] [--database-url postgres://…] [--routing embedded|haversine]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../solver/model/rng';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { repositories } from '../src/db/repositories';
import { EventBus } from '../src/domain/events';
import { localMidnightEpochSeconds } from '../src/domain/time';
import { createApp } from '../src/http/app';
import { apiPrefix } from '../src/http/mount';
import { plansMount } from '../src/http/routes/plans.routes';
import { createLogger } from '../src/logger';
import { PlanQueue } from '../src/reactions/plan-runs';
import { loadPlanContext } from '../src/planning/plan-context';
import { evaluateRoutes } from '../src/planning/route-evaluation';
import { trackedPositions } from '../src/planning/tracked-positions';
import { loadEmbeddedRouting } from '../src/routing/embedded';
import { createHaversineProvider } from '../src/routing/haversine';
import type { RoutingProvider } from '../src/routing/provider';
import { ensureAdmin } from '../src/seed/credentials';
import { createPoolSolver } from '../src/solving/pool-solver';
import type { LonLat } from '../src/domain/model/geometry';
import type { Order } from '../src/domain/model/order';
import type { RouteDraft } from '../src/domain/model/route';
import type { ProposalResponse } from '../src/protocol/plans';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'time-limit': { type: 'string', default: '1.5' },
    threads: { type: 'string', default: '1' },
    'database-url': { type: 'string' },
    routing: { type: 'string', default: 'embedded' },
  },
});
const VEHICLES = 50;
const STOPS = 1000;
const DONE_SHARE = 0.4;
const NEW_ORDERS = 20;
const BAR_MS = 5000;
const DATE = '2026-11-24';
const TIME_ZONE = 'Europe/Berlin';
const DEPOT: LonLat = [8.6724, 49.4093];
const token = 'benchmark-admin-token-0123456789';

const rng = new Rng(11);
const midnight = localMidnightEpochSeconds(DATE, TIME_ZONE);
const addresses = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((a) => a.location);
const pick = () => addresses[rng.int(addresses.length)]!;

const routing: RoutingProvider =
  values.routing === 'haversine' ? createHaversineProvider() : await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
const pgliteDirectory = mkdtempSync(join(tmpdir(), 'lastmile-bench-replan-'));
const database = values['database-url']
  ? openDatabase({ engine: 'postgres', url: values['database-url'], schema: undefined })
  : openDatabase({ engine: 'pglite', directory: pgliteDirectory });
if (values['database-url']) {
  await database.knex.raw('drop schema if exists bench_replan cascade; create schema bench_replan');
  await database.close();
}
const db = values['database-url'] ? openDatabase({ engine: 'postgres', url: values['database-url'], schema: 'bench_replan' }) : database;
await migrateToLatest(db.knex);
// The clock is pinned once the day is built (mid-day on DATE), so the run does not depend on today's date.
let nowMs = midnight * 1000;
const context = { db: db.knex, events: new EventBus(), clock: { nowMs: () => nowMs } };
await ensureAdmin(context, token);
const repos = repositories(db.knex);

let started = performance.now();
const depot = await repos.depots.insert({ name: 'Bergheim', location: DEPOT, address: 'Heidelberg', timeZone: TIME_ZONE, openingHours: {} });
const vehicles = [];
for (let v = 0; v < VEHICLES; v++) {
  vehicles.push(
    await repos.vehicles.insert({
      name: `Van ${v + 1}`,
      startDepotId: depot.id,
      endDepotId: depot.id,
      capacity: { weightKg: 800, volumeL: 6000, items: 120 },
      skills: [],
      shiftStartSeconds: 7.5 * 3600,
      shiftEndSeconds: 20.5 * 3600,
      costs: { fixed: 0, perHour: 3600, perKm: 0 },
      maxStops: null,
      maxShiftSeconds: null,
      breaks: [],
    }),
  );
}
const dayWindow = { startEpochSeconds: midnight + 8 * 3600, endEpochSeconds: midnight + 20 * 3600 };
const draft = (k: number, location: LonLat, window = dayWindow) => ({
  source: 'bench',
  externalRef: `replan-${k}`,
  customerName: `Customer ${k}`,
  customerPhone: null,
  customerEmail: null,
  addressText: 'Heidelberg',
  location,
  timeWindows: [window],
  serviceSeconds: 240,
  demand: { weightKg: 3, volumeL: 20, items: 1 },
  priority: 0,
  requiredSkills: [],
  notes: null,
});
await repos.orders.upsertMany(Array.from({ length: STOPS }, (_, k) => draft(k, pick())), { actor: 'system', depotId: depot.id });
const orders: Order[] = [];
let cursor: string | undefined;
do {
  const page = await repos.orders.list({ depotId: depot.id }, { limit: 500, cursor });
  orders.push(...page.items);
  cursor = page.nextCursor ?? undefined;
} while (cursor);
const angle = (order: Order) => Math.atan2(order.location[1] - DEPOT[1], order.location[0] - DEPOT[0]);
orders.sort((a, b) => angle(a) - angle(b));
const planContext = await loadPlanContext(repos, depot.id, DATE, vehicles, routing);
const perRoute = STOPS / VEHICLES;
const done = Math.round(perRoute * DONE_SHARE);
const routes: RouteDraft[] = [];
for (let v = 0; v < VEHICLES; v++) {
  const left = orders.slice(v * perRoute, (v + 1) * perRoute);
  const sequence: Order[] = [];
  let here = DEPOT;
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (Math.hypot(left[i]!.location[0] - here[0], left[i]!.location[1] - here[1]) < Math.hypot(left[best]!.location[0] - here[0], left[best]!.location[1] - here[1])) best = i;
    const [next] = left.splice(best, 1);
    sequence.push(next!);
    here = next!.location;
  }
  const { routes: [route] } = await evaluateRoutes(planContext, [{ vehicle: vehicles[v]!, stops: sequence.map((order) => ({ order, locked: false })), status: 'dispatched', driverId: null }]);
  route!.stops.forEach((stop, k) => {
    stop.dispatchedEtaEpoch = stop.plannedArrivalEpoch;
    if (k < done) Object.assign(stop, { status: 'completed', actualArrivalEpoch: stop.plannedArrivalEpoch, completedAtEpoch: stop.plannedDepartureEpoch });
    // Every fifth van is at its next stop.
    if (k === done && v % 5 === 0) Object.assign(stop, { status: 'arrived', actualArrivalEpoch: stop.plannedArrivalEpoch });
  });
  routes.push(route!);
}
const plan = await repos.plans.insert({ depotId: depot.id, date: DATE, vehicleIds: vehicles.map((v) => v.id), orderIds: orders.map((o) => o.id), options: {}, timeLimitSeconds: 1, createdBy: 'system' });
await repos.routes.insertMany(plan.id, routes);
const totals = { routes: VEHICLES, stops: STOPS, unassigned: 0, distanceMeters: 0, drivingSeconds: 0, serviceSeconds: 0, waitingSeconds: 0, paidSeconds: 0, cost: 0 };
await repos.plans.setStatus(plan.id, 'dispatched', { totals });
await repos.orders.setStatusMany(orders.map((o) => o.id), 'dispatched');
for (const route of routes) for (const stop of route.stops) await repos.orders.setAssignedVehicle(stop.orderId, route.vehicleId);
const lastDone = routes.map((route) => route.stops[done - 1]!.completedAtEpoch!).sort((a, b) => a - b);
for (const route of routes) {
  const last = route.stops[done - 1]!;
  await repos.positions.upsertLatest([{ vehicleId: route.vehicleId, recordedAt: last.completedAtEpoch! + 60, location: last.location, accuracyMeters: 10, speedMetersPerSecond: null, headingDegrees: null }]);
}
nowMs = (lastDone[lastDone.length >> 1]! + 120) * 1000;
const fresh = [];
for (let k = 0; k < NEW_ORDERS; k++) {
  const start = Math.floor(nowMs / 1000) + rng.int(4) * 3600;
  fresh.push((await repos.orders.upsertMany([draft(STOPS + k, pick(), { startEpochSeconds: start, endEpochSeconds: start + 3 * 3600 })], { actor: 'system', depotId: depot.id }))[0]!.id);
}
await repos.orders.setStatusMany(fresh, 'ready');
const buildMs = performance.now() - started;

const solver = createPoolSolver({ threads: Number(values.threads) });
const queue = new PlanQueue({ context, solver, routing });
const app = createApp({ database: db, commands: context, logger: createLogger('silent'), mounts: [plansMount({ context, queue, solver, routing, positions: trackedPositions })] });
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPrefix}/plans/${plan.id}/replan`;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const timeLimitSeconds = Number(values['time-limit']);
const runs = Number(values.runs);
const times: number[] = [];
let last: ProposalResponse | undefined;
for (let run = 0; run < runs; run++) {
  started = performance.now();
  const response = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ timeLimitSeconds }) });
  const body = (await response.json()) as ProposalResponse & { error?: { message: string } };
  times.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`replan answered ${response.status}: ${body.error?.message}`);
  last = body;
  await fetch(`${base}/${body.proposalId}`, { method: 'DELETE', headers });
}
server.close();
await solver.close();
await db.close();
await routing.close?.();
rmSync(pgliteDirectory, { recursive: true, force: true });

const sorted = [...times].sort((a, b) => a - b);
const p50 = sorted[Math.ceil(sorted.length / 2) - 1]!;
const max = sorted[sorted.length - 1]!;
const sum = (key: 'movedIn' | 'added' | 'removed' | 'reordered') => last!.changes.reduce((count, change) => count + change[key].length, 0);
const km = (meters: number) => (meters / 1000).toFixed(1);
console.log(`\nPlan again mid-day: ${STOPS} stops on ${VEHICLES} vans, ${done} of ${perRoute} done per route (${VEHICLES / 5} vans at a stop), ${NEW_ORDERS} new orders; ${values.routing} routing, ${db.engine}, solver ${timeLimitSeconds} s on ${values.threads} thread(s); day built in ${(buildMs / 1000).toFixed(1)} s`);
console.log('\n| measure | p50 | max | bar |');
console.log('| --- | ---: | ---: | --- |');
console.log(`| time to proposal (${runs} runs) | ${(p50 / 1000).toFixed(2)} s | ${(max / 1000).toFixed(2)} s | ≤ ${BAR_MS / 1000} s |`);
console.log('\n| proposal | before | after |');
console.log('| --- | ---: | ---: |');
console.log(`| distance km | ${km(last!.totals.before.distanceMeters)} | ${km(last!.totals.after.distanceMeters)} |`);
console.log(`| duration h | ${(last!.totals.before.durationSeconds / 3600).toFixed(1)} | ${(last!.totals.after.durationSeconds / 3600).toFixed(1)} |`);
console.log(`| late stops | ${last!.totals.before.lateStops} | ${last!.totals.after.lateStops} |`);
console.log(`| unassigned | ${last!.totals.before.unassigned} | ${last!.totals.after.unassigned} |`);
console.log(`\nchanges: ${last!.changes.length} vans; ${sum('movedIn')} stops moved between vans, ${sum('added')} new orders added, ${sum('removed')} removed, ${sum('reordered')} reordered`);
console.log(max <= BAR_MS ? 'bar met' : 'bar MISSED');
