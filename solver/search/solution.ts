import type { Problem } from '../model/problem';
import { SearchRoute } from './route';

/** A complete assignment during the search: one route per vehicle plus the tasks left out. */
export class SearchSolution {
  readonly routes: SearchRoute[];
  /** Route (= vehicle) index of each task, -1 when unassigned. */
  readonly routeOf: Int32Array;
  /** Position (1-based) of each assigned task in its route, kept by the routes. */
  readonly positionOf: Int32Array;
  unassigned: number[] = [];

  constructor(readonly problem: Problem) {
    this.positionOf = new Int32Array(problem.taskCount);
    this.routes = Array.from({ length: problem.vehicleCount }, (_, v) => new SearchRoute(problem, v, this.positionOf));
    this.routeOf = new Int32Array(problem.taskCount).fill(-1);
  }

  cost(): number {
    let total = 0;
    for (const route of this.routes) total += route.cost;
    return total;
  }

  /** Priority left unserved: the first level of VROOM's objective. */
  lostPriority(): number {
    let total = 0;
    for (const t of this.unassigned) total += this.problem.taskPriority[t]!;
    return total;
  }

  /** Unassigned tasks, counting a shipment once (its two halves travel together). */
  unassignedCount(): number {
    let count = 0;
    for (const t of this.unassigned) if (this.problem.taskPartner[t]! < 0 || this.problem.taskKind[t] === 1) count++;
    return count;
  }

  /** Re-derives routeOf and every route's caches from the task lists. */
  refresh(): void {
    this.routeOf.fill(-1);
    for (const route of this.routes) {
      for (const t of route.tasks) this.routeOf[t] = route.vehicle;
      route.update();
    }
  }

  copyFrom(other: SearchSolution, changed?: ReadonlySet<number>): void {
    for (const r of changed ?? this.routes.keys()) {
      const target = this.routes[r]!;
      const source = other.routes[r]!;
      target.tasks = source.tasks.slice();
      target.lockedPrefix = source.lockedPrefix;
      target.update();
    }
    this.routeOf.set(other.routeOf);
    this.unassigned = other.unassigned.slice();
  }

  snapshot(): number[][] {
    return this.routes.map((r) => r.tasks.slice());
  }
}

export interface Objective {
  lostPriority: number;
  unassigned: number;
  /** Routes used with minimize `vehicles`, else 0 (the level then ties). */
  vehicles: number;
  /** With minimize `balance`, the routes' cost plus the balance penalty. */
  cost: number;
}

/** `balance`: count the balance penalty (default: when the problem minimises balance). */
export function objectiveOf(solution: SearchSolution, balance = solution.problem.minimize === 'balance'): Objective {
  const problem = solution.problem;
  let vehicles = 0;
  if (problem.minimize === 'vehicles') for (const route of solution.routes) if (route.length > 0) vehicles++;
  let cost = solution.cost();
  if (balance) {
    const workingTimes = solution.routes.map((route) => (route.length > 0 ? route.workingTime : 0));
    cost += balancePenalty(workingTimes, problem.vehicleCostPerSecond, problem.balanceWeight);
  }
  return { lostPriority: solution.lostPriority(), unassigned: solution.unassignedCount(), vehicles, cost };
}

/** Work balance lets a route work this share above the average before it counts: drivers' days differ a little anyway. */
export const BALANCE_TOLERANCE = 0.1;

/**
 * Work balance: each used route's working time beyond (1 + BALANCE_TOLERANCE) × the average of the used routes, at
 * its vehicle's per_hour, times `weight`. Zero when the drivers work about as long; a short route is not penalised.
 * `workingTimes[v]` is 0 for an unused vehicle v.
 */
export function balancePenalty(workingTimes: ArrayLike<number>, costPerSecond: ArrayLike<number>, weight: number): number {
  let used = 0;
  let total = 0;
  for (let r = 0; r < workingTimes.length; r++)
    if (workingTimes[r]! > 0) {
      used++;
      total += workingTimes[r]!;
    }
  if (used < 2) return 0;
  const allowed = (1 + BALANCE_TOLERANCE) * (total / used);
  let penalty = 0;
  for (let r = 0; r < workingTimes.length; r++) if (workingTimes[r]! > allowed) penalty += (workingTimes[r]! - allowed) * costPerSecond[r]!;
  return weight * penalty;
}

/** VROOM's hierarchy: serve the most priority, then the most tasks, (fewest vehicles,) then pay the least. Negative when a is better. */
export function compareObjectives(a: Objective, b: Objective): number {
  if (a.lostPriority !== b.lostPriority) return a.lostPriority - b.lostPriority;
  if (a.unassigned !== b.unassigned) return a.unassigned - b.unassigned;
  if (a.vehicles !== b.vehicles) return a.vehicles - b.vehicles;
  return a.cost - b.cost;
}

/** Same priority, tasks and vehicles: only the cost tells the two apart. */
export function sameLevel(a: Objective, b: Objective): boolean {
  return a.lostPriority === b.lostPriority && a.unassigned === b.unassigned && a.vehicles === b.vehicles;
}
