/**
 * `lastmile` command line: solve a Solomon or VROOM file, or check a solution against its problem.
 * Bad arguments or files end with one clear line on stderr and exit code 2, never a stack trace.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  checkSolution,
  formatSolution,
  FormatError,
  parseJson,
  parseSolomon,
  parseVroomSolution,
  solve,
  toVroomOutput,
  toVroomProblem,
  vehicleStepsError,
  type VroomProblem,
} from '../../solver/index';
import { AppError } from '../errors';
import { createPoolSolver } from '../solving/pool-solver';
import { SolutionCheckError, type RunProgress } from '../solving/runner';

const USAGE = `Usage:
  lastmile solve <file> [--format solomon|vroom] [--time-limit S] [--seed N] [--threads N] [--output FILE] [--progress]
                        [--routing R] [--osrm-url URL] [--check-steps|-c]
  lastmile check <problem-file> <solution-file> [--format solomon|vroom] [--routing R] [--osrm-url URL]

solve      writes the solution in VROOM's JSON format to stdout (or FILE) and a one-line summary to stderr.
           --seed N --threads T runs seeds N … N+T-1 on T worker threads and keeps the best.
           --progress prints each seed's best cost on stderr while it searches.
           --check-steps (-c), as VROOM's -c: the vehicles' steps evaluated as given (no search), with
           violations per step and route. Without it, steps that cannot be driven as given are refused.
check      re-verifies a solution with the independent checker; exit code 1 when it is infeasible.
--format   defaults from the extension: .json is vroom, .txt is solomon.
--routing  for VROOM files with coordinates and no matrices: embedded (default, the OSM road network in
           data/osm; its graph is built on first use and cached under var/), osrm (--osrm-url) or
           haversine (straight lines). The one used is named on stderr.`;

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bad usage or input: printed as one line, exit code 2. */
class CliError extends Error {}

type Format = 'solomon' | 'vroom';

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, ...files] = positionals;
  if (command === 'solve') {
    if (files.length !== 1) throw new CliError('solve takes one input file');
    return solveCommand(files[0]!, values);
  }
  if (command === 'check') {
    if (files.length !== 2) throw new CliError('check takes a problem file and a solution file');
    return checkCommand(files[0]!, files[1]!, values);
  }
  throw new CliError(`unknown command "${command}" (expected solve or check; see --help)`);
}

type Options = ReturnType<typeof parseCommandLine>['values'];

async function solveCommand(file: string, options: Options): Promise<number> {
  const timeLimitSeconds = numberOption(options['time-limit'], '--time-limit', { min: 0, exclusive: true });
  const seed = numberOption(options.seed, '--seed', { integer: true, min: 0 }) ?? 1;
  const threads = numberOption(options.threads, '--threads', { integer: true, min: 1, max: 64 }) ?? 1;

  // Worker threads start loading while the file is read and parsed.
  const solver = createPoolSolver({ threads });
  const loadingStart = performance.now();
  const { problem, routing } = await readProblem(file, options).catch(async (error: unknown) => {
    await solver.close();
    throw error;
  });
  const loadingMs = performance.now() - loadingStart - (routing?.ms ?? 0);
  if (options['check-steps']) {
    await solver.close();
    return checkStepsCommand(file, problem, options, { loadingMs, routing });
  }
  const stepsError = vehicleStepsError(problem);
  if (stepsError) {
    await solver.close();
    throw new CliError(`${file}: ${stepsError}`);
  }

  const solvingStart = performance.now();
  const seeds = Array.from({ length: threads }, (_, index) => seed + index);
  const outcome = await solver
    .solve(problem, { seeds, ...(timeLimitSeconds === undefined ? {} : { timeLimitMs: timeLimitSeconds * 1000 }), ...(options.progress ? { onProgress: progressPrinter() } : {}) })
    .catch((error: unknown) => {
      if (error instanceof AppError) throw new CliError(`${file}: ${[error.message, ...error.details.slice(0, 3).map((detail) => `${detail.path}: ${detail.message}`)].join('; ')}`);
      if (error instanceof SolutionCheckError) return error;
      throw error;
    })
    .finally(() => solver.close());
  const solvingMs = performance.now() - solvingStart;
  if (outcome instanceof SolutionCheckError) {
    console.error(`lastmile: ${outcome.message}`);
    return 1;
  }
  if (outcome.status !== 'solved') throw new Error('the solver run was cancelled');
  const { solution } = outcome;
  solution.summary.computing_times = { loading: Math.round(loadingMs), solving: Math.round(solvingMs), routing: Math.round(routing?.ms ?? 0) };

  const verdict = checkSolution(problem, solution);
  // VROOM files get VROOM's integers; Solomon's unrounded Euclidean legs stay exact, so `check` still agrees.
  await writeSolution(problemFormat(file, options.format) === 'vroom' ? toVroomOutput(solution) : solution, options);

  const { summary } = solution;
  console.error(
    `${file}: ${summary.routes} routes, ${summary.unassigned} unassigned, cost ${round(summary.cost)}` +
      `${summary.distance === undefined ? '' : `, distance ${round(summary.distance)}`}, ${(solvingMs / 1000).toFixed(1)} s` +
      `, ${threads} thread${threads > 1 ? 's' : ''} from seed ${seed}` +
      `${routing ? `, matrices for ${routing.locations} locations from ${routing.provider}` : ''}` +
      `, checker: ${verdict.feasible ? 'feasible' : `${verdict.issues.length} issues`}`,
  );
  return 0;
}

/** Plan mode: nothing searched, so no pool; the answer is the violations, so no checker verdict either. */
async function checkStepsCommand(file: string, problem: VroomProblem, options: Options, { loadingMs, routing }: { loadingMs: number; routing?: Routed }): Promise<number> {
  const started = performance.now();
  const solution = solve(problem, { mode: 'plan' });
  if (solution.code !== 0) throw new CliError(`${file}: ${solution.error ?? 'the steps cannot be evaluated'}`);
  solution.summary.computing_times = { loading: Math.round(loadingMs), solving: Math.round(performance.now() - started), routing: Math.round(routing?.ms ?? 0) };
  await writeSolution(toVroomOutput(solution), options);
  const { summary } = solution;
  const causes = summary.violations.map((violation) => violation.cause);
  console.error(`${file}: steps evaluated, ${summary.routes} routes, ${summary.unassigned} unassigned, cost ${round(summary.cost)}, violations: ${causes.length > 0 ? causes.join(', ') : 'none'}`);
  return 0;
}

async function writeSolution(solution: Parameters<typeof formatSolution>[0], options: Options): Promise<void> {
  const text = formatSolution(solution);
  if (options.output) await writeOutput(options.output, text);
  else process.stdout.write(text);
}

/** Progress lines on stderr, at most two a second per seed, so a long run shows it is alive and improving. */
function progressPrinter(): (progress: RunProgress) => void {
  const lastPrinted = new Map<number, number>();
  return (progress) => {
    const { seed } = progress;
    const now = performance.now();
    if (now - (lastPrinted.get(seed) ?? -Infinity) < 500) return;
    lastPrinted.set(seed, now);
    console.error(
      `seed ${seed}: ${(progress.elapsedMs / 1000).toFixed(1)} s, iteration ${progress.iteration}, ` +
        `best cost ${round(progress.bestCost)}, ${progress.routes} routes, ${progress.unassigned} unassigned`,
    );
  };
}

async function checkCommand(problemFile: string, solutionFile: string, options: Options): Promise<number> {
  const { problem } = await readProblem(problemFile, options);
  const solutionText = await readText(solutionFile);
  const solution = formatErrorsAsCliErrors(solutionFile, () => parseVroomSolution(solutionText));
  const result = checkSolution(problem, solution);
  console.log(
    `${result.feasible ? 'feasible' : 'infeasible'}: ${solution.routes.length} routes, ${solution.unassigned.length} unassigned, ` +
      `distance ${round(result.distance)}, travel time ${round(result.duration)}`,
  );
  for (const issue of result.issues) {
    const where = [issue.vehicle === undefined ? '' : `vehicle ${issue.vehicle}`, issue.step === undefined ? '' : `step ${issue.step}`].filter(Boolean);
    console.log(`  ${issue.code}${where.length > 0 ? ` (${where.join(', ')})` : ''}: ${issue.message}`);
  }
  return result.feasible ? 0 : 1;
}

interface Routed {
  provider: string;
  locations: number;
  ms: number;
}

async function readProblem(file: string, options: Options): Promise<{ problem: VroomProblem; routing?: Routed }> {
  const format = problemFormat(file, options.format);
  const text = await readText(file);
  if (format === 'solomon') return { problem: formatErrorsAsCliErrors(file, () => parseSolomon(text).problem) };
  const raw = formatErrorsAsCliErrors(file, () => parseJson(text, 'problem'));
  // Routing code (and the road network's) loads only for a file that needs matrices: Solomon files start faster.
  const { addMatrices, MatrixError, needsMatrices } = await import('./matrices');
  let routing: Routed | undefined;
  if (needsMatrices(raw)) {
    try {
      routing = await routeMatrices(raw, options, addMatrices);
    } catch (error) {
      if (error instanceof MatrixError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
  }
  return { problem: formatErrorsAsCliErrors(file, () => toVroomProblem(raw)), ...(routing ? { routing } : {}) };
}

/** A FormatError as one line naming the file, with the first few details. */
function formatErrorsAsCliErrors<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const shown = error.details.slice(0, 3).join('; ');
    const more = error.details.length > 3 ? ` (+${error.details.length - 3} more)` : '';
    throw new CliError(`${file}: ${error.message}${shown ? `: ${shown}${more}` : ''}`);
  }
}

const ROUTING_DESCRIPTIONS = {
  embedded: 'on the embedded road network (data/osm/heidelberg.osm.pbf)',
  osrm: 'on the OSRM server at',
  haversine: 'on straight lines (haversine × 1.3 detour at 30 km/h), not on roads',
} as const;

async function routeMatrices(problem: Record<string, unknown>, options: Options, addMatrices: typeof import('./matrices').addMatrices): Promise<Routed> {
  const name = options.routing ?? 'embedded';
  if (name !== 'haversine' && name !== 'embedded' && name !== 'osrm') throw new CliError(`--routing must be haversine, embedded or osrm, got "${name}"`);
  if (name === 'osrm' && !options['osrm-url']) throw new CliError('--routing osrm needs --osrm-url (e.g. http://localhost:5000)');
  console.error(`lastmile: routing locations ${ROUTING_DESCRIPTIONS[name]}${name === 'osrm' ? ` ${options['osrm-url']}` : ''}`);
  const started = performance.now();
  const { createRoutingProvider } = await import('../routing/index');
  const provider = await createRoutingProvider({
    ROUTING: name,
    ...(name === 'osrm' ? { OSRM_URL: options['osrm-url'] } : {}),
    OSM_PBF: `${PACKAGE_ROOT}data/osm/heidelberg.osm.pbf`,
    DATA_DIR: `${PACKAGE_ROOT}var`,
  });
  try {
    const locations = await addMatrices(problem, provider);
    return { provider: name, locations, ms: performance.now() - started };
  } finally {
    await provider.close?.();
  }
}

function problemFormat(file: string, format: string | undefined): Format {
  if (format === 'solomon' || format === 'vroom') return format;
  if (format !== undefined) throw new CliError(`--format must be solomon or vroom, got "${format}"`);
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'vroom';
  if (extension === '.txt') return 'solomon';
  throw new CliError(`cannot tell the format of ${file} from its extension: pass --format solomon or --format vroom`);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${fileProblem(error)}`);
  }
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${fileProblem(error)}`);
  }
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'time-limit': { type: 'string' },
        seed: { type: 'string' },
        threads: { type: 'string' },
        output: { type: 'string', short: 'o' },
        routing: { type: 'string' },
        'osrm-url': { type: 'string' },
        progress: { type: 'boolean' },
        'check-steps': { type: 'boolean', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's messages suggest "--" tricks; the option and the reason are enough.
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new CliError(`unknown option ${option} (see --help)`);
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new CliError(`option ${option?.split(' ')[0]} needs a value`);
    throw new CliError(message);
  }
}

function numberOption(value: string | undefined, name: string, rule: { integer?: boolean; min: number; max?: number; exclusive?: boolean }): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const tooSmall = rule.exclusive ? parsed <= rule.min : parsed < rule.min;
  if (value.trim() === '' || !Number.isFinite(parsed) || (rule.integer && !Number.isInteger(parsed)) || tooSmall || (rule.max !== undefined && parsed > rule.max)) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const range = `${rule.exclusive ? '>' : '≥'} ${rule.min}${rule.max === undefined ? '' : ` and ≤ ${rule.max}`}`;
    throw new CliError(`${name} must be ${kind} ${range}, got "${value}"`);
  }
  return parsed;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(`lastmile: ${error.message}`);
  process.exitCode = 2;
}
