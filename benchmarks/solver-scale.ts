/**
 * Solver scale benchmark on generated last-mile days (deterministic: same size and seed, same instance):
 * 1,000 jobs on 50 vehicles, 5,000 jobs on 250 vehicles and 10,000 jobs on 300 vehicles. Prints time to the first solution (construction
 * only) from nested number[][] matrices (a JSON caller's) and, in a process of its own, from flat shared matrices as
 * the service passes them to a solver thread, by the thread's whole task (validation, solve, the checker:
 * solveVerified) and by solve() alone, cost after 10 s and after 60 s, the checker's verdict and each case's peak RSS. Each case runs in
 * its own process so the peak RSS is its own, and collects the last solve's garbage before the next one starts
 * (`--expose-gc`): the peak is one solve's, not two problems' matrices waiting for the collector side by side.
 *
 *   npx tsx --expose-gc benchmarks/solver-scale.ts                 # every case (npm run bench:solver-scale)
 *   npx tsx --expose-gc benchmarks/solver-scale.ts --first         # first solutions only (no 10-s / 60-s runs)
 *   npx tsx --expose-gc benchmarks/solver-scale.ts --case 1000     # one case (prints one JSON line)
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { checkSolution } from '../solver/check';
import { solve } from '../solver/index';
import type { VroomProblem, VroomSolution } from '../solver/model/vroom';
import { solveVerified } from '../solver/worker';
import type { FlatMatrices } from '../solver/worker-transfer';
import { generateDay } from './generated-day';

interface ScaleCase {
  jobs: number;
  vehicles: number;
  /** Solving budgets, seconds; the last one is the reference the others are compared with. */
  budgets: number[];
}

const CASES: Record<string, ScaleCase> = {
  '1000': { jobs: 1000, vehicles: 50, budgets: [10, 60] },
  '5000': { jobs: 5000, vehicles: 250, budgets: [60] },
  '10000': { jobs: 10000, vehicles: 300, budgets: [60] },
};

interface CaseResult {
  jobs: number;
  vehicles: number;
  generateSeconds: number;
  /** Wall and CPU seconds: on a loaded machine the CPU time is the part that is the solver's. */
  firstSolution: FirstSolution;
  runs: Array<{ budgetSeconds: number; seconds: number; cost: number; unassigned: number; routes: number; iterations: number; feasible: boolean }>;
  peakRssMb: number;
  /** 1-minute load average when the case ended. */
  load: number;
}

/** A case from flat shared matrices, in a process of its own (as a fresh solver thread starts). */
interface FlatResult {
  /** The solver thread's task first (validate, solve, check), then solve() alone. */
  task: FirstSolution & { feasible: boolean };
  solve: FirstSolution;
  peakRssMb: number;
}

interface FirstSolution {
  seconds: number;
  cpuSeconds: number;
  cost: number;
  unassigned: number;
  /** 1-minute load average when it was measured. */
  load: number;
}

const { values } = parseArgs({ options: { case: { type: 'string' }, seed: { type: 'string', default: '1' }, first: { type: 'boolean', default: false }, flat: { type: 'boolean', default: false } } });
const seed = Number(values.seed);
const firstOnly = values.first;

if (values.case !== undefined) {
  const scaleCase = CASES[values.case];
  if (!scaleCase) throw new Error(`--case must be one of ${Object.keys(CASES).join(', ')}`);
  console.log(JSON.stringify(values.flat ? runFlatCase(scaleCase) : runCase(scaleCase)));
} else {
  console.log(`# Solver scale: generated instances, seed ${seed}\n`);
  const child = <T>(name: string, flags: string[]): T => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--case', name, '--seed', String(seed), ...flags], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(output.trim().split('\n').at(-1)!) as T;
  };
  const results = Object.keys(CASES).map((name) => ({
    ...child<CaseResult>(name, firstOnly ? ['--first'] : []),
    flat: child<FlatResult>(name, ['--flat']),
  }));
  const first = (run: FirstSolution) => `${run.seconds.toFixed(2)} (${run.cpuSeconds.toFixed(2)})`;
  console.log('First solution, wall s (CPU s): nested number[][] → solve(); flat shared matrices (own process) → the solver thread\'s whole task');
  console.log('(validate + solve + check, first), then solve() alone. Load: nested / flat task / flat solve().\n');
  console.log('| jobs | vehicles | nested solve() | flat thread task | task checker | flat solve() | flat ÷ nested CPU | same cost flat/nested | flat peak RSS MB | load |');
  console.log('|--:|--:|--:|--:|---|--:|--:|---|--:|--:|');
  for (const { jobs, vehicles, firstSolution: nested, flat } of results) {
    console.log(
      `| ${jobs} | ${vehicles} | ${first(nested)} | ${first(flat.task)} | ${flat.task.feasible ? 'feasible' : '**infeasible**'} | ${first(flat.solve)} | ${(flat.solve.cpuSeconds / nested.cpuSeconds).toFixed(2)} ` +
        `| ${flat.solve.cost === nested.cost && flat.task.cost === nested.cost && flat.solve.unassigned === nested.unassigned ? 'yes' : '**no**'} | ${flat.peakRssMb.toFixed(0)} ` +
        `| ${nested.load.toFixed(1)} / ${flat.task.load.toFixed(1)} / ${flat.solve.load.toFixed(1)} |`,
    );
  }
  if (!firstOnly) {
    console.log('\n| jobs | vehicles | unassigned | cost @10 s | cost @60 s | 10 s vs 60 s | wall s of the 60-s run | routes @60 s | iterations @60 s | checker | peak RSS MB | load |');
    console.log('|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|');
    for (const result of results) {
      const at = (budget: number) => result.runs.find((run) => run.budgetSeconds === budget);
      const ten = at(10);
      const sixty = at(60)!;
      console.log(
        `| ${result.jobs} | ${result.vehicles} | ${result.firstSolution.unassigned} → ${sixty.unassigned} ` +
          `| ${ten ? ten.cost.toFixed(0) : '—'} | ${sixty.cost.toFixed(0)} | ${ten ? `${(((ten.cost - sixty.cost) / sixty.cost) * 100).toFixed(2)} %` : '—'} ` +
          `| ${sixty.seconds.toFixed(1)} | ${sixty.routes} | ${sixty.iterations} | ${result.runs.every((run) => run.feasible) ? 'feasible' : '**infeasible**'} | ${result.peakRssMb.toFixed(0)} | ${result.load.toFixed(1)} |`,
      );
    }
  }
  console.log('\nBars (issue 3): 1,000 jobs / 50 vehicles: first feasible solution ≤ 1 s, 10-s cost within 3 % of the 60-s cost;');
  console.log('5,000 jobs: solved within 60 s without running out of memory. Issue 18: first feasible answer for 10,000 jobs ≤ 2 s;');
  console.log('10,000 jobs / 300 vehicles feasible in 60 s with peak RSS ≤ 1.5 GB. Costs are travel seconds (per_hour 3600).');
}

function runCase({ jobs, vehicles, budgets }: ScaleCase): CaseResult {
  const generateStart = performance.now();
  const problem = generateDay(jobs, vehicles, seed);
  const generateSeconds = (performance.now() - generateStart) / 1000;

  const firstSolution = timed(() => solve(problem, { seed, stop: { maxIterations: 0 } }));

  const runs = (firstOnly ? [] : budgets).map((budgetSeconds) => {
    collectGarbage();
    const start = performance.now();
    const solution: VroomSolution = solve(problem, { seed, stop: { timeLimitMs: budgetSeconds * 1000 }, clock: () => performance.now() });
    const seconds = (performance.now() - start) / 1000;
    return {
      budgetSeconds,
      seconds,
      cost: solution.summary.cost,
      unassigned: solution.summary.unassigned,
      routes: solution.summary.routes,
      iterations: solution.stats?.iterations ?? 0,
      feasible: checkSolution(problem, solution).feasible,
    };
  });

  return { jobs, vehicles, generateSeconds, firstSolution, runs, peakRssMb: process.resourceUsage().maxRSS / 1024, load: os.loadavg()[0]! };
}

function runFlatCase({ jobs, vehicles }: ScaleCase): FlatResult {
  const problem = generateDay(jobs, vehicles, seed);
  // The matrices flat, as the service's routing makes them; the rows go (the peak stays one copy's).
  const flatMatrices = flattenReleasing(problem);
  const withoutMatrices = { ...problem };
  let feasible = false;
  const task = timed(() => {
    const run = solveVerified({ problem: withoutMatrices, flatMatrices, options: { seed, stop: { maxIterations: 0 } } });
    if (!('solution' in run)) throw new Error(`the flat problem did not validate: ${JSON.stringify(run.issues.slice(0, 3))}`);
    feasible = run.check.feasible;
    return run.solution;
  });
  collectGarbage();
  const alone = timed(() => solve({ ...withoutMatrices, matrices: flatMatrices }, { seed, stop: { maxIterations: 0 } }));
  return { task: { ...task, feasible }, solve: alone, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function timed(run: () => VroomSolution): FirstSolution {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const solution = run();
  const cpu = process.cpuUsage(cpuStart);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, cost: solution.summary.cost, unassigned: solution.summary.unassigned, load: os.loadavg()[0]! };
}

/**
 * The problem's matrices flat on shared memory (row-major, NaN for null: what the service's routing gives a plan
 * run), each row dropped once copied, so the rows and the flat copy never both hold the whole matrix.
 */
function flattenReleasing(problem: VroomProblem): FlatMatrices {
  const flat: FlatMatrices = {};
  for (const [profile, matrix] of Object.entries(problem.matrices ?? {})) {
    flat[profile] = {};
    for (const kind of ['durations', 'distances', 'costs'] as const) {
      const rows: (number[] | undefined)[] | undefined = matrix[kind];
      if (!rows) continue;
      const size = rows.length;
      const values = new Float64Array(new SharedArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT));
      for (let i = 0; i < size; i++) {
        rows[i]!.forEach((value, j) => (values[i * size + j] = value ?? NaN));
        rows[i] = undefined;
        if (i % 1000 === 999) collectGarbage();
      }
      flat[profile][kind] = { size, values };
      delete matrix[kind];
    }
  }
  delete problem.matrices;
  collectGarbage();
  return flat;
}

/** Frees the previous solve's problem (with `--expose-gc`; a no-op without it). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
