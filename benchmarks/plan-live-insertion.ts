/**
 * Live insertion over HTTP: a dispatched day of 1,000 stops on 50 vans (Heidelberg road network, embedded PGlite
 * or PostgreSQL), the first stops of every route done and each van's last position known; then one new order at
 * a time goes through POST /api/v1/plans/{id}/insertions. Prints latency percentiles beside the bar (p99 ≤ 50 ms)
 * and how many orders found a place. The HTTP client runs in the same process, one request at a time; PGlite keeps
 * its files in a temporary directory, as the server does.
 *
 * The day is built directly (routes by sector around the depot, evaluated in plan mode) rather than solved, so the
 * benchmark measures insertion, not the solver. Orders of the day: 08:00–20:00; new orders: a 3 h window.
 *
 *   npx tsx benchmarks/plan-live-insertion.ts [--insertions 200] [--database-url postgres://…] [--routing embedded|haversine]
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
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { localMidnightEpochSeconds } from '../src/domain/time';
import { unlimitedRateLimits } from '../src/auth/rate-limits';
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

const { values } = parseArgs({
  options: {
    insertions: { type: 'string', default: '200' },
    'database-url': { type: 'string' },
    routing: { type: 'string', default: 'embedded' },
  },
});
const VEHICLES = 50;
const STOPS = 1000;
const DONE_PER_ROUTE = 5;
const BAR_P99_MS = 50;
const DATE = '2026-11-24';
const TIME_ZONE = 'Europe/Berlin';
const DEPOT: LonLat = [8.6724, 49.4093];
const token = 'benchmark-admin-token-0123456789';

const rng = new Rng(7);
const midnight = localMidnightEpochSeconds(DATE, TIME_ZONE);
const addresses = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((a) => a.location);
const pick = () => addresses[rng.int(addresses.length)]!;

const routing: RoutingProvider =
  values.routing === 'haversine' ? createHaversineProvider() : await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
// PGlite keeps its files in a directory, as the server does (DATA_DIR), not in memory.
const pgliteDirectory = mkdtempSync(join(tmpdir(), 'lastmile-bench-live-'));
const database = values['database-url']
  ? openDatabase({ engine: 'postgres', url: values['database-url'], schema: undefined })
  : openDatabase({ engine: 'pglite', directory: pgliteDirectory });
if (values['database-url']) {
  await database.knex.raw('drop schema if exists bench_live cascade; create schema bench_live');
  await database.close();
}
const db = values['database-url'] ? openDatabase({ engine: 'postgres', url: values['database-url'], schema: 'bench_live' }) : database;
await migrateToLatest(db.knex);
const events = new EventBus();
const context = { db: db.knex, events, clock: systemClock };
await ensureAdmin(context, token);
const repos = repositories(db.knex);

// The day: depot, vans, orders, routes by sector, first stops done, positions at the last done stop.
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
  externalRef: `live-${k}`,
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
const routes: RouteDraft[] = [];
for (let v = 0; v < VEHICLES; v++) {
  const group = orders.slice(v * perRoute, (v + 1) * perRoute);
  // Within a sector, nearest neighbour from the depot makes a plausible van route.
  const sequence: Order[] = [];
  let here = DEPOT;
  const left = [...group];
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
    if (k < DONE_PER_ROUTE) Object.assign(stop, { status: 'completed', actualArrivalEpoch: stop.plannedArrivalEpoch, completedAtEpoch: stop.plannedDepartureEpoch });
  });
  routes.push(route!);
}
const plan = await repos.plans.insert({ depotId: depot.id, date: DATE, vehicleIds: vehicles.map((v) => v.id), orderIds: orders.map((o) => o.id), options: {}, timeLimitSeconds: 1, createdBy: 'system' });
await repos.routes.insertMany(plan.id, routes);
const totals = { routes: VEHICLES, stops: STOPS, unassigned: 0, distanceMeters: 0, drivingSeconds: 0, serviceSeconds: 0, waitingSeconds: 0, paidSeconds: 0, cost: 0 };
await repos.plans.setStatus(plan.id, 'dispatched', { totals });
await repos.orders.setStatusMany(orders.map((o) => o.id), 'dispatched');
for (const route of routes) for (const stop of route.stops) await repos.orders.setAssignedVehicle(stop.orderId, route.vehicleId);
for (const route of routes) {
  const last = route.stops[DONE_PER_ROUTE - 1]!;
  await repos.positions.upsertLatest([{ vehicleId: route.vehicleId, recordedAt: last.completedAtEpoch! + 60, location: last.location, accuracyMeters: 10, speedMetersPerSecond: null, headingDegrees: null }]);
}
const violations = routes.reduce((count, route) => count + route.stops.filter((stop) => stop.violations.length > 0).length, 0);
const buildMs = performance.now() - started;

// New orders, ready, each inserted on its own over HTTP.
const insertions = Number(values.insertions);
const fresh = [];
for (let k = 0; k < insertions; k++) {
  const start = midnight + (9 + rng.int(8)) * 3600;
  fresh.push((await repos.orders.upsertMany([draft(STOPS + k, pick(), { startEpochSeconds: start, endEpochSeconds: start + 3 * 3600 })], { actor: 'system', depotId: depot.id }))[0]!.id);
}
await repos.orders.setStatusMany(fresh, 'ready');

const solver = createPoolSolver({ threads: 1 });
const queue = new PlanQueue({ context, solver, routing });
const app = createApp({ database: db, commands: context, logger: createLogger('silent'), limits: unlimitedRateLimits, mounts: [plansMount({ context, queue, solver, routing, positions: trackedPositions })] });
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPrefix}/plans/${plan.id}/insertions`;
const post = (orderId: number) =>
  fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ orderId }) });

for (let k = 0; k < 5; k++) await (await post(fresh[k]!)).text(); // warm-up: JIT, connection, statement caches
const latencies: number[] = [];
let inserted = 0;
const reasons = new Map<string, number>();
for (const orderId of fresh.slice(5)) {
  started = performance.now();
  const response = await post(orderId);
  const body = (await response.json()) as { inserted?: boolean; reason?: string; error?: { message: string } };
  latencies.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`insertion answered ${response.status}: ${body.error?.message}`);
  if (body.inserted) inserted++;
  else reasons.set(body.reason!, (reasons.get(body.reason!) ?? 0) + 1);
}
// Reference: the stack's floor on this machine, the same way (sequential, same process).
const health: number[] = [];
for (let k = 0; k < latencies.length; k++) {
  started = performance.now();
  await (await fetch(url.replace(/\/plans\/.*$/, '/health'))).text();
  health.push(performance.now() - started);
}
server.close();
await db.close();
await routing.close?.();
rmSync(pgliteDirectory, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
health.sort((a, b) => a - b);
const quantile = (list: number[], q: number) => list[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)]!;
const at = (q: number) => quantile(latencies, q);
const fmt = (ms: number) => ms.toFixed(1).padStart(8);
console.log(`\nLive insertion: ${STOPS} stops on ${VEHICLES} vans (${DONE_PER_ROUTE} done per route), ${values.routing} routing, ${db.engine}; day built in ${(buildMs / 1000).toFixed(1)} s (${violations} stops with violations)`);
console.log(`${'request'.padEnd(10)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'max ms'.padStart(8)}  ${'bar p99'.padStart(8)}`);
console.log(`${'insertion'.padEnd(10)}${fmt(at(0.5))}${fmt(at(0.95))}${fmt(at(0.99))}${fmt(latencies[latencies.length - 1]!)}  ${`≤ ${BAR_P99_MS}`.padStart(8)}  ${inserted}/${latencies.length} placed${reasons.size ? ` (not placed: ${[...reasons].map(([reason, count]) => `${reason} ${count}`).join(', ')})` : ''}`);
console.log(`${'health'.padEnd(10)}${fmt(quantile(health, 0.5))}${fmt(quantile(health, 0.95))}${fmt(quantile(health, 0.99))}${fmt(health[health.length - 1]!)}  ${'(floor)'.padStart(8)}`);
console.log(at(0.99) <= BAR_P99_MS ? 'bar met' : 'bar MISSED');
