/**
 * The demo day, planned the way the service plans it: 300 orders at Heidelberg addresses with next-day windows,
 * 10 vans from one depot, the embedded Heidelberg road network, the solver pool. Prints each phase's time,
 * the plan's size, the checker's verdict, and whether any unassigned order could have been served: an order
 * counts as servable when it is served on its own, with the whole fleet free.
 *
 * Orders (deterministic, --seed): 2–4 h windows on the half hour between 08:00 and 20:00 Europe/Berlin,
 * 5–10 min service, 0.5–15 kg, 1–40 L, 1–3 items. Vans: 07:30–20:30 shift, 400 kg / 2,000 L / 60 items,
 * a 30 min break starting 11:30–14:00, back to the depot.
 *
 *   npx tsx benchmarks/plan-demo-day.ts [--seconds 5] [--threads N] [--seed 1] [--date 2026-11-24]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { checkSolution } from '../solver/index';
import { Rng } from '../solver/model/rng';
import { localMidnightEpochSeconds } from '../src/domain/time';
import { loadEmbeddedRouting } from '../src/routing/embedded';
import { createPoolSolver } from '../src/solving/pool-solver';
import { buildPlanningProblem, type PlanningInput, type PlanningOrder, type PlanningVehicle } from '../src/solving/planning-problem';
import { solvePlanning } from '../src/solving/solve-planning';
import { withFlatMatrices } from '../solver/worker-transfer';
import type { LonLat } from '../src/domain/model/geometry';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    threads: { type: 'string', default: String(availableParallelism()) },
    seed: { type: 'string', default: '1' },
    date: { type: 'string', default: '2026-11-24' },
  },
});
const TIME_ZONE = 'Europe/Berlin';
const ORDERS = 300;
const VEHICLES = 10;
const DEPOT: LonLat = [8.6724, 49.4093];
const BAR_SECONDS = 10;

const midnight = localMidnightEpochSeconds(values.date, TIME_ZONE);
const at = (hours: number) => midnight + Math.round(hours * 3600);
const rng = new Rng(Number(values.seed));
const between = (low: number, high: number) => low + rng.next() * (high - low);

const addresses = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((a) => a.location);
const orders: PlanningOrder[] = rng.shuffle(addresses.slice()).slice(0, ORDERS).map((location, k) => {
  const hours = 2 + rng.int(5) / 2; // 2, 2.5 … 4 h
  const start = 8 + rng.int((20 - hours - 8) * 2 + 1) / 2;
  return {
    id: `order-${k + 1}`,
    location,
    timeWindows: [{ startEpochSeconds: at(start), endEpochSeconds: at(start + hours) }],
    serviceSeconds: 300 + rng.int(301),
    demand: { weightKg: Math.round(between(0.5, 15) * 10) / 10, volumeL: Math.round(between(1, 40)), items: 1 + rng.int(3) },
    priority: 0,
    requiredSkills: [],
  };
});
const vehicles: PlanningVehicle[] = Array.from({ length: VEHICLES }, (_, v) => ({
  id: `van-${v + 1}`,
  capacity: { weightKg: 400, volumeL: 2000, items: 60 },
  skills: [],
  shift: { startEpochSeconds: at(7.5), endEpochSeconds: at(20.5) },
  startLocation: DEPOT,
  endLocation: DEPOT,
  costs: { fixed: 0, perHour: 3600, perKm: 0 },
  maxStops: null,
  maxShiftSeconds: null,
  maxDrivingSeconds: null,
  breaks: [{ id: `van-${v + 1}-lunch`, windows: [{ startEpochSeconds: at(11.5), endEpochSeconds: at(14) }], durationSeconds: 1800 }],
}));
const input: PlanningInput = { depot: { id: 'heidelberg', location: DEPOT, timeZone: TIME_ZONE }, vehicles, orders };

const clock = () => performance.now();
let started = clock();
const routing = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
const loadRoadsMs = clock() - started;
started = clock();
const solver = createPoolSolver({ threads: Number(values.threads) });
// Workers start lazily in the service long before a plan is asked for: warm them up outside the timed part.
await solver.solve({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 0 }], matrices: { car: { durations: [[0]] } } }, { timeLimitMs: 10 });
const poolStartMs = clock() - started;

const planningStarted = clock();
const outcome = await solvePlanning(input, { routing, solver }, { timeLimitMs: Number(values.seconds) * 1000 });
const planningMs = clock() - planningStarted;
await solver.close();
if (outcome.status !== 'planned') throw new Error(`the run ended ${outcome.status}`);
const { plan, problem, solution, timings } = outcome;

const check = checkSolution(problem.flatMatrices ? withFlatMatrices(problem.vroom, problem.flatMatrices) : problem.vroom, solution);
// An unassigned order "could have been served" if the fleet, with nothing else to do, serves it.
const inline = createPoolSolver({ threads: 1 });
let servableUnassigned = 0;
for (const { orderId } of plan.unassigned) {
  const alone = await buildPlanningProblem({ ...input, orders: orders.filter((order) => order.id === orderId) }, routing);
  const single = await inline.solve(alone.vroom, { timeLimitMs: 50 });
  if (single.status === 'solved' && single.solution.unassigned.length === 0) servableUnassigned++;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: Array<[string, string, string]> = [
  ['road network load (once per process)', seconds(loadRoadsMs), ''],
  [`solver pool start, ${solver.threads} threads (once per process)`, seconds(poolStartMs), ''],
  [`matrix ${problem.locations.length} × ${problem.locations.length}`, seconds(timings.matrixMs), ''],
  [`solve, ${solver.threads} seeds × ${values.seconds} s limit (best: seed ${outcome.seed})`, seconds(timings.solveMs), ''],
  ['plan + road geometry', seconds(timings.planMs), ''],
  ['whole planning (matrix + solve + plan)', seconds(planningMs), `≤ ${BAR_SECONDS} s ${planningMs <= BAR_SECONDS * 1000 ? 'ok' : 'MISSED'}`],
  ['routes used', `${plan.totals.routes} / ${VEHICLES}`, ''],
  ['stops planned', `${plan.totals.stops} / ${ORDERS}`, ''],
  ['total driving', `${(plan.totals.distanceMeters / 1000).toFixed(1)} km, ${(plan.totals.drivingSeconds / 3600).toFixed(1)} h`, ''],
  ['waiting', `${(plan.totals.waitingSeconds / 3600).toFixed(1)} h`, ''],
  ['unassigned', String(plan.totals.unassigned), ''],
  ['unassigned that fit alone', String(servableUnassigned), `0 ${servableUnassigned === 0 ? 'ok' : 'MISSED'}`],
  ["checker's verdict", check.feasible ? 'feasible' : `INFEASIBLE: ${check.issues.slice(0, 3).map((issue) => issue.message).join('; ')}`, 'feasible'],
];
console.log(`Demo day ${values.date} (${TIME_ZONE}), seed ${values.seed}: ${ORDERS} orders, ${VEHICLES} vans, Heidelberg road network`);
const width = [Math.max(...rows.map((row) => row[0].length)), Math.max(...rows.map((row) => row[1].length))];
console.log(`${'measure'.padEnd(width[0]!)}  ${'value'.padEnd(width[1]!)}  bar`);
for (const [label, value, bar] of rows) console.log(`${label.padEnd(width[0]!)}  ${value.padEnd(width[1]!)}  ${bar}`);
