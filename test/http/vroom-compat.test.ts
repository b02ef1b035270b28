/**
 * VROOM compatibility: every problem in test/fixtures/vroom (copied from ../shared/fixtures/vroom, VROOM 1.14.0's
 * recorded answers on a real Heidelberg road matrix) goes through POST /optimize and is compared as that folder's
 * README says: the same keys with the same meanings, at least VROOM's service (sum of priorities, then tasks),
 * a cost no worse than COST_MARGIN above VROOM's, an error where VROOM answers one, and plan mode (`?mode=plan`,
 * VROOM's -c) equal to VROOM's violations. Where the VROOM binary in ../shared/peers runs, the same problems are
 * also solved by VROOM live and compared the same way.
 *
 * The search runs a fixed number of iterations per seed (two seeds on the pool, as the service), so the
 * comparison is the same on a loaded machine as on an idle one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSolution, normalizeVroomInput, type VroomProblem, type VroomSolution } from '../../solver/index';
import { errorHandler } from '../../src/http/middleware/errors';
import { optimizeRouter } from '../../src/http/routes/optimize.routes';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import type { SolverRunner } from '../../src/solving/runner';

const FIXTURES = join(import.meta.dirname, '../fixtures/vroom');
/** ../shared beside the repository (as in CI); VROOM_BINARY points elsewhere, e.g. from a git worktree. */
const VROOM_BINARY = process.env.VROOM_BINARY ?? join(import.meta.dirname, '../../../shared/peers/vroom-1.14.0/vroom');
/** How much costlier than VROOM a solution serving the same may be. */
const COST_MARGIN = 0.02;
const ITERATIONS_PER_SEED = 15_000;
/** Keys we answer that VROOM does not: Lastmile's extensions, documented in docs/vroom-compatibility.md. */
const EXTENSIONS = new Set(['stats', 'reason', 'reasons', 'unassigned.cost']);

const PROBLEMS = ['breaks', 'capacity-amount-deprecated', 'capacity-delivery', 'costs', 'max-tasks-travel-time', 'priority-short-shift', 'shipments', 'skills', 'time-windows'];

const fixture = <T>(file: string): T => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as T;

interface ErrorBody {
  code: number;
  error: string;
  details: { path?: string; message: string }[];
}

/** The VROOM binary's answer, or why it cannot run here. */
function runVroom(problem: unknown, args: string[]): VroomSolution | ErrorBody {
  const dir = mkdtempSync(join(tmpdir(), 'vroom-'));
  try {
    const file = join(dir, 'problem.json');
    writeFileSync(file, JSON.stringify(problem));
    const result = spawnSync(VROOM_BINARY, ['-i', file, ...args], { encoding: 'utf8', timeout: 60_000 });
    return JSON.parse(result.stdout) as VroomSolution | ErrorBody;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const vroomCannotRun = ((): string | undefined => {
  if (!existsSync(VROOM_BINARY)) return `no VROOM binary at ${VROOM_BINARY}`;
  const probe = spawnSync(VROOM_BINARY, ['-h'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `VROOM does not run here (${probe.error?.message ?? probe.stderr.trim().split('\n')[0]}); apt-get install -y libglpk40`;
  return undefined;
})();
if (vroomCannotRun) console.warn(`vroom-compat: live comparison with VROOM skipped: ${vroomCannotRun}`);

/** Sum of priorities served, then tasks served: VROOM's order of what matters before cost. */
function served(problem: VroomProblem, solution: VroomSolution) {
  const priorities = new Map((problem.jobs ?? []).map((job) => [`job:${job.id}`, job.priority ?? 0]));
  for (const shipment of problem.shipments ?? []) priorities.set(`pickup:${shipment.pickup.id}`, shipment.priority ?? 0);
  let priority = 0;
  let tasks = 0;
  for (const route of solution.routes) {
    for (const step of route.steps) {
      if (step.type === 'start' || step.type === 'end' || step.type === 'break') continue;
      tasks++;
      priority += priorities.get(`${step.type}:${step.id}`) ?? 0;
    }
  }
  return { priority, tasks };
}

/** Every key path of a solution's objects (arrays of objects by one name), per kind of step. */
function keyPaths(solution: VroomSolution): Set<string> {
  const paths = new Set<string>();
  const add = (prefix: string, owner: object) => Object.keys(owner).forEach((key) => paths.add(`${prefix}.${key}`));
  add('solution', solution);
  add('summary', solution.summary);
  for (const route of solution.routes) {
    add('route', route);
    for (const step of route.steps) add(`step(${step.type})`, step);
  }
  for (const task of solution.unassigned) add('unassigned', task);
  return paths;
}

function expectIntegers(value: unknown, path = ''): void {
  if (typeof value === 'number') expect(Number.isInteger(value), `${path} is ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((entry, index) => expectIntegers(entry, `${path}[${index}]`));
  else if (typeof value === 'object' && value !== null) for (const [key, entry] of Object.entries(value)) expectIntegers(entry, `${path}.${key}`);
}

/** Ours against VROOM's: at least its service, and at its cost or within the margin when serving the same. */
function expectAtLeastVroom(problem: VroomProblem, ours: VroomSolution, vroom: VroomSolution) {
  const mine = served(problem, ours);
  const theirs = served(problem, vroom);
  expect(mine.priority).toBeGreaterThanOrEqual(theirs.priority);
  if (mine.priority === theirs.priority) expect(mine.tasks).toBeGreaterThanOrEqual(theirs.tasks);
  if (mine.priority === theirs.priority && mine.tasks === theirs.tasks) expect(ours.summary.cost).toBeLessThanOrEqual(vroom.summary.cost * (1 + COST_MARGIN));
}

const numbers: string[] = [];

describe('VROOM 1.14 compatibility of POST /optimize', () => {
  const pool = createPoolSolver({ threads: 2 });
  // The service's runner, on a fixed iteration budget instead of the clock (see the header).
  const solver: SolverRunner = { threads: pool.threads, solve: (problem, options) => pool.solve(problem, { ...options, timeLimitMs: undefined, maxIterationsWithoutImprovement: undefined, maxIterations: ITERATIONS_PER_SEED }), close: () => pool.close() };
  let baseUrl = '';
  let server: http.Server;
  beforeAll(async () => {
    const app = express()
      .use(pinoHttp({ logger: pino({ level: 'silent' }) }))
      .use('/api/v1', optimizeRouter({ solver, routing: createHaversineProvider(), authorize: (_req, _res, next) => next() }))
      .use(errorHandler);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await solver.close();
    if (numbers.length > 0) console.log(['| problem | VROOM recorded cost / tasks | VROOM live cost / tasks | Lastmile cost / tasks |', '|---|---|---|---|', ...numbers].join('\n'));
  });

  const optimize = async (problem: unknown, query = '') => {
    const response = await fetch(`${baseUrl}/api/v1/optimize${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(problem) });
    return { status: response.status, body: (await response.json()) as VroomSolution & ErrorBody };
  };

  it.each(PROBLEMS)('%s: VROOM keys, integers, at least what VROOM serves, within the cost margin', { timeout: 120_000 }, async (name) => {
    const problem = fixture<VroomProblem>(`${name}.json`);
    const recorded = fixture<VroomSolution>(`${name}.vroom.json`);
    const { status, body: ours } = await optimize(problem);
    expect(status).toBe(200);
    expect(ours.code).toBe(0);
    // The checker reads the current forms (the deprecated job amount as a delivery).
    expect(checkSolution(normalizeVroomInput(structuredClone(problem)), ours).issues).toEqual([]);

    const theirKeys = keyPaths(recorded);
    const ourKeys = keyPaths(ours);
    expect([...theirKeys].filter((key) => !ourKeys.has(key) && !(key.startsWith('unassigned.') && ours.unassigned.length === 0))).toEqual([]);
    expect([...ourKeys].filter((key) => !theirKeys.has(key) && !EXTENSIONS.has(key.split('.')[1]!) && !EXTENSIONS.has(key) && !(key.startsWith('unassigned.') && recorded.unassigned.length === 0))).toEqual([]);
    const { stats: _stats, ...shown } = ours;
    expectIntegers(shown);
    // Vans leave late rather than wait at their first stop, as VROOM's do.
    for (const route of ours.routes) expect(route.steps[1]!.waiting_time).toBe(0);

    expectAtLeastVroom(problem, ours, recorded);
    let live = 'not run';
    if (!vroomCannotRun) {
      const answer = runVroom(problem, ['-x', '5', '-t', '1']) as VroomSolution;
      expect(answer.code).toBe(0);
      expectAtLeastVroom(problem, ours, answer);
      live = `${answer.summary.cost} / ${served(problem, answer).tasks}`;
    }
    numbers.push(`| ${name} | ${recorded.summary.cost} / ${served(problem, recorded).tasks} | ${live} | ${ours.summary.cost} / ${served(problem, ours).tasks} |`);
  });

  it('time-windows: waits only where VROOM would (no waiting a later departure avoids)', { timeout: 60_000 }, async () => {
    const problem = fixture<VroomProblem>('time-windows.json');
    const { body } = await optimize(problem);
    const recorded = fixture<VroomSolution>('time-windows.vroom.json');
    // Same problem, different routes: the waiting left is of the same order as VROOM's, not a whole morning's.
    expect(body.summary.waiting_time).toBeLessThanOrEqual(2 * recorded.summary.waiting_time);
    for (const route of body.routes) {
      const [start] = route.steps;
      const shiftStart = problem.vehicles.find((vehicle) => vehicle.id === route.vehicle)!.time_window![0];
      expect(start!.arrival).toBeGreaterThanOrEqual(shiftStart);
    }
  });

  it('plan mode (?mode=plan, VROOM -c) reports the violations VROOM reports, step by step', async () => {
    const problem = fixture<VroomProblem>('plan-mode-steps.json');
    const { status, body } = await optimize(problem, '?mode=plan');
    expect(status).toBe(200);
    const expected = [fixture<VroomSolution>('plan-mode-steps.vroom-c.json')];
    if (!vroomCannotRun) expected.push(runVroom(problem, ['-c']) as VroomSolution);
    for (const vroom of expected) {
      const shape = (solution: VroomSolution) => ({
        summary: { cost: solution.summary.cost, duration: solution.summary.duration, violations: solution.summary.violations, unassigned: solution.summary.unassigned },
        routes: solution.routes.map((route) => ({
          vehicle: route.vehicle,
          cost: route.cost,
          violations: route.violations,
          steps: route.steps.map((step) => ({ type: step.type, id: step.id, arrival: step.arrival, waiting_time: step.waiting_time, load: step.load, violations: step.violations })),
        })),
      });
      expect(shape(body)).toEqual(shape(vroom));
    }
  });

  const plan = () => fixture<VroomProblem>('plan-mode-steps.json');
  const withMatrixEntry = (value: number) => {
    const problem = plan();
    problem.matrices!.car!.durations![0]![1] = value;
    return problem;
  };
  const errors: Array<[string, () => unknown, RegExp, string | undefined]> = [
    ['steps VROOM cannot drive, outside plan mode', plan, /^Missing skill or step out of reach for vehicle 1 and job 4\.$/, 'vehicles'],
    ['a fractional matrix entry', () => withMatrixEntry(1107.5), /Invalid matrix entry/, 'matrices.car.durations[0][1]'],
    ['a negative matrix entry', () => withMatrixEntry(-1), /Invalid matrix entry/, 'matrices.car.durations[0][1]'],
    ['speed_factor above 5', () => ({ ...plan(), vehicles: plan().vehicles.map(({ steps: _steps, ...vehicle }) => ({ ...vehicle, speed_factor: 6 })) }), /must be ≤ 5/, 'vehicles[0].speed_factor'],
    [
      'deliveries with no vehicle capacity',
      () => ({ ...plan(), vehicles: plan().vehicles.map(({ steps: _steps, capacity: _capacity, ...vehicle }) => vehicle) }),
      /no vehicle has a capacity/,
      'jobs[0].delivery',
    ],
    [
      'the deprecated amount with no vehicle capacity',
      () => ({ ...plan(), vehicles: plan().vehicles.map(({ steps: _steps, capacity: _capacity, ...vehicle }) => vehicle), jobs: plan().jobs!.map(({ delivery, ...job }) => ({ ...job, amount: delivery })) }),
      /no vehicle has a capacity/,
      'jobs[0].delivery',
    ],
    ['a fractional service', () => ({ ...plan(), jobs: plan().jobs!.map((job) => ({ ...job, service: 1.5 })) }), /must be an integer/, 'jobs[0].service'],
  ];
  it.each(errors)('answers an error where VROOM does: %s', async (_, make, message, path) => {
    const problem = make();
    const { status, body } = await optimize(problem);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 2, error: expect.stringMatching(message) });
    if (path) expect(body.details.map((detail) => detail.path)).toContain(path);
    if (!vroomCannotRun) expect(runVroom(problem, ['-x', '5', '-t', '1'])).toMatchObject({ code: 2 });
  });

  it('refuses a key VROOM does not define (VROOM ignores it; here nothing is silently ignored)', async () => {
    const problem = { ...plan(), vehicles: plan().vehicles.map(({ steps: _steps, ...vehicle }) => ({ ...vehicle, capacty: [20] })), urgency: 'high' };
    const { status, body } = await optimize(problem);
    expect(status).toBe(400);
    expect(body.code).toBe(2);
    expect(body.details.map((detail) => detail.path)).toEqual(expect.arrayContaining(['urgency', 'vehicles[0].capacty', 'vehicles[1].capacty']));
  });

  it("treats a job's deprecated amount as a delivery: 4 jobs on a capacity-3 van leave one unassigned", async () => {
    const problem = {
      vehicles: [{ id: 1, start_index: 0, end_index: 0, capacity: [3] }],
      jobs: [1, 2, 3, 4].map((id) => ({ id, location_index: id, amount: [1] })),
      matrices: { car: { durations: Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i === j ? 0 : 60 * (1 + Math.abs(i - j))))) } },
    };
    const { status, body } = await optimize(problem);
    expect(status).toBe(200);
    expect(body.summary).toMatchObject({ unassigned: 1, delivery: [3], amount: [3] });
    if (!vroomCannotRun) expect((runVroom(problem, ['-x', '5', '-t', '1']) as VroomSolution).summary).toMatchObject({ unassigned: 1, delivery: [3] });
  });
});
