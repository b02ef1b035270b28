/**
 * The delivery promise at checkout, over HTTP on the Heidelberg road network (embedded PGlite or PostgreSQL).
 *
 * 1. Quote latency: 3 dates with 1,000 orders already promised on each, on 50 vans (no plan yet: each day's forecast
 *    is built once, its build time printed apart); then one address at a time is quoted over the 3 dates through
 *    POST /api/v1/slots/quote. p50/p99 beside the bar (p99 ≤ 100 ms) and beside GET /health measured the same way.
 * 2. Simulation: 600 orders arrive through the day before (the clock walks from 08:00 to the 20:00 cut-off), 20
 *    checkouts at a time, each quoting its address, taking a random available window, reserving it and creating the
 *    order with the reservation (a few abandon, their holds expire). Then the day is planned by the planning
 *    pipeline: unassigned orders and overbooked windows (both must be 0), and the plan's cost beside planning the
 *    same orders without slotting (each open the whole day, 08:00–20:00), same solver, same time limit.
 *
 *   npm run bench:slots -- [--quotes 200] [--orders 600] [--time-limit 20] [--database-url postgres://…] [--routing embedded|haversine]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { Rng } from '../solver/model/rng';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { repositories } from '../src/db/repositories';
import { EventBus } from '../src/domain/events';
import { localDayRange, localMidnightEpochSeconds } from '../src/domain/time';
import { unlimitedRateLimits } from '../src/auth/rate-limits';
import { createApp } from '../src/http/app';
import { slotsMount } from '../src/http/routes/slots.routes';
import { createLogger } from '../src/logger';
import { loadPlanContext } from '../src/planning/plan-context';
import { planningInput } from '../src/planning/planning-input';
import { PromiseDays } from '../src/planning/promise-day';
import { loadEmbeddedRouting } from '../src/routing/embedded';
import { createHaversineProvider } from '../src/routing/haversine';
import type { RoutingProvider } from '../src/routing/provider';
import { ensureAdmin } from '../src/seed/credentials';
import { createPoolSolver } from '../src/solving/pool-solver';
import { defaultSeeds } from '../src/solving/runner';
import { solvePlanning } from '../src/solving/solve-planning';
import type { LonLat } from '../src/domain/model/geometry';
import type { Order } from '../src/domain/model/order';
import type { Vehicle } from '../src/domain/model/fleet';

const { values } = parseArgs({
  options: {
    quotes: { type: 'string', default: '200' },
    orders: { type: 'string', default: '600' },
    'time-limit': { type: 'string', default: '20' },
    'database-url': { type: 'string' },
    routing: { type: 'string', default: 'embedded' },
  },
});
const BAR_P99_MS = 100;
const QUOTE_DATES = ['2026-11-24', '2026-11-25', '2026-11-26'];
const SIMULATED_DATE = '2026-11-27';
const DAY_BEFORE = '2026-11-26';
const PROMISED_PER_DATE = 1000;
const QUOTE_VANS = 50;
const SIM_VANS = 16;
const CONCURRENCY = 20;
const ABANDON_SHARE = 0.05;
const TIME_ZONE = 'Europe/Berlin';
const DEPOT: LonLat = [8.6724, 49.4093];
const token = 'benchmark-admin-token-0123456789';
const hours = (h: number) => h * 3600;

const rng = new Rng(11);
const addresses = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((a) => a.location);
const pick = () => addresses[rng.int(addresses.length)]!;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (value: number) => value.toFixed(1);
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

const routing: RoutingProvider =
  values.routing === 'haversine' ? createHaversineProvider() : await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
const pgliteDirectory = mkdtempSync(join(tmpdir(), 'lastmile-bench-slots-'));
const engine = values['database-url'] ? 'postgres' : 'pglite';
if (values['database-url']) {
  const admin = openDatabase({ engine: 'postgres', url: values['database-url'], schema: undefined });
  await admin.knex.raw('drop schema if exists bench_slots cascade; create schema bench_slots');
  await admin.close();
}
const db = values['database-url'] ? openDatabase({ engine: 'postgres', url: values['database-url'], schema: 'bench_slots' }) : openDatabase({ engine: 'pglite', directory: pgliteDirectory });
await migrateToLatest(db.knex);
// The clock the service reads: Monday evening for the quotes, then walked through the simulated day before.
let nowMs = Date.parse('2026-11-23T17:00:00Z');
const context = { db: db.knex, events: new EventBus(), clock: { nowMs: () => nowMs } };
await ensureAdmin(context, token);
const repos = repositories(db.knex);

const calendar = (capacity: number) => ({
  windows: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => [day, [hours(8), hours(12), hours(16)].map((start) => ({ startSeconds: start, endSeconds: start + hours(4), capacity }))])),
  cutoff: { daysBefore: 1, atSeconds: hours(20) },
});
const vanOf = (depotId: number, k: number, items: number) => ({
  name: `Van ${k + 1}`,
  startDepotId: depotId,
  endDepotId: depotId,
  capacity: { weightKg: 800, volumeL: 6000, items },
  skills: [],
  shiftStartSeconds: hours(7.5),
  shiftEndSeconds: hours(20.5),
  costs: { fixed: 50, perHour: 30, perKm: 0.3 },
  maxStops: null,
  maxShiftSeconds: null,
  breaks: [{ windows: [[hours(11.5), hours(14)]] as [number, number][], durationSeconds: 1800 }],
  reload: null,
});
const orderDraft = (ref: string, location: LonLat, window: { startEpochSeconds: number; endEpochSeconds: number }) => ({
  source: 'bench',
  externalRef: ref,
  customerName: `Customer ${ref}`,
  customerPhone: null,
  customerEmail: null,
  addressText: 'Heidelberg',
  location,
  timeWindows: [window],
  serviceSeconds: 180,
  demand: { weightKg: 3, volumeL: 20, items: 1 },
  priority: 0,
  requiredSkills: [],
  notes: null,
});

const days = new PromiseDays(routing);
const app = createApp({ database: db, commands: context, logger: createLogger('silent'), limits: unlimitedRateLimits, mounts: [slotsMount({ context, days, geocoding: {}, holdSeconds: 15 * 60 })] });
const server = createServer(app);
// On a loaded machine a checkout's next request can race the server closing its idle keep-alive socket (ECONNRESET).
server.keepAliveTimeout = 120_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
const post = async (path: string, body: unknown) => {
  const response = await fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

// 1. Quote latency over three promised days.
const quoteDepot = await repos.depots.insert({ name: 'Bergheim', location: DEPOT, address: 'Heidelberg', timeZone: TIME_ZONE, openingHours: {}, slotCalendar: calendar(1000) });
for (let v = 0; v < QUOTE_VANS; v++) await repos.vehicles.insert(vanOf(quoteDepot.id, v, 120));
for (const date of QUOTE_DATES) {
  const midnight = localMidnightEpochSeconds(date, TIME_ZONE);
  const drafts = Array.from({ length: PROMISED_PER_DATE }, (_, k) => {
    const start = midnight + hours(8 + 4 * rng.int(3));
    return orderDraft(`${date}-${k}`, pick(), { startEpochSeconds: start, endEpochSeconds: start + hours(4) });
  });
  await repos.orders.upsertMany(drafts, { actor: 'system', depotId: quoteDepot.id });
}
let started = performance.now();
const first = await post('/slots/quote', { depotId: quoteDepot.id, location: pick(), dates: QUOTE_DATES });
const buildMs = performance.now() - started;
if (first.status !== 200) throw new Error(`quote answered ${first.status}: ${JSON.stringify(first.body)}`);
const routed = (await Promise.all(QUOTE_DATES.map((date) => days.withDay(repos, quoteDepot, date, Math.floor(nowMs / 1000), async (day) => day.counts)))).reduce((total, counts) => ({ routed: total.routed + counts.routed, unplaced: total.unplaced + counts.unplaced }), { routed: 0, unplaced: 0 });
for (let k = 0; k < 5; k++) await post('/slots/quote', { depotId: quoteDepot.id, location: pick(), dates: QUOTE_DATES });
const quoteMs: number[] = [];
// CPU of this process (server and client alike) over the quotes: what a quote costs, less swayed by the machine's load than its latency.
const quoteCpu = process.cpuUsage();
let available = 0;
let offered = 0;
for (let k = 0; k < Number(values.quotes); k++) {
  started = performance.now();
  const reply = await post('/slots/quote', { depotId: quoteDepot.id, location: pick(), dates: QUOTE_DATES });
  quoteMs.push(performance.now() - started);
  if (reply.status !== 200) throw new Error(`quote answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  for (const day of reply.body.dates) {
    for (const window of day.windows) {
      offered++;
      if (window.available) available++;
    }
  }
}
const quoteCpuMs = cpuMs(process.cpuUsage(quoteCpu)) / quoteMs.length;
const healthMs: number[] = [];
const healthCpu = process.cpuUsage();
for (let k = 0; k < quoteMs.length; k++) {
  started = performance.now();
  await (await fetch(`${base}/health`)).text();
  healthMs.push(performance.now() - started);
}
const healthCpuMs = cpuMs(process.cpuUsage(healthCpu)) / healthMs.length;
quoteMs.sort((a, b) => a - b);
healthMs.sort((a, b) => a - b);
const quoteLoad = loadavg()[0]!.toFixed(1);

// 2. Simulation: the day before, 20 checkouts at a time.
const simDepot = await repos.depots.insert({ name: 'Simulated', location: DEPOT, address: 'Heidelberg', timeZone: TIME_ZONE, openingHours: {}, slotCalendar: calendar(230) });
const simVans: Vehicle[] = [];
for (let v = 0; v < SIM_VANS; v++) simVans.push(await repos.vehicles.insert(vanOf(simDepot.id, v, 45)));
const target = Number(values.orders);
const dayBeforeStart = localMidnightEpochSeconds(DAY_BEFORE, TIME_ZONE) + hours(8);
const arrivalGapMs = (hours(12) * 1000 - 60_000) / target;
nowMs = dayBeforeStart * 1000;
let created = 0;
let arrivals = 0;
let abandoned = 0;
let noWindow = 0;
const refused = new Map<string, number>();
const checkoutMs: number[] = [];
/** One customer at checkout: quote, a random available window, hold it, pay (or walk away), the order. */
async function checkout(k: number): Promise<void> {
  const location = pick();
  const begun = performance.now();
  const quoted = await post('/slots/quote', { depotId: simDepot.id, location, dates: [SIMULATED_DATE], serviceSeconds: 180, amounts: { weightKg: 3, volumeL: 20, items: 1 } });
  if (quoted.status !== 200) throw new Error(`quote answered ${quoted.status}: ${JSON.stringify(quoted.body)}`);
  const open = quoted.body.dates[0].windows.filter((window: { available: boolean }) => window.available);
  if (open.length === 0) {
    noWindow++;
    return;
  }
  const chosen = open[rng.int(open.length)];
  const held = await post('/slots/reserve', { depotId: simDepot.id, location, date: SIMULATED_DATE, start: chosen.start, end: chosen.end, serviceSeconds: 180, amounts: { weightKg: 3, volumeL: 20, items: 1 } });
  if (held.status !== 201) {
    const reason = held.body.error?.details?.[0]?.reason ?? String(held.status);
    refused.set(reason, (refused.get(reason) ?? 0) + 1);
    return;
  }
  if (rng.next() < ABANDON_SHARE) {
    abandoned++;
    return;
  }
  const order = await post('/orders', { externalRef: `sim-${k}`, customerName: `Customer ${k}`, addressText: 'Heidelberg', location, serviceSeconds: 180, demand: { weightKg: 3, volumeL: 20, items: 1 }, depotId: simDepot.id, reservationId: held.body.id });
  if (order.status !== 201) throw new Error(`order answered ${order.status}: ${JSON.stringify(order.body)}`);
  created++;
  checkoutMs.push(performance.now() - begun);
}
started = performance.now();
// Customers arrive in waves of CONCURRENCY through the day before; a wave checks out at once, at its hour.
for (let wave = 0; created < target && arrivals < target * 2; wave++) {
  nowMs = Math.min(dayBeforeStart * 1000 + wave * CONCURRENCY * arrivalGapMs, (dayBeforeStart + hours(12)) * 1000 - 60_000);
  const size = Math.min(CONCURRENCY, target - created);
  await Promise.all(Array.from({ length: size }, () => checkout(arrivals++)));
}
const simulationS = (performance.now() - started) / 1000;
checkoutMs.sort((a, b) => a - b);

// Overbooking: orders per window against capacity.
const [from, to] = localDayRange(SIMULATED_DATE, TIME_ZONE);
const counts = await repos.orders.countByWindow(simDepot.id, from, to);
const overbooked = [...counts.values()].filter((count) => count > 230).length;
const promised = (await repos.orders.list({ depotId: simDepot.id }, { limit: 5000 })).items;

// Plan the day as a plan run does, and the same orders without slotting (open all day).
const solver = createPoolSolver({ threads: 1 });
const planContext = await loadPlanContext(repos, simDepot.id, SIMULATED_DATE, simVans, routing);
const plan = async (orders: Order[]) => {
  const input = planningInput(planContext.depot, SIMULATED_DATE, simVans, orders, planContext.depotsById);
  const outcome = await solvePlanning(input, { routing, solver }, { timeLimitMs: Number(values['time-limit']) * 1000, seeds: defaultSeeds(1) });
  if (outcome.status !== 'planned') throw new Error('planning was cancelled');
  return outcome.plan;
};
const slotted = await plan(promised);
const dayLong = { startEpochSeconds: from + hours(8), endEpochSeconds: from + hours(20) };
const unslotted = await plan(promised.map((order) => ({ ...order, timeWindows: [dayLong] })));
await solver.close();
const simLoad = loadavg()[0]!.toFixed(1);

const perWindow = [...counts].map(([key, count]) => `${new Date(Number(key.split('-')[0]) * 1000).toISOString().slice(11, 16)}Z: ${count}`).join(', ');
console.log(`\n## Delivery promise at checkout (${engine}, ${values.routing} routing)\n`);
console.log(`Quotes: 3 dates × ${PROMISED_PER_DATE} promised orders on ${QUOTE_VANS} vans (forecast built in ${(buildMs / 1000).toFixed(1)} s: ${routed.routed} stops routed, ${routed.unplaced} unplaced), ${quoteMs.length} quotes one at a time, load ${quoteLoad}\n`);
console.log('| measure | p50 ms | p99 ms | bar | ratio p99 to GET /health | CPU ms each (this process) |');
console.log('| --- | ---: | ---: | --- | ---: | ---: |');
console.log(`| POST /slots/quote (3 dates, 9 windows) | ${ms(percentile(quoteMs, 50))} | ${ms(percentile(quoteMs, 99))} | p99 ≤ ${BAR_P99_MS} ms: ${percentile(quoteMs, 99) <= BAR_P99_MS ? 'met' : 'missed'} | ${(percentile(quoteMs, 99) / percentile(healthMs, 99)).toFixed(1)}× | ${ms(quoteCpuMs)} |`);
console.log(`| GET /health (reference) | ${ms(percentile(healthMs, 50))} | ${ms(percentile(healthMs, 99))} | — | 1.0× | ${ms(healthCpuMs)} |`);
console.log(`\nWindows offered available: ${available} of ${offered}.\n`);
console.log(`Simulation: ${created} orders through ${CONCURRENCY} concurrent checkouts in ${simulationS.toFixed(1)} s (checkout p50 ${ms(percentile(checkoutMs, 50))} ms, p99 ${ms(percentile(checkoutMs, 99))} ms), ${abandoned} abandoned holds, ${noWindow} arrivals offered no window, refused reservations: ${[...refused].map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none'}; per window ${perWindow}; load ${simLoad}\n`);
console.log('| planning the day | unassigned | windows overbooked | routes | km | driving h | cost |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const row = (name: string, result: typeof slotted, overbookedWindows: number | string) =>
  console.log(`| ${name} | ${result.unassigned.length} | ${overbookedWindows} | ${result.totals.routes} | ${(result.totals.distanceMeters / 1000).toFixed(1)} | ${(result.totals.drivingSeconds / 3600).toFixed(1)} | ${result.totals.cost.toFixed(0)} |`);
row('with the promised windows', slotted, overbooked);
row('same orders, open all day (no slotting)', unslotted, '—');
console.log(`\nCost with slotting / without: ${(slotted.totals.cost / unslotted.totals.cost).toFixed(2)}×, time limit ${values['time-limit']} s each, one solver thread.`);

server.close();
await db.close();
rmSync(pgliteDirectory, { recursive: true, force: true });
process.exit(slotted.unassigned.length === 0 && overbooked === 0 ? 0 : 1);
