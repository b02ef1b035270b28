/**
 * Generated Gehring–Homberger-style instances (benchmarks/gh-generator.ts: C, R, RC × type 1, 2 × tight and
 * loose windows, seeded) solved under a time limit, side by side in one run with
 * - `--baseline DIR`: another checkout's solver (e.g. the previous commit's, `git worktree add DIR REV`) on the
 *   same instances, same limit and threads: distance ratio and iterations per second ratio;
 * - `--vroom`: the real VROOM 1.14 (`../shared/peers/vroom-1.14.0/vroom -x 5`, no time limit) on the same
 *   instance scaled ×100 to integers, its routes then evaluated on the exact instance (plan mode) for distance
 *   and feasibility. Without a runnable binary its columns read "—".
 * Distances are the checker's, on the unrounded Euclidean instance (the Solomon convention of data/benchmarks).
 *
 *   npx tsx benchmarks/solver-generated.ts [--customers 1000] [--time-limit 60] [--threads 2] [--seed 1] [--filter rc1] [--limit N] [--baseline DIR] [--vroom] [--json FILE]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkSolution } from '../solver/check';
import { parseSolomon } from '../solver/format/solomon';
import { solve } from '../solver/index';
import type { VroomProblem, VroomSolution } from '../solver/model/vroom';
import { createPoolSolver } from '../src/solving/pool-solver';
import type { SolverRunner } from '../src/solving/runner';
import { generatedSuite, generateInstance } from './gh-generator';

const VROOM = join(import.meta.dirname, '../../../shared/peers/vroom-1.14.0/vroom');
const SCALE = 100;

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    'time-limit': { type: 'string', default: '60' },
    threads: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    filter: { type: 'string', default: '' },
    limit: { type: 'string' },
    baseline: { type: 'string' },
    vroom: { type: 'boolean', default: false },
    vroomBinary: { type: 'string', default: VROOM },
    json: { type: 'string' },
  },
});
const customers = Number(values.customers);
const timeLimitSeconds = Number(values['time-limit']);
const threads = Number(values.threads);
const seed = Number(values.seed);
const limit = values.limit === undefined ? Infinity : Number(values.limit);
if (!(customers > 0) || !(timeLimitSeconds > 0) || !(threads >= 1) || !(limit >= 1)) {
  console.error('usage: solver-generated.ts [--customers N] [--time-limit S] [--threads N] [--seed N] [--filter rc1] [--limit N] [--baseline DIR] [--vroom] [--json FILE]');
  process.exit(2);
}

interface Run {
  vehicles: number;
  distance: number;
  unassigned: number;
  feasible: boolean;
  seconds: number;
  iterationsPerSecond?: number;
}

const suite = generatedSuite(customers, seed)
  .map((options) => ({ options, ...generateInstance(options) }))
  .filter(({ name }) => name.replace(/^gen_/, '').startsWith(values.filter.toLowerCase()))
  .slice(0, limit);

const ours = createPoolSolver({ threads });
const baseline: SolverRunner | undefined = values.baseline
  ? ((await import(join(values.baseline, 'src/solving/pool-solver.ts'))) as typeof import('../src/solving/pool-solver')).createPoolSolver({ threads })
  : undefined;
const vroomRuns = values.vroom && canRunVroom(values.vroomBinary!);
const seeds = Array.from({ length: threads }, (_, index) => seed + index);
// Start the worker threads before anything is timed.
const warm = parseSolomon(generateInstance({ customers: 20, cls: 'R', type: 1, windows: 'loose', seed: 1 }).text).problem;
await ours.solve(warm, { seeds, maxIterations: 1 });
await baseline?.solve(warm, { seeds, maxIterations: 1 });

const started = loadavg()[0]!;
console.log(`# Generated ${customers}-customer instances: ${timeLimitSeconds} s, ${threads} thread${threads > 1 ? 's' : ''}, seed ${seed}; load ${started.toFixed(1)} at the start\n`);
console.log('| instance | vehicles | distance | iterations/s | baseline distance | vs baseline | baseline it/s | VROOM -x 5 distance | VROOM s | vs VROOM | checker |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|');
const rows: Array<{ name: string; ours: Run; baseline?: Run; vroom?: Run }> = [];
for (const { name, text } of suite) {
  const { problem } = parseSolomon(text);
  const mine = await solveWith(ours, problem);
  const theirs = baseline ? await solveWith(baseline, problem) : undefined;
  const vroom = vroomRuns ? runVroom(values.vroomBinary!, problem) : undefined;
  rows.push({ name, ours: mine, baseline: theirs, vroom });
  const ratio = (a: number, b: number | undefined) => (b ? `${signed(((a - b) / b) * 100)} %` : '—');
  console.log(
    `| ${name} | ${mine.vehicles} | ${mine.distance.toFixed(1)} | ${mine.iterationsPerSecond!.toFixed(0)} | ${theirs ? theirs.distance.toFixed(1) : '—'} | ${ratio(mine.distance, theirs?.distance)} ` +
      `| ${theirs ? theirs.iterationsPerSecond!.toFixed(0) : '—'} | ${vroom ? `${vroom.distance.toFixed(1)}${vroom.feasible ? '' : ' (infeasible)'}` : '—'} | ${vroom ? vroom.seconds.toFixed(0) : '—'} ` +
      `| ${ratio(mine.distance, vroom?.distance)} | ${mine.feasible ? 'feasible' : `**${mine.unassigned} unassigned / infeasible**`} |`,
  );
}
await ours.close();
await baseline?.close();
const withBaseline = rows.filter((row) => row.baseline);
const withVroom = rows.filter((row) => row.vroom);
console.log('');
if (withBaseline.length) console.log(`Against the baseline: ${signed(mean(withBaseline.map((row) => ((row.ours.distance - row.baseline!.distance) / row.baseline!.distance) * 100)))} % distance on average, iterations/s ×${mean(withBaseline.map((row) => row.ours.iterationsPerSecond! / row.baseline!.iterationsPerSecond!)).toFixed(2)}.`);
if (withVroom.length) console.log(`Against VROOM -x 5 (no time limit): ${signed(mean(withVroom.map((row) => ((row.ours.distance - row.vroom!.distance) / row.vroom!.distance) * 100)))} % distance on average, VROOM ${mean(withVroom.map((row) => row.vroom!.seconds)).toFixed(0)} s per instance.`);
else if (values.vroom) console.log('VROOM columns skipped: the binary does not run here (see ../shared/peers/vroom-1.14.0/README.md).');
console.log(`Load ${loadavg()[0]!.toFixed(1)} at the end.`);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ customers, timeLimitSeconds, threads, seed, rows }, null, 2)}\n`);

function mean(list: number[]): number {
  return list.reduce((sum, value) => sum + value, 0) / list.length;
}

async function solveWith(solver: SolverRunner, problem: VroomProblem): Promise<Run> {
  const start = performance.now();
  const outcome = await solver.solve(problem, { seeds, timeLimitMs: timeLimitSeconds * 1000 });
  const seconds = (performance.now() - start) / 1000;
  if (outcome.status !== 'solved') throw new Error('cancelled');
  const { solution } = outcome;
  const check = checkSolution(problem, solution);
  const runs = solution.stats?.runs ?? [{ seed: solution.stats?.seed ?? seed, iterations: solution.stats?.iterations ?? 0 }];
  // Per worker: each searched for the whole limit.
  const iterationsPerSecond = mean(runs.map((run) => run.iterations)) / timeLimitSeconds;
  return { vehicles: solution.routes.length, distance: check.distance, unassigned: solution.unassigned.length, feasible: check.feasible && solution.unassigned.length === 0, seconds, iterationsPerSecond };
}

function canRunVroom(binary: string): boolean {
  if (!existsSync(binary)) return false;
  try {
    execFileSync(binary, ['--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** VROOM on the instance scaled to integers; its routes are then driven on the exact instance. */
function runVroom(binary: string, problem: VroomProblem): Run {
  const matrix = problem.matrices!.car!.durations!;
  const scaled: VroomProblem = {
    vehicles: problem.vehicles.map((v) => ({ ...v, time_window: v.time_window!.map((t) => Math.round(t * SCALE)) as [number, number] })),
    jobs: problem.jobs!.map((job) => ({ ...job, service: Math.round((job.service ?? 0) * SCALE), time_windows: job.time_windows!.map(([a, b]) => [Math.round(a * SCALE), Math.round(b * SCALE)] as [number, number]) })),
    matrices: { car: { durations: matrix.map((row) => row.map((d) => Math.round(d * SCALE))) } },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'vroom-')), 'problem.json');
  writeFileSync(file, JSON.stringify(scaled));
  const start = performance.now();
  const answer = JSON.parse(execFileSync(binary, ['-i', file, '-x', '5', '-t', String(threads)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as VroomSolution;
  const seconds = (performance.now() - start) / 1000;
  const byVehicle = new Map(answer.routes.map((route) => [route.vehicle, route.steps.filter((step) => step.type === 'job').map((step) => ({ type: 'job' as const, id: step.id! }))]));
  const planned = solve({ ...problem, vehicles: problem.vehicles.map((v) => ({ ...v, steps: byVehicle.get(v.id) ?? [] })) }, { mode: 'plan' });
  const used = planned.routes.filter((route) => route.steps.some((step) => step.type === 'job'));
  return {
    vehicles: used.length,
    distance: planned.summary.distance ?? planned.summary.cost,
    unassigned: answer.unassigned.length,
    feasible: planned.summary.violations.length === 0 && answer.unassigned.length === 0,
    seconds,
  };
}

function signed(value: number): string {
  const fixed = Math.abs(value).toFixed(2);
  return `${value < 0 && fixed !== '0.00' ? '-' : '+'}${fixed}`;
}
