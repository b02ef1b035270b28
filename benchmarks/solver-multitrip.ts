/**
 * Multi-trip: generated days with small vans, solved twice in one run — vans that make one trip, and the same
 * vans allowed to reload at the depot (vehicle.reload, 10 min per reload). Prints vans used, trips, unassigned
 * orders, cost (what the company pays: a van's fixed cost of two hours' pay plus its hours from departure to
 * return) and paid hours, with the checker's verdict and the load average beside each line.
 *
 * A day: 160 orders of 1–3 parcels on a 12 km square around the depot, 60 % open all day and 40 % in a 2-hour
 * window, 3 min service; 16 vans of 30 parcels, 08:00–18:00, 8 m/s.
 *
 *   npx tsx benchmarks/solver-multitrip.ts [--seconds 10] [--days 3]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { checkSolution, solve, type VroomJob, type VroomProblem, type VroomSolution, type VroomVehicle } from '../solver/index';
import { seededRandom } from '../src/seed/random';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, days: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const days = Number(values.days);

const ORDERS = 160;
const VANS = 16;
const CAPACITY = 30;
const SHIFT: [number, number] = [8 * 3600, 18 * 3600];
const RELOAD_SECONDS = 600;

function day(seed: number, reload: boolean): VroomProblem {
  const random = seededRandom(seed);
  const points: [number, number][] = [[6000, 6000]];
  const jobs: VroomJob[] = [];
  for (let k = 1; k <= ORDERS; k++) {
    points.push([random() * 12_000, random() * 12_000]);
    const open = SHIFT[0] + Math.floor(random() * 8) * 3600;
    const windowed = random() < 0.4;
    jobs.push({ id: k, location_index: k, service: 180, delivery: [1 + Math.floor(random() * 3)], ...(windowed ? { time_windows: [[open, open + 7200]] } : {}) });
  }
  const meters = points.map(([x1, y1]) => points.map(([x2, y2]) => Math.round(Math.hypot(x1 - x2, y1 - y2) * 1.3)));
  const durations = meters.map((row) => row.map((m) => Math.round(m / 8)));
  const vehicles: VroomVehicle[] = Array.from({ length: VANS }, (_, v) => ({
    id: v + 1,
    start_index: 0,
    end_index: 0,
    capacity: [CAPACITY],
    time_window: SHIFT,
    costs: { fixed: 7200, per_hour: 3600 },
    ...(reload ? { reload: { location_index: 0, service: RELOAD_SECONDS } } : {}),
  }));
  return { jobs, vehicles, matrices: { car: { durations, distances: meters } }, options: { route_cost: 'working_time' } };
}

interface Row { day: number; variant: string; vans: number; trips: number; unassigned: number; cost: number; paidHours: number; feasible: boolean; load: string }

function measure(dayIndex: number, reload: boolean): Row {
  const problem = day(1000 + dayIndex, reload);
  const solution: VroomSolution = solve(problem, { seed: 1, stop: { timeLimitMs: seconds * 1000 }, clock: () => performance.now() });
  const check = checkSolution(problem, solution);
  const paid = solution.routes.reduce((total, route) => total + route.steps.at(-1)!.arrival - route.steps[0]!.arrival, 0);
  return {
    day: dayIndex + 1,
    variant: reload ? 'reload at depot' : 'one trip',
    vans: solution.routes.length,
    trips: solution.routes.reduce((total, route) => total + 1 + route.steps.filter((step) => step.type === 'reload').length, 0),
    unassigned: solution.unassigned.length,
    cost: solution.summary.cost,
    paidHours: paid / 3600,
    feasible: check.feasible,
    load: loadavg().map((value) => value.toFixed(1)).join(' '),
  };
}

console.log(`multi-trip: ${ORDERS} orders (${CAPACITY}-parcel vans, ${VANS} available), ${seconds} s per run, 1 thread\n`);
console.log('| day | vans | trips | unassigned | cost | paid h | checker | load average |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const totals = new Map<string, { vans: number; cost: number; unassigned: number }>();
for (let d = 0; d < days; d++) {
  for (const reload of [false, true]) {
    const row = measure(d, reload);
    const total = totals.get(row.variant) ?? { vans: 0, cost: 0, unassigned: 0 };
    totals.set(row.variant, { vans: total.vans + row.vans, cost: total.cost + row.cost, unassigned: total.unassigned + row.unassigned });
    console.log(`| ${row.day} ${row.variant} | ${row.vans} | ${row.trips} | ${row.unassigned} | ${row.cost} | ${row.paidHours.toFixed(1)} | ${row.feasible ? 'ok' : 'INFEASIBLE'} | ${row.load} |`);
  }
}
const single = totals.get('one trip')!;
const multi = totals.get('reload at depot')!;
console.log(`\ntotal: one trip ${single.vans} vans, cost ${single.cost}, ${single.unassigned} unassigned; reload ${multi.vans} vans, cost ${multi.cost}, ${multi.unassigned} unassigned`);
console.log(`reload / one trip: vans ${(multi.vans / single.vans).toFixed(2)}, cost ${(multi.cost / single.cost).toFixed(2)}`);
