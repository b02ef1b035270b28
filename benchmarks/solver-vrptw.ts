/**
 * VRPTW benchmark: solves the Solomon (56) and Gehring–Homberger 200-customer (60) instances and prints,
 * per instance, per class and overall: vehicles, distance, gap to the best-known solutions (distance-only
 * and vehicles-first), time, and the independent checker's verdict — with VROOM's published numbers beside.
 *
 * `--minimize vehicles` solves with options.minimize "vehicles" (fewest vehicles, then distance: the vehicles-first
 * convention) and prints the total vehicles against the best-known total.
 *
 * `--instances r104,rc106` runs only the instances named. The machine's load average is printed before and after.
 *
 *   npx tsx benchmarks/solver-vrptw.ts [--set solomon|homberger-200|all] [--time-limit S] [--threads N] [--filter c1] [--instances a,b] [--per-class N] [--seed N] [--minimize cost|vehicles] [--json FILE]
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { checkSolution } from '../solver/check';
import { parseSolomon } from '../solver/format/solomon';
import { createPoolSolver } from '../src/solving/pool-solver';
import { SolutionCheckError } from '../src/solving/runner';

const DATA = join(import.meta.dirname, '../data/benchmarks');
const SETS = ['solomon', 'homberger-200'] as const;
type SetName = (typeof SETS)[number];

/** VROOM 1.14 on this machine (issue 3), and the bars we hold ourselves to. */
const REFERENCE: Record<SetName, { vroom: string; bar: string }> = {
  solomon: {
    vroom: 'VROOM 1.14, 2 threads: +1.69 % in 1.2 s avg (2.7 s max) at its highest level; +4.4 % in 0.13 s at its lowest',
    bar: 'bar: ≤ 1.0 % at 2 s, ≤ 0.5 % at 10 s (gap to distance-only BKS), every solution feasible',
  },
  'homberger-200': {
    vroom: 'VROOM 1.14: no 200-customer figure published in the issue (1,000-customer: 0 … +5.6 % in 100–300 s)',
    // data/ has only the hierarchical table (vehicles first): its distances are no lower than distance-only ones.
    bar:
      'bar (issue 18): ≤ 1.0 % average gap to the distance-only BKS (DIMACS convention) at 10 s, 2 threads, every solution feasible; ' +
      'the BKS here is vehicles-first, whose distances are no lower than distance-only ones, so the gap to a distance-only table is at least the one shown',
  },
};

interface Bks {
  vehicles: number;
  distance: number;
}

interface Row {
  set: SetName;
  instance: string;
  className: string;
  vehicles: number;
  distance: number;
  unassigned: number;
  seconds: number;
  feasible: boolean;
  issues: string;
  distanceOnly?: Bks;
  vehiclesFirst?: Bks;
}

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'solomon' },
    'time-limit': { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    filter: { type: 'string', default: '' },
    instances: { type: 'string', default: '' },
    // The first N instances of each class: a quicker, still balanced sample.
    'per-class': { type: 'string' },
    seed: { type: 'string', default: '1' },
    minimize: { type: 'string', default: 'cost' },
    json: { type: 'string' },
  },
});
const sets: SetName[] = values.set === 'all' ? [...SETS] : SETS.filter((name) => name === values.set);
const timeLimitSeconds = Number(values['time-limit']);
const threads = Number(values.threads);
const seed = Number(values.seed);
const perClass = values['per-class'] === undefined ? Infinity : Number(values['per-class']);
const minimize = values.minimize === 'vehicles' ? 'vehicles' : 'cost';
const named = new Set(values.instances.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== ''));
const load = () => `load average ${loadavg().map((value) => value.toFixed(1)).join(' / ')} (1/5/15 min) on ${cpus().length} cores`;
if (values.minimize !== minimize || sets.length === 0 || !(timeLimitSeconds > 0) || !Number.isInteger(threads) || threads < 1 || !Number.isInteger(seed) || !(perClass >= 1)) {
  console.error(
    'usage: solver-vrptw.ts [--set solomon|homberger-200|all] [--time-limit S > 0] [--threads N ≥ 1] [--filter c1] [--instances a,b] [--per-class N ≥ 1] [--seed N] [--minimize cost|vehicles] [--json FILE]',
  );
  process.exit(2);
}

const solver = createPoolSolver({ threads });
const seeds = Array.from({ length: threads }, (_, index) => seed + index);
// Start the worker threads (and their TypeScript loader) before any instance is timed.
await solver.solve(parseSolomon(readFileSync(join(DATA, 'solomon/c101.txt'), 'utf8')).problem, { seeds, maxIterations: 1 });

const rows: Row[] = [];
console.log(`# VRPTW benchmark: ${timeLimitSeconds} s per instance, ${threads} thread${threads > 1 ? 's' : ''}, seed ${seed}, minimize ${minimize}; ${load()}\n`);
for (const set of sets) {
  const taken = new Map<string, number>();
  const files = instanceFiles(set).filter((file) => {
    if (!file.toLowerCase().startsWith(values.filter.toLowerCase())) return false;
    if (named.size > 0 && !named.has(file.replace(/\.txt$/, '').toLowerCase())) return false;
    const className = classOf(file);
    taken.set(className, (taken.get(className) ?? 0) + 1);
    return taken.get(className)! <= perClass;
  });
  if (files.length === 0) continue;
  const vehiclesFirst = readBks(join(DATA, set, 'bks.csv'));
  const distanceOnly = set === 'solomon' ? readBks(join(DATA, set, 'bks_distance_only.csv')) : new Map<string, Bks>();
  console.log(`## ${set}: ${files.length} instances\n`);
  console.log('| instance | vehicles | distance | BKS distance-only | gap | BKS vehicles-first | gap | time s | checker |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const file of files) {
    const instance = file.replace(/\.txt$/, '');
    const { problem } = parseSolomon(readFileSync(join(DATA, set, file), 'utf8'));
    if (minimize === 'vehicles') problem.options = { minimize };
    const start = performance.now();
    const outcome = await solver.solve(problem, { seeds, timeLimitMs: timeLimitSeconds * 1000 }).catch((error: unknown) => {
      if (error instanceof SolutionCheckError) return error;
      throw error;
    });
    const seconds = (performance.now() - start) / 1000;
    if (outcome instanceof SolutionCheckError || outcome.status !== 'solved') {
      console.log(`| ${instance} | | | | | | | ${seconds.toFixed(2)} | **${outcome instanceof SolutionCheckError ? outcome.message : 'cancelled'}** |`);
      continue;
    }
    const { solution } = outcome;
    const verdict = checkSolution(problem, solution);
    const row: Row = {
      set,
      instance,
      className: classOf(instance),
      vehicles: solution.routes.length,
      distance: verdict.distance,
      unassigned: solution.unassigned.length,
      seconds,
      feasible: verdict.feasible && solution.unassigned.length === 0,
      issues: verdict.feasible ? (solution.unassigned.length > 0 ? `${solution.unassigned.length} unassigned` : '') : verdict.issues.map((issue) => issue.code).join(', '),
      distanceOnly: distanceOnly.get(instance),
      vehiclesFirst: vehiclesFirst.get(instance),
    };
    rows.push(row);
    console.log(
      `| ${instance} | ${row.vehicles} | ${row.distance.toFixed(2)} | ${bksCell(row.distanceOnly)} | ${gapCell(row.distance, row.distanceOnly)} ` +
        `| ${bksCell(row.vehiclesFirst)} | ${gapCell(row.distance, row.vehiclesFirst)} | ${seconds.toFixed(2)} | ${row.feasible ? 'feasible' : `**${row.issues}**`} |`,
    );
  }
  console.log('');
}
await solver.close();
console.log(`At the end: ${load()}.\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ timeLimitSeconds, threads, seed, rows }, null, 2)}\n`);

for (const set of sets) {
  const setRows = rows.filter((row) => row.set === set);
  if (setRows.length === 0) continue;
  console.log(`## ${set}: per class (averages)\n`);
  console.log('| class | instances | vehicles | BKS vehicles (veh-first) | distance | gap distance-only | gap vehicles-first | time s avg | time s max | feasible |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const classes = [...new Set(setRows.map((row) => row.className))];
  for (const className of classes) printSummary(className, setRows.filter((row) => row.className === className));
  printSummary('**all**', setRows);
  const known = setRows.filter((row) => row.vehiclesFirst);
  console.log(`\nTotal vehicles: ${setRows.reduce((sum, row) => sum + row.vehicles, 0)} over ${setRows.length} instances (best-known vehicles-first: ${known.reduce((sum, row) => sum + row.vehiclesFirst!.vehicles, 0)} over ${known.length}).`);
  console.log(`\nReference: ${REFERENCE[set].vroom}.  \n${REFERENCE[set].bar}.\n`);
}

function printSummary(label: string, group: Row[]) {
  const mean = (values: number[]) => (values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
  const gaps = (pick: (row: Row) => Bks | undefined) => {
    const known = group.filter((row) => pick(row));
    return known.length === 0 ? '—' : `${signed(mean(known.map((row) => gap(row.distance, pick(row)!))))} %`;
  };
  const withBks = group.filter((row) => row.vehiclesFirst);
  console.log(
    `| ${label} | ${group.length} | ${mean(group.map((row) => row.vehicles)).toFixed(2)} | ${withBks.length ? mean(withBks.map((row) => row.vehiclesFirst!.vehicles)).toFixed(2) : '—'} ` +
      `| ${mean(group.map((row) => row.distance)).toFixed(2)} | ${gaps((row) => row.distanceOnly)} | ${gaps((row) => row.vehiclesFirst)} ` +
      `| ${mean(group.map((row) => row.seconds)).toFixed(2)} | ${Math.max(...group.map((row) => row.seconds)).toFixed(2)} ` +
      `| ${group.filter((row) => row.feasible).length}/${group.length} |`,
  );
}

/** C1, C2, R1, R2, RC1 or RC2, from "c101" or "RC2_2_7". */
function classOf(instance: string): string {
  return /^(rc|r|c)\d/i.exec(instance)![0].toUpperCase();
}

function instanceFiles(set: SetName): string[] {
  return readdirSync(join(DATA, set))
    .filter((file) => file.endsWith('.txt'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }));
}

function readBks(file: string): Map<string, Bks> {
  const records = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return new Map(records.map((record) => [record.instance!, { vehicles: Number(record.vehicles), distance: Number(record.distance) }]));
}

function gap(distance: number, bks: Bks): number {
  return ((distance - bks.distance) / bks.distance) * 100;
}

function signed(value: number): string {
  const fixed = Math.abs(value).toFixed(2);
  return `${value < 0 && fixed !== '0.00' ? '-' : '+'}${fixed}`;
}

function bksCell(bks: Bks | undefined): string {
  return bks ? `${bks.vehicles} / ${bks.distance.toFixed(2)}` : '—';
}

function gapCell(distance: number, bks: Bks | undefined): string {
  return bks ? `${signed(gap(distance, bks))} %` : '—';
}
