import { describe, expect, it } from 'vitest';
import { checkSolution, solve, validateProblem } from '../../solver/index';
import type { VroomJob, VroomProblem, VroomSolution } from '../../solver/model/vroom';
import { expectFeasible, problemOn, type Point } from './solve-fixtures';

/** Depot at 0, five customers on a ring around it, 5 units each: 25 units for a van that carries 10. */
const ring: Point[] = [[0, 0], [100, 0], [0, 100], [-100, 0], [0, -100], [70, 70]];
const jobs: VroomJob[] = [1, 2, 3, 4, 5].map((id) => ({ id, location_index: id, service: 60, delivery: [5] }));

function multiTrip(reload: VroomProblem['vehicles'][number]['reload'], extra: Partial<VroomProblem['vehicles'][number]> = {}): VroomProblem {
  return problemOn(ring, structuredClone(jobs), [{ id: 1, start_index: 0, end_index: 0, capacity: [10], time_window: [0, 10_000], ...(reload ? { reload } : {}), ...extra }]);
}

const trips = (solution: VroomSolution) => solution.routes[0]!.steps.filter((s) => s.type === 'reload').length + 1;

describe('solve: multi-trip (vehicle.reload)', () => {
  it('serves 25 units with a capacity of 10 in three trips, reloading at the depot', () => {
    const problem = multiTrip({ location_index: 0, service: 300 });
    const solution = solve(problem, { stop: { maxIterations: 300 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toEqual([]);
    const steps = solution.routes[0]!.steps;
    expect(trips(solution)).toBe(3);
    for (const step of steps.filter((s) => s.type === 'reload')) {
      expect(step.location_index).toBe(0);
      expect(step.service).toBe(300);
    }
    // Each trip leaves with the deliveries of its own stops, never more than the van holds.
    const loads = steps.map((s) => s.load[0]!);
    expect(Math.max(...loads)).toBeLessThanOrEqual(10);
    expect(steps[0]!.load).toEqual([10]);
    expect(solution.routes[0]!.service).toBe(5 * 60 + 2 * 300);
  });

  it('leaves work unassigned for capacity without a reload place', () => {
    const problem = multiTrip(undefined);
    const solution = solve(problem, { stop: { maxIterations: 300 } });
    expectFeasible(problem, solution);
    expect(solution.routes[0]!.steps.filter((s) => s.type === 'job')).toHaveLength(2);
    expect(solution.unassigned.map((u) => u.reason)).toEqual(['capacity', 'capacity', 'capacity']);
  });

  it('keeps to max_trips', () => {
    const problem = multiTrip({ location_index: 0, service: 0, max_trips: 2 });
    const solution = solve(problem, { stop: { maxIterations: 300 } });
    expectFeasible(problem, solution);
    expect(trips(solution)).toBe(2);
    expect(solution.unassigned).toHaveLength(1);
  });

  it('reloads at a named place other than the depot, and pays the detour', () => {
    const problem = multiTrip({ location_index: 5, service: 120 });
    const solution = solve(problem, { stop: { maxIterations: 300 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toEqual([]);
    expect(solution.routes[0]!.steps.filter((s) => s.type === 'reload').map((s) => s.location_index)).toEqual([5, 5]);
  });

  it('places the reloads where the windows allow', () => {
    // Jobs 1–2 early, 3–4 late: the reload has to fall between them.
    const timed = multiTrip({ location_index: 0, service: 600 });
    timed.jobs = [
      { id: 1, location_index: 1, delivery: [5], time_windows: [[0, 400]] },
      { id: 2, location_index: 2, delivery: [5], time_windows: [[0, 600]] },
      { id: 3, location_index: 3, delivery: [5], time_windows: [[1200, 2000]] },
      { id: 4, location_index: 4, delivery: [5], time_windows: [[1200, 2200]] },
    ];
    const solution = solve(timed, { stop: { maxIterations: 300 } });
    expectFeasible(timed, solution);
    const order = solution.routes[0]!.steps.map((s) => (s.type === 'job' ? s.id : s.type));
    expect(order.indexOf('reload')).toBe(3);
    expect(new Set(order.slice(1, 3))).toEqual(new Set([1, 2]));
  });

  it('counts what jobs collect per trip: unloaded at the reload', () => {
    const problem = multiTrip({ location_index: 0 });
    problem.jobs = [1, 2, 3, 4].map((id) => ({ id, location_index: id, pickup: [6] }));
    const solution = solve(problem, { stop: { maxIterations: 300 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toEqual([]);
    expect(trips(solution)).toBe(4);
  });

  it('places the reloads anew in plan mode, whatever reload steps the list names', () => {
    const steps = [{ type: 'job' as const, id: 1 }, { type: 'reload' as const }, { type: 'job' as const, id: 2 }, { type: 'job' as const, id: 3 }, { type: 'job' as const, id: 4 }, { type: 'job' as const, id: 5 }];
    const problem = multiTrip({ location_index: 0, service: 300 }, { steps });
    const solution = solve(problem, { mode: 'plan' });
    expectFeasible(problem, solution);
    expect(solution.routes[0]!.steps.map((s) => (s.type === 'job' ? s.id : s.type))).toEqual(['start', 1, 2, 'reload', 3, 4, 'reload', 5, 'end']);
    expect(solution.summary.violations).toEqual([]);
  });

  it('is deterministic by seed', () => {
    const problem = multiTrip({ location_index: 0, service: 300 });
    const a = solve(problem, { seed: 7, stop: { maxIterations: 200 } });
    const b = solve(problem, { seed: 7, stop: { maxIterations: 200 } });
    expect(a).toEqual(b);
  });
});

describe('check: multi-trip', () => {
  const problem = multiTrip({ location_index: 0, service: 300 });
  const solution = solve(problem, { stop: { maxIterations: 300 } });

  it('refuses a trip over capacity once a reload is taken out', () => {
    const broken = structuredClone(solution);
    const route = broken.routes[0]!;
    route.steps = route.steps.filter((s, k) => s.type !== 'reload' || k !== route.steps.findIndex((x) => x.type === 'reload'));
    const codes = checkSolution(problem, broken).issues.map((issue) => issue.code);
    expect(codes).toContain('capacity');
  });

  it('refuses a reload cut short, at the wrong place, or on a vehicle that has no reload place', () => {
    const short = structuredClone(solution);
    short.routes[0]!.steps.find((s) => s.type === 'reload')!.service = 10;
    expect(checkSolution(problem, short).issues.map((issue) => issue.code)).toContain('service_mismatch');

    const elsewhere = structuredClone(solution);
    elsewhere.routes[0]!.steps.find((s) => s.type === 'reload')!.location_index = 3;
    expect(checkSolution(problem, elsewhere).issues.map((issue) => issue.code)).toContain('location_mismatch');

    const plain = multiTrip(undefined);
    expect(checkSolution(plain, solution).issues.map((issue) => issue.code)).toContain('reload');
  });

  it('refuses more trips than max_trips', () => {
    const capped = multiTrip({ location_index: 0, service: 300, max_trips: 2 });
    expect(checkSolution(capped, solution).issues.map((issue) => issue.code)).toContain('reload');
  });
});

describe('validate: vehicle.reload', () => {
  it('names the field and the reason', () => {
    const problem = multiTrip({ location_index: 9, service: -1, max_trips: 0 });
    expect(validateProblem(problem, { dialect: 'vroom' }).map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['vehicles[0].reload.location_index', 'vehicles[0].reload.service', 'vehicles[0].reload.max_trips']),
    );
    const unknown = multiTrip({ location_index: 0, colour: 'red' } as never);
    const vehicleIssues = validateProblem(unknown, { dialect: 'vroom' }).filter((issue) => issue.path.startsWith('vehicles'));
    expect(vehicleIssues.map((issue) => [issue.code, issue.path])).toEqual([['unknown_key', 'vehicles[0].reload.colour']]);
    const missing = multiTrip({ service: 10 });
    expect(validateProblem(missing).map((issue) => issue.path)).toEqual(['vehicles[0].reload.location_index']);
  });

  it('refuses a reload step on a vehicle without a reload place', () => {
    const problem = multiTrip(undefined, { steps: [{ type: 'job', id: 1 }, { type: 'reload' }, { type: 'job', id: 2 }] });
    expect(validateProblem(problem).map((issue) => issue.path)).toEqual(['vehicles[0].steps[1].type']);
  });
});
