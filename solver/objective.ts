import { DEFAULT_BALANCE_WEIGHT } from './model/problem';
import type { VroomInput, VroomSolution } from './model/vroom';
import { balancePenalty } from './search/solution';

/**
 * What a finished solution scores under the problem's options, beyond VROOM's priority and unassigned levels:
 * `vehicles` (routes used; 0 unless minimize is `vehicles`) then `cost` (the summary's, plus the balance penalty
 * with minimize `balance`), as the search ranked it. Read from the reported routes, so any solution can be ranked.
 */
export function solutionScore(problem: VroomInput, solution: VroomSolution): { vehicles: number; cost: number } {
  const minimize = problem.options?.minimize ?? 'cost';
  const vehicles = minimize === 'vehicles' ? solution.routes.length : 0;
  if (minimize !== 'balance') return { vehicles, cost: solution.summary.cost };
  const perHour = new Map(problem.vehicles.map((vehicle) => [vehicle.id, (vehicle.costs?.per_hour ?? 3600) / 3600]));
  const workingTimes = solution.routes.map((route) => route.steps.at(-1)!.arrival - route.steps[0]!.arrival);
  const costPerSecond = solution.routes.map((route) => perHour.get(route.vehicle) ?? 1);
  return { vehicles, cost: solution.summary.cost + balancePenalty(workingTimes, costPerSecond, problem.options?.balance_weight ?? DEFAULT_BALANCE_WEIGHT) };
}
