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
  cost: number;
}

export function objectiveOf(solution: SearchSolution): Objective {
  return { lostPriority: solution.lostPriority(), unassigned: solution.unassignedCount(), cost: solution.cost() };
}

/** VROOM's hierarchy: serve the most priority, then the most tasks, then pay the least. Negative when a is better. */
export function compareObjectives(a: Objective, b: Objective): number {
  if (a.lostPriority !== b.lostPriority) return a.lostPriority - b.lostPriority;
  if (a.unassigned !== b.unassigned) return a.unassigned - b.unassigned;
  return a.cost - b.cost;
}
