import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../solver/model/problem';
import { solve } from '../../solver/index';
import type { VroomProblem } from '../../solver/model/vroom';
import { expectFeasible } from './solve-fixtures';

/** Depot 0 and two stops in a line; `scale` multiplies every travel time. */
function line(scale: number, extra: Partial<VroomProblem['vehicles'][number]> = {}): VroomProblem {
  const at = [0, 3, 7];
  const durations = at.map((a) => at.map((b) => Math.abs(a - b) * scale));
  return {
    jobs: [
      { id: 1, location_index: 1 },
      { id: 2, location_index: 2 },
    ],
    vehicles: [{ id: 1, start_index: 0, end_index: 0, ...extra }],
    matrices: { car: { durations } },
  };
}

describe('travel matrices', () => {
  it('are held in float32 when every entry is exact in it (half the memory of float64)', () => {
    const problem = buildProblem(line(100));
    expect(problem.types[0]!.durations).toBeInstanceOf(Float32Array);
    const solution = solve(line(100));
    expectFeasible(line(100), solution);
    expect(solution.summary.duration).toBe(1400);
  });

  it('stay float64 when an entry is not exact in float32, so nothing is rounded', () => {
    const input = line(0.1);
    expect(buildProblem(input).types[0]!.durations).toBeInstanceOf(Float64Array);
    const solution = solve(input);
    expectFeasible(input, solution);
    // The route's duration is the float64 sum of its legs; the same legs in float32 add up to another number.
    const durations = input.matrices!.car!.durations!;
    const places = solution.routes[0]!.steps.map((step) => step.location_index!);
    let exact = 0;
    let narrow = 0;
    for (let k = 1; k < places.length; k++) {
      exact += durations[places[k - 1]!]![places[k]!]!;
      narrow += Math.fround(durations[places[k - 1]!]![places[k]!]!);
    }
    expect(solution.summary.duration).toBe(exact);
    expect(narrow).not.toBe(exact);
  });

  it('derived for a speed factor stay exact too', () => {
    const input = line(100, { speed_factor: 3 });
    const problem = buildProblem(input);
    expect(problem.types[0]!.durations).toBeInstanceOf(Float64Array);
    expect(problem.types[0]!.durations[1]).toBe(300 / 3);
    expect(problem.types[0]!.durations[2]).toBe(700 / 3);
    expectFeasible(input, solve(input));
  });
});
