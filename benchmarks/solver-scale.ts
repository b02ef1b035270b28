/**
 * Solver scale benchmark on generated last-mile days (deterministic: same size and seed, same instance):
 * 1,000 jobs on 50 vehicles, 5,000 jobs on 250 vehicles and 10,000 jobs on 300 vehicles. Prints time to the first solution (construction
 * only), cost after 10 s and after 60 s, the checker's verdict and each case's peak RSS. Each case runs in
 * its own process so the peak RSS is its own, and collects the last solve's garbage before the next one starts
 * (`--expose-gc`): the peak is one solve's, not two problems' matrices waiting for the collector side by side.
 *
 *   npx tsx --expose-gc benchmarks/solver-scale.ts                 # every case (npm run bench:solver-scale)
 *   npx tsx --expose-gc benchmarks/solver-scale.ts --case 1000     # one case (prints one JSON line)
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { checkSolution } from '../solver/check';
import { solve } from '../solver/index';
import type { VroomSolution } from '../solver/model/vroom';
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
  firstSolution: { seconds: number; cpuSeconds: number; cost: number; unassigned: number };
  runs: Array<{ budgetSeconds: number; seconds: number; cost: number; unassigned: number; routes: number; iterations: number; feasible: boolean }>;
  peakRssMb: number;
  /** 1-minute load average when the case ended. */
  load: number;
}

const { values } = parseArgs({ options: { case: { type: 'string' }, seed: { type: 'string', default: '1' } } });
const seed = Number(values.seed);

if (values.case !== undefined) {
  const scaleCase = CASES[values.case];
  if (!scaleCase) throw new Error(`--case must be one of ${Object.keys(CASES).join(', ')}`);
  console.log(JSON.stringify(runCase(scaleCase)));
} else {
  console.log(`# Solver scale: generated instances, seed ${seed}\n`);
  console.log('| jobs | vehicles | first solution s (CPU s) | unassigned | cost @10 s | cost @60 s | 10 s vs 60 s | wall s of the 60-s run | routes @60 s | iterations @60 s | checker | peak RSS MB | load |');
  console.log('|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|');
  for (const name of Object.keys(CASES)) {
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--case', name, '--seed', String(seed)], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult;
    const at = (budget: number) => result.runs.find((run) => run.budgetSeconds === budget);
    const ten = at(10);
    const sixty = at(60)!;
    console.log(
      `| ${result.jobs} | ${result.vehicles} | ${result.firstSolution.seconds.toFixed(2)} (${result.firstSolution.cpuSeconds.toFixed(2)}) | ${result.firstSolution.unassigned} → ${sixty.unassigned} ` +
        `| ${ten ? ten.cost.toFixed(0) : '—'} | ${sixty.cost.toFixed(0)} | ${ten ? `${(((ten.cost - sixty.cost) / sixty.cost) * 100).toFixed(2)} %` : '—'} ` +
        `| ${sixty.seconds.toFixed(1)} | ${sixty.routes} | ${sixty.iterations} | ${result.runs.every((run) => run.feasible) ? 'feasible' : '**infeasible**'} | ${result.peakRssMb.toFixed(0)} | ${result.load.toFixed(1)} |`,
    );
  }
  console.log('\nBars (issue 3): 1,000 jobs / 50 vehicles: first feasible solution ≤ 1 s, 10-s cost within 3 % of the 60-s cost;');
  console.log('5,000 jobs: solved within 60 s without running out of memory. Issue 18: first feasible answer for 10,000 jobs ≤ 2 s;');
  console.log('10,000 jobs / 300 vehicles feasible in 60 s with peak RSS ≤ 1.5 GB. Costs are travel seconds (per_hour 3600).');
}

function runCase({ jobs, vehicles, budgets }: ScaleCase): CaseResult {
  const generateStart = performance.now();
  const problem = generateDay(jobs, vehicles, seed);
  const generateSeconds = (performance.now() - generateStart) / 1000;

  const firstStart = performance.now();
  const firstCpu = process.cpuUsage();
  const first = solve(problem, { seed, stop: { maxIterations: 0 } });
  const cpu = process.cpuUsage(firstCpu);
  const firstSolution = { seconds: (performance.now() - firstStart) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, cost: first.summary.cost, unassigned: first.summary.unassigned };

  const runs = budgets.map((budgetSeconds) => {
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

/** Frees the previous solve's problem (with `--expose-gc`; a no-op without it). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
