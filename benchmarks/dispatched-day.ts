/**
 * The day the live-insertion and "plan again" benchmarks start from: 1,000 stops on 50 vans from a depot in
 * Heidelberg-Bergheim (embedded road network or straight lines; embedded PGlite in a temporary directory, as the
 * server keeps it, or a schema of its own on a PostgreSQL server), routes by sector around the depot sequenced by
 * nearest neighbour and evaluated in plan mode (built, not solved), dispatched, the first `done` stops of every route
 * completed at their planned times, each van's last position at its last done stop. The clock is pinned just after
 * the median van finished its last done stop, so a run does not depend on today's date or hour.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../solver/model/rng';
import type { CommandContext } from '../src/commands/context';
import { migrateToLatest, openDatabase, type Database } from '../src/db/database';
import { repositories } from '../src/db/repositories';
import type { Clock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import type { LonLat } from '../src/domain/model/geometry';
import type { Order } from '../src/domain/model/order';
import type { RouteDraft } from '../src/domain/model/route';
import type { Vehicle } from '../src/domain/model/fleet';
import { localMidnightEpochSeconds } from '../src/domain/time';
import { loadPlanContext } from '../src/planning/plan-context';
import { evaluateRoutes } from '../src/planning/route-evaluation';
import { loadEmbeddedRouting } from '../src/routing/embedded';
import { createHaversineProvider } from '../src/routing/haversine';
import type { RoutingProvider } from '../src/routing/provider';
import { ensureAdmin } from '../src/seed/credentials';

export const VEHICLES = 50;
export const STOPS = 1000;
export const PER_ROUTE = STOPS / VEHICLES;
export const DATE = '2026-11-24';
export const TIME_ZONE = 'Europe/Berlin';
export const DEPOT: LonLat = [8.6724, 49.4093];
export const benchmarkToken = 'benchmark-admin-token-0123456789';

interface DayOptions {
  /** Names the PostgreSQL schema and the orders' external refs. */
  name: string;
  seed: number;
  /** Stops completed at the start of every route. */
  done: number;
  /** Every n-th van has arrived at its next stop (0: none). */
  arrivedEvery?: number;
  routing: string;
  databaseUrl?: string;
}

export interface DispatchedDay {
  db: Database;
  context: CommandContext;
  repos: ReturnType<typeof repositories>;
  routing: RoutingProvider;
  planId: number;
  depotId: number;
  routes: RouteDraft[];
  midnight: number;
  rng: Rng;
  /** The pinned clock, in epoch seconds. */
  nowEpoch(): number;
  /** Seconds to build the day. */
  buildSeconds: number;
  /** Stops of the built day with a violation. */
  violations: number;
  /** New ready orders at random demo addresses, with the given windows (epoch seconds). */
  addReadyOrders(windows: { startEpochSeconds: number; endEpochSeconds: number }[]): Promise<number[]>;
  close(): Promise<void>;
}

export async function buildDispatchedDay({ name, seed, done, arrivedEvery = 0, routing: routingName, databaseUrl }: DayOptions): Promise<DispatchedDay> {
  const rng = new Rng(seed);
  const midnight = localMidnightEpochSeconds(DATE, TIME_ZONE);
  const addresses = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((a) => a.location);
  const pick = () => addresses[rng.int(addresses.length)]!;

  const routing: RoutingProvider =
    routingName === 'haversine' ? createHaversineProvider() : await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
  const pgliteDirectory = mkdtempSync(join(tmpdir(), `lastmile-bench-${name}-`));
  const schema = `bench_${name}`;
  if (databaseUrl) {
    const admin = openDatabase({ engine: 'postgres', url: databaseUrl, schema: undefined });
    await admin.knex.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    await admin.close();
  }
  const db = databaseUrl ? openDatabase({ engine: 'postgres', url: databaseUrl, schema }) : openDatabase({ engine: 'pglite', directory: pgliteDirectory });
  await migrateToLatest(db.knex);
  let nowMs = midnight * 1000;
  const clock: Clock = { nowMs: () => nowMs };
  const context: CommandContext = { db: db.knex, events: new EventBus(), clock };
  await ensureAdmin(context, benchmarkToken);
  const repos = repositories(db.knex);

  const started = performance.now();
  const depot = await repos.depots.insert({ name: 'Bergheim', location: DEPOT, address: 'Heidelberg', timeZone: TIME_ZONE, openingHours: {} });
  const vehicles: Vehicle[] = [];
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
        reload: null,
      }),
    );
  }
  let refs = 0;
  const draft = (location: LonLat, window: { startEpochSeconds: number; endEpochSeconds: number }) => ({
    source: 'bench',
    externalRef: `${name}-${refs++}`,
    customerName: `Customer ${refs}`,
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
  const dayWindow = { startEpochSeconds: midnight + 8 * 3600, endEpochSeconds: midnight + 20 * 3600 };
  await repos.orders.upsertMany(Array.from({ length: STOPS }, () => draft(pick(), dayWindow)), { actor: 'system', depotId: depot.id });
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
  const routes: RouteDraft[] = [];
  for (let v = 0; v < VEHICLES; v++) {
    // Within a sector, nearest neighbour from the depot makes a plausible van route.
    const left = orders.slice(v * PER_ROUTE, (v + 1) * PER_ROUTE);
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
      if (k === done && arrivedEvery > 0 && v % arrivedEvery === 0) Object.assign(stop, { status: 'arrived', actualArrivalEpoch: stop.plannedArrivalEpoch });
    });
    routes.push(route!);
  }
  const plan = await repos.plans.insert({ depotId: depot.id, date: DATE, vehicleIds: vehicles.map((v) => v.id), orderIds: orders.map((o) => o.id), options: {}, timeLimitSeconds: 1, createdBy: 'system' });
  await repos.routes.insertMany(plan.id, routes);
  const totals = { routes: VEHICLES, stops: STOPS, unassigned: 0, distanceMeters: 0, drivingSeconds: 0, serviceSeconds: 0, waitingSeconds: 0, paidSeconds: 0, cost: 0 };
  await repos.plans.setStatus(plan.id, 'dispatched', new Date(context.clock.nowMs()), { totals });
  await repos.orders.setStatusMany(orders.map((o) => o.id), 'dispatched');
  for (const route of routes) for (const stop of route.stops) await repos.orders.setAssignedVehicle(stop.orderId, route.vehicleId);
  for (const route of routes) {
    const last = route.stops[done - 1]!;
    await repos.positions.upsertLatest([{ vehicleId: route.vehicleId, recordedAt: last.completedAtEpoch! + 60, location: last.location, accuracyMeters: 10, speedMetersPerSecond: null, headingDegrees: null }]);
  }
  const lastDone = routes.map((route) => route.stops[done - 1]!.completedAtEpoch!).sort((a, b) => a - b);
  nowMs = (lastDone[lastDone.length >> 1]! + 120) * 1000;
  const violations = routes.reduce((count, route) => count + route.stops.filter((stop) => stop.violations.length > 0).length, 0);

  return {
    db,
    context,
    repos,
    routing,
    planId: plan.id,
    depotId: depot.id,
    routes,
    midnight,
    rng,
    nowEpoch: () => Math.floor(nowMs / 1000),
    buildSeconds: (performance.now() - started) / 1000,
    violations,
    async addReadyOrders(windows) {
      const ids: number[] = [];
      for (const window of windows) ids.push((await repos.orders.upsertMany([draft(pick(), window)], { actor: 'system', depotId: depot.id }))[0]!.id);
      await repos.orders.setStatusMany(ids, 'ready');
      return ids;
    },
    async close() {
      await db.close();
      await routing.close?.();
      rmSync(pgliteDirectory, { recursive: true, force: true });
    },
  };
}
