/**
 * Search speed with breaks and shipments: iterations per second, in one run and under the same time limit, for
 * 200 plain jobs, 100 shipments, and the same 100 shipments on vans that each take a 30-minute break (and, with
 * `--mixed`, the same on a fleet of two vehicle types). The 200 places, the vans and the windows are the same in
 * every case; the ratio to the plain jobs is what to read (load varies): the cases take turns over `--rounds`
 * rounds, so a burst of load falls on all of them. Every answer goes through the checker.
 *
 *   npx tsx benchmarks/solver-breaks.ts [--time-limit 3] [--rounds 3] [--seed 1] [--mixed]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { checkSolution } from '../solver/check';
import type { VroomProblem } from '../solver/model/vroom';
import { solve } from '../solver/solve';
import { seededRandom } from '../src/seed/random';

const { values } = parseArgs({
  options: {
    'time-limit': { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    mixed: { type: 'boolean', default: false },
  },
});
const timeLimitMs = Number(values['time-limit']) * 1000;
const seed = Number(values.seed);

const PLACES = 200;
const VANS = 10;
const SHIFT_SECONDS = 10 * 3600;

/** 200 places on a 30 km square around a central depot (index 0), travel at 36 km/h; windows of 2 to 4 hours. */
function instance(kind: 'jobs' | 'shipments', breaks: boolean, mixed: boolean): VroomProblem {
  const random = seededRandom(20_261_207);
  const points: Array<[number, number]> = [[15_000, 15_000]];
  for (let i = 0; i < PLACES; i++) points.push([random() * 30_000, random() * 30_000]);
  const distances = points.map((a) => points.map((b) => Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]))));
  const durations = distances.map((row) => row.map((meters) => Math.round(meters / 10)));
  const windows = points.map(() => {
    const open = Math.floor(random() * 6 * 3600);
    return [open, open + 2 * 3600 + Math.floor(random() * 2 * 3600)] as [number, number];
  });
  const vehicles = Array.from({ length: VANS }, (_, v) => ({
    id: v + 1,
    start_index: 0,
    end_index: 0,
    capacity: [mixed && v % 2 === 1 ? 30 : 60],
    time_window: [0, SHIFT_SECONDS] as [number, number],
    ...(mixed && v % 2 === 1 ? { speed_factor: 1.3, costs: { fixed: 0, per_hour: 3600 } } : {}),
    ...(breaks ? { breaks: [{ id: v + 1, time_windows: [[4 * 3600, 6 * 3600]] as Array<[number, number]>, service: 1800 }] } : {}),
  }));
  const problem: VroomProblem = { vehicles, matrices: { car: { durations, distances } } };
  if (kind === 'jobs')
    problem.jobs = Array.from({ length: PLACES }, (_, i) => ({ id: i + 1, location_index: i + 1, service: 300, delivery: [2], time_windows: [windows[i + 1]!] }));
  else
    problem.shipments = Array.from({ length: PLACES / 2 }, (_, i) => ({
      amount: [4],
      pickup: { id: i + 1, location_index: 2 * i + 1, service: 300, time_windows: [windows[2 * i + 1]!] },
      delivery: { id: i + 1, location_index: 2 * i + 2, service: 300, time_windows: [[windows[2 * i + 1]![0], SHIFT_SECONDS] as [number, number]] },
    }));
  return problem;
}

interface Row {
  name: string;
  iterations: number;
  perSecond: number;
  cost: number;
  unassigned: number;
  routes: number;
  checker: string;
}

const cases: Array<[string, VroomProblem]> = [
  ['200 jobs', instance('jobs', false, false)],
  ['100 shipments', instance('shipments', false, false)],
  ['100 shipments + breaks', instance('shipments', true, false)],
];
if (values.mixed) cases.push(['100 shipments + breaks, 2 vehicle types', instance('shipments', true, true)]);

const rows: Row[] = cases.map(([name]) => ({ name, iterations: 0, perSecond: 0, cost: 0, unassigned: 0, routes: 0, checker: 'valid' }));
const seconds = cases.map(() => 0);
const loads: string[] = [];
for (let round = 0; round < Number(values.rounds); round++)
  cases.forEach(([, problem], k) => {
    const row = rows[k]!;
    const started = performance.now();
    const solution = solve(problem, { seed: seed + round, stop: { timeLimitMs }, clock: () => performance.now() });
    seconds[k]! += (performance.now() - started) / 1000;
    const check = checkSolution(problem, solution);
    row.iterations += solution.stats?.iterations ?? 0;
    row.perSecond = row.iterations / seconds[k]!;
    // The last round's answer.
    row.cost = Math.round(solution.summary.cost);
    row.unassigned = solution.summary.unassigned;
    row.routes = solution.summary.routes;
    if (!(check.feasible && check.issues.length === 0)) row.checker = `INVALID: ${check.issues.map((issue) => issue.message).join('; ')}`;
    loads.push(loadavg()[0]!.toFixed(1));
  });

const plain = rows[0]!.perSecond;
console.log(
  `\nSearch speed, ${timeLimitMs / 1000} s per run, ${values.rounds} rounds (seeds ${seed}…), one thread; ratios in the same run (bar: shipments with breaks ≥ 1.0 × shipments without, within the noise)\n`,
);
console.log('| case | iterations | iterations/s | × 200 jobs | × shipments | cost (last round) | unassigned | routes | checker |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows)
  console.log(
    `| ${row.name} | ${row.iterations} | ${row.perSecond.toFixed(0)} | ${(row.perSecond / plain).toFixed(2)} | ${(row.perSecond / rows[1]!.perSecond).toFixed(2)} | ${row.cost} | ${row.unassigned} | ${row.routes} | ${row.checker} |`,
  );
console.log(`\nLoad average (1 min) after each run: ${loads.join(', ')}`);
