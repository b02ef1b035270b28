/**
 * Paid hours and work balance on the seeded demo day: the 300 orders and 10 vans `npm start` seeds (same random
 * stream, same windows, service times, skills and van costs: fixed 50, 30 per hour, 0.3 per km, 08:00–18:00 with a
 * 30 min break), planned on the embedded Heidelberg road network with the solver pool, three ways in one run:
 *
 * - travel: VROOM's convention (fixed + travel time at per_hour + distance at per_km), the service's objective before;
 * - paid: what the company pays (fixed + departure-to-return hours at per_hour + distance at per_km), the default now;
 * - balance: paid plus the hours each van works beyond 10 % above the average.
 *
 * Each line prints what a plan costs when paid by the hour, its paid hours (sum of route spans), waiting, driving,
 * the longest route against the average, and unassigned orders; every solution goes through the independent checker.
 *
 *   npx tsx benchmarks/plan-paid-hours.ts [--seconds 5] [--threads N] [--date 2026-11-24] [--balance-weight W (default: the solver's)]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { checkSolution, type VroomOptions, type VroomSolution } from '../solver/index';
import { localClockEpochSeconds } from '../src/domain/time';
import { loadEmbeddedRouting } from '../src/routing/embedded';
import { demoOrders, demoSlotCalendar, demoTimeZone, demoVan, loadDemoLocations } from '../src/seed/demo';
import { seededRandom } from '../src/seed/random';
import { createPoolSolver } from '../src/solving/pool-solver';
import { buildPlanningProblem, type PlanningInput, type PlanningVehicle } from '../src/solving/planning-problem';
import type { LonLat } from '../src/domain/model/geometry';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    date: { type: 'string', default: '2026-11-24' },
    'balance-weight': { type: 'string' },
  },
});
const DEPOT: LonLat = [8.6724, 49.4093];
const BASELINE_PAID_HOURS = 64.0;

// seedDemo draws two names per driver from its stream before the orders: replay them to get the same orders.
const random = seededRandom(20_261_124);
for (let k = 0; k < 20; k++) random();
const drafts = demoOrders(random, loadDemoLocations('data/demo/heidelberg-locations.json'), 300, values.date, 'demo', demoSlotCalendar);
const clock = (hhmm: string) => localClockEpochSeconds(values.date, Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3)) * 60, demoTimeZone);
const vehicles: PlanningVehicle[] = Array.from({ length: 10 }, (_, v) => {
  const van = demoVan(v);
  return {
    id: `van-${v + 1}`,
    capacity: van.capacity,
    skills: van.skills,
    shift: { startEpochSeconds: clock(van.shift.start), endEpochSeconds: clock(van.shift.end) },
    startLocation: DEPOT,
    endLocation: DEPOT,
    costs: van.costs,
    maxStops: null,
    maxShiftSeconds: null,
    maxDrivingSeconds: null,
    breaks: van.breaks.map((pause, k) => ({
      id: `van-${v + 1}-break-${k + 1}`,
      windows: pause.windows.map((window) => ({ startEpochSeconds: clock(window.start), endEpochSeconds: clock(window.end) })),
      durationSeconds: pause.durationSeconds,
    })),
  };
});
const input: PlanningInput = {
  depot: { id: 'heidelberg', location: DEPOT, timeZone: demoTimeZone },
  vehicles,
  orders: drafts.map((draft, k) => ({ id: `order-${k + 1}`, location: draft.location!, timeWindows: draft.timeWindows, serviceSeconds: draft.serviceSeconds, demand: draft.demand, priority: draft.priority, requiredSkills: draft.requiredSkills })),
};

const routing = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
const problem = await buildPlanningProblem(input, routing, { leaveOutUnroutable: true });
const solver = createPoolSolver({ threads: Number(values.threads) });
await solver.solve({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 0 }], matrices: { car: { durations: [[0]] } } }, { timeLimitMs: 10 });

const hours = (seconds: number) => seconds / 3600;
/** Costs every solution the same way, as paid: fixed + span × per_hour + km × per_km. */
function measure(solution: VroomSolution) {
  let paidCost = 0;
  const spans: number[] = [];
  for (const route of solution.routes) {
    const vehicle = problem.vroom.vehicles[route.vehicle - 1]!;
    const span = route.steps.at(-1)!.arrival - route.steps[0]!.arrival;
    spans.push(span);
    paidCost += (vehicle.costs?.fixed ?? 0) + ((vehicle.costs?.per_hour ?? 3600) * span) / 3600 + ((vehicle.costs?.per_km ?? 0) * (route.distance ?? 0)) / 1000;
  }
  const paidSeconds = spans.reduce((a, b) => a + b, 0);
  return { paidCost, paidSeconds, longest: Math.max(...spans), average: paidSeconds / Math.max(1, spans.length), waiting: solution.summary.waiting_time, driving: solution.summary.duration };
}

const runs: Array<[string, VroomOptions]> = [
  ['travel (before)', { route_cost: 'travel', minimize: 'cost' }],
  ['paid (default)', { route_cost: 'working_time', minimize: 'cost' }],
  ['paid + balance', { route_cost: 'working_time', minimize: 'balance', ...(values['balance-weight'] === undefined ? {} : { balance_weight: Number(values['balance-weight']) }) }],
];
const results = [];
for (const [label, options] of runs) {
  const vroom = { ...problem.vroom, options };
  const outcome = await solver.solve(vroom, { timeLimitMs: Number(values.seconds) * 1000 });
  if (outcome.status !== 'solved') throw new Error(`${label}: ${outcome.status}`);
  const check = checkSolution(vroom, outcome.solution);
  results.push({ label, solution: outcome.solution, check, ...measure(outcome.solution) });
}
await solver.close();

const [travel, paid, balance] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
const rows = results.map((r) => [
  r.label,
  r.paidCost.toFixed(0),
  hours(r.paidSeconds).toFixed(1),
  hours(r.waiting).toFixed(1),
  hours(r.driving).toFixed(1),
  String(r.solution.routes.length),
  `${hours(r.longest).toFixed(2)} / ${hours(r.average).toFixed(2)} = ${(r.longest / r.average).toFixed(3)}`,
  String(r.solution.unassigned.length),
  r.check.feasible ? 'feasible' : `INFEASIBLE ${r.check.issues[0]?.message}`,
]);
const header = ['objective', 'paid cost', 'paid h', 'waiting h', 'driving h', 'routes', 'longest / average h', 'unassigned', 'checker'];
const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
console.log(`Seeded demo day ${values.date}: ${input.orders.length} orders, 10 vans, ${values.threads} threads × ${values.seconds} s per objective`);
for (const row of [header, ...rows]) console.log(row.map((cell, k) => cell.padEnd(widths[k]!)).join('  '));
const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
console.log('');
console.log(`paid: waiting ${hours(paid.waiting).toFixed(2)} h ≤ 2 h ${ok(paid.waiting <= 7200)}; paid hours ${hours(paid.paidSeconds).toFixed(1)} h ≤ 75 % of ${BASELINE_PAID_HOURS} h (${(0.75 * BASELINE_PAID_HOURS).toFixed(1)}) ${ok(hours(paid.paidSeconds) <= 0.75 * BASELINE_PAID_HOURS)}, against travel's ${hours(travel.paidSeconds).toFixed(1)} h in this run (${((1 - paid.paidSeconds / travel.paidSeconds) * 100).toFixed(1)} % lower); unassigned ${paid.solution.unassigned.length} ${ok(paid.solution.unassigned.length === 0)}`);
console.log(`balance: longest ${(balance.longest / balance.average).toFixed(3)} × average ≤ 1.15 ${ok(balance.longest <= 1.15 * balance.average)} (paid alone: ${(paid.longest / paid.average).toFixed(3)}); cost +${((balance.paidCost / paid.paidCost - 1) * 100).toFixed(2)} % against paid ≤ 3 % ${ok(balance.paidCost <= 1.03 * paid.paidCost)}`);
