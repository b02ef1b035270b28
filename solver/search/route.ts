import { earliestStart, latestStart, type Matrix, type Problem } from '../model/problem';
import { simulateRoute, workingTime } from './schedule';

/**
 * The mutable side of the solver: one vehicle's route with cached forward/backward data per position
 * (position 0 = start, 1..length = tasks, length + 1 = end), so inserting a task anywhere is checked in O(1):
 * earliest departure going forward, latest feasible start coming back (Savelsbergh's slack), load with
 * prefix and suffix maxima. Routes whose vehicle takes breaks or reloads (multi-trip), or problems with soft
 * windows, fall back to the exact simulation.
 */
export class SearchRoute {
  tasks: number[] = [];
  /** Tasks at positions 1..lockedPrefix are done or in progress: nothing may be inserted before them or moved. */
  lockedPrefix = 0;
  readonly exact: boolean;
  /** The vehicle may reload (multi-trip): capacity holds per trip, which only the exact simulation knows. */
  readonly reloads: boolean;
  cost = 0;
  travelDuration = 0;
  distance = 0;
  feasible = true;
  /** Fixed + travel cost alone, whatever the route cost counts besides. */
  travelCost = 0;
  /** Takes no task (fleet minimisation keeps emptied and empty vehicles out of reach). */
  closed = false;
  /** Exact routes only: working time (departure to return) and the waiting left in it. */
  workingTime = 0;
  waiting = 0;
  location: Int32Array = new Int32Array(0);
  departEarliest: Float64Array = new Float64Array(0);
  latest: Float64Array = new Float64Array(0);
  /** 1 when latest[k] is bound by the shift end (through the later stops' slack), 0 when by a stop's window. */
  latestByShift: Uint8Array = new Uint8Array(0);
  load: Float64Array = new Float64Array(0);
  prefixMaxLoad: Float64Array = new Float64Array(0);
  suffixMaxLoad: Float64Array = new Float64Array(0);
  /** Sum of the start loads (job deliveries) of the tasks at positions 1..k, stride dimensions. */
  startLoadBefore: Float64Array = new Float64Array(0);
  /** Travel time and distance from the start to position k. */
  travelBefore: Float64Array = new Float64Array(0);
  distanceBefore: Float64Array = new Float64Array(0);
  private readonly durations: Matrix;
  private readonly distances: Matrix;
  private readonly costs: Matrix;
  private readonly scratchLoad: Float64Array;
  private scratchTasks: Int32Array = new Int32Array(0);

  constructor(
    readonly problem: Problem,
    readonly vehicle: number,
    /** Shared by the routes of one solution: position (1-based) of each task in its route. */
    private readonly positionOf?: Int32Array,
  ) {
    const type = problem.types[problem.vehicleType[vehicle]!]!;
    this.durations = type.durations;
    this.distances = type.distances;
    this.costs = type.costs;
    // Working time and balance depend on every wait: the caches see travel only.
    this.reloads = problem.vehicleReload[vehicle]! >= 0 && problem.vehicleMaxTrips[vehicle]! > 1;
    this.exact =
      problem.hasSoftWindows || problem.vehicleBreaks[vehicle]!.length > 0 || this.reloads || problem.routeCost === 'working_time' || problem.minimize === 'balance';
    this.scratchLoad = new Float64Array(problem.dimensions);
    this.update();
  }

  get length(): number {
    return this.tasks.length;
  }

  private ensureCapacity(positions: number): void {
    if (this.location.length >= positions) return;
    const size = Math.max(positions, this.location.length * 2, 8);
    const dims = this.problem.dimensions;
    this.location = new Int32Array(size);
    this.departEarliest = new Float64Array(size);
    this.latest = new Float64Array(size);
    this.latestByShift = new Uint8Array(size);
    this.load = new Float64Array(size * dims);
    this.prefixMaxLoad = new Float64Array(size * dims);
    this.suffixMaxLoad = new Float64Array(size * dims);
    this.startLoadBefore = new Float64Array(size * dims);
    this.travelBefore = new Float64Array(size);
    this.distanceBefore = new Float64Array(size);
    this.scratchTasks = new Int32Array(size + 2);
  }

  /** Recomputes every cache after the task list changed: O(length × dimensions). */
  update(): void {
    const p = this.problem;
    const tasks = this.tasks;
    const len = tasks.length;
    const dims = p.dimensions;
    const n = p.locations;
    const v = this.vehicle;
    this.ensureCapacity(len + 2);
    const loc = this.location;
    const durations = this.durations;
    loc[0] = p.vehicleStart[v]!;
    loc[len + 1] = p.vehicleEnd[v]!;
    for (let k = 1; k <= len; k++) loc[k] = p.taskLocation[tasks[k - 1]!]!;
    if (this.positionOf) for (let k = 1; k <= len; k++) this.positionOf[tasks[k - 1]!] = k;

    const load = this.load;
    for (let d = 0; d < dims; d++) {
      let start = 0;
      for (let k = 0; k < len; k++) start += p.taskStartLoad[tasks[k]! * dims + d]!;
      load[d] = start;
      this.prefixMaxLoad[d] = start;
      this.startLoadBefore[d] = 0;
      for (let k = 1; k <= len + 1; k++)
        this.startLoadBefore[k * dims + d] = this.startLoadBefore[(k - 1) * dims + d]! + (k <= len ? p.taskStartLoad[tasks[k - 1]! * dims + d]! : 0);
      for (let k = 1; k <= len; k++) {
        const value = load[(k - 1) * dims + d]! + p.taskLoadChange[tasks[k - 1]! * dims + d]!;
        load[k * dims + d] = value;
        const before = this.prefixMaxLoad[(k - 1) * dims + d]!;
        this.prefixMaxLoad[k * dims + d] = value > before ? value : before;
      }
      load[(len + 1) * dims + d] = load[len * dims + d]!;
      this.prefixMaxLoad[(len + 1) * dims + d] = this.prefixMaxLoad[len * dims + d]!;
      this.suffixMaxLoad[(len + 1) * dims + d] = load[(len + 1) * dims + d]!;
      for (let k = len; k >= 0; k--) {
        const value = load[k * dims + d]!;
        const after = this.suffixMaxLoad[(k + 1) * dims + d]!;
        this.suffixMaxLoad[k * dims + d] = value > after ? value : after;
      }
    }

    let feasible = true;
    let time = p.vehicleShiftStart[v]!;
    this.departEarliest[0] = time;
    let travel = 0;
    let distance = 0;
    let cost = len > 0 ? p.vehicleFixedCost[v]! : 0;
    this.travelBefore[0] = 0;
    this.distanceBefore[0] = 0;
    for (let k = 1; k <= len + 1; k++) {
      const edge = loc[k - 1]! * n + loc[k]!;
      travel += durations[edge]!;
      distance += this.distances[edge]!;
      this.travelBefore[k] = travel;
      this.distanceBefore[k] = distance;
      cost += this.costs[edge]!;
      if (k > len) break;
      const t = tasks[k - 1]!;
      let start = earliestStart(p, t, time + durations[edge]!);
      if (start === Infinity) {
        // Late (a locked stop the driver is behind on): carry on from the arrival so later positions stay usable.
        feasible = false;
        start = time + durations[edge]!;
      }
      time = start + (loc[k - 1] !== loc[k] ? p.taskSetup[t]! : 0) + p.taskService[t]!;
      this.departEarliest[k] = time;
    }
    this.departEarliest[len + 1] = time + durations[loc[len]! * n + loc[len + 1]!]!;

    this.latest[len + 1] = p.vehicleShiftEnd[v]!;
    this.latestByShift[len + 1] = 1;
    for (let k = len; k >= 1; k--) {
      const t = tasks[k - 1]!;
      const limit =
        this.latest[k + 1]! - durations[loc[k]! * n + loc[k + 1]!]! - (loc[k - 1] !== loc[k] ? p.taskSetup[t]! : 0) - p.taskService[t]!;
      this.latest[k] = latestStart(p, t, limit);
      this.latestByShift[k] = this.latest[k] === limit ? this.latestByShift[k + 1]! : 0;
    }

    this.travelDuration = travel;
    this.distance = distance;
    this.cost = cost;
    this.travelCost = cost;
    this.feasible = feasible && this.departEarliest[len + 1]! <= this.latest[len + 1]!;
    if (this.exact) {
      const schedule = simulateRoute(p, v, tasks, len, false);
      this.cost = schedule.cost;
      this.feasible = schedule.feasible;
      this.workingTime = len > 0 ? workingTime(schedule) : 0;
      this.waiting = schedule.waiting;
    }
    if (len > p.vehicleMaxTasks[v]! || travel > p.vehicleMaxTravelTime[v]! || distance > p.vehicleMaxDistance[v]!) this.feasible = false;
    if (!this.reloads) for (let d = 0; d < dims; d++) if (this.prefixMaxLoad[(len + 1) * dims + d]! > p.vehicleCapacity[v * dims + d]!) this.feasible = false;
  }

  /**
   * Cost increase of inserting task t before position `position` (1..length+1), or Infinity when that breaks
   * a hard constraint. Skills are the caller's business. Values of `bound` or more may come back as Infinity:
   * a caller looking for the cheapest place passes its best so far and spares the exact simulation.
   */
  insertionDelta(t: number, position: number, bound = Infinity): number {
    if (this.closed) return Infinity;
    if (!this.exact) return this.cachedDelta(t, position);
    if (this.reloads) {
      // Reloads only delay the stops (the caches know none), so the cached window check still rules out.
      if (!this.problem.hasSoftWindows && this.cachedDelta(t, position) === Infinity) return Infinity;
      if (!(this.reloadDetourFloor(t, position) + this.workingTimeFloor(t) < bound)) return Infinity;
      return this.exactDelta(t, -1, position, -1);
    }
    if (!this.problem.hasSoftWindows) {
      // Breaks only delay a route: the break-free check is necessary, and its travel bounds the cost from below.
      const delta = this.cachedDelta(t, position);
      if (!(delta + this.workingTimeFloor(t) < bound)) return Infinity;
    } else if (!(this.travelDelta(t, position) + this.workingTimeFloor(t) < bound)) return Infinity; // lateness only adds to travel
    return this.exactDelta(t, -1, position, -1);
  }

  /**
   * With route_cost `working_time`, a lower bound of what inserting t adds beyond its travel: its service, less the
   * waiting it could fill. Travel alone is the bound otherwise.
   */
  private workingTimeFloor(t: number, partner = -1): number {
    const p = this.problem;
    if (p.routeCost !== 'working_time') return 0;
    const service = p.taskService[t]! + (partner >= 0 ? p.taskService[partner]! : 0);
    return p.vehicleCostPerSecond[this.vehicle]! * (service - this.waiting);
  }

  /**
   * A lower bound of inserting t before `position` on a vehicle that reloads: in the new route t sits between its
   * neighbours in the list or the reload place, and taking it out again leaves reloads the old route could have
   * used, so the cost grows by at least the cheapest of those detours.
   */
  private reloadDetourFloor(t: number, position: number): number {
    const p = this.problem;
    const n = p.locations;
    const costs = this.costs;
    const here = p.taskLocation[t]!;
    const place = p.vehicleReload[this.vehicle]!;
    let floor = Infinity;
    for (const before of [this.location[position - 1]!, place])
      for (const after of [this.location[position]!, place]) {
        const detour = costs[before * n + here]! + costs[here * n + after]! - costs[before * n + after]!;
        if (detour < floor) floor = detour;
      }
    return floor + (this.tasks.length === 0 ? p.vehicleFixedCost[this.vehicle]! : 0);
  }

  /** Travel cost change of the insertion alone: a lower bound of its cost with soft windows. */
  private travelDelta(t: number, position: number): number {
    const n = this.problem.locations;
    const prev = this.location[position - 1]!;
    const next = this.location[position]!;
    const here = this.problem.taskLocation[t]!;
    const fixed = this.tasks.length === 0 ? this.problem.vehicleFixedCost[this.vehicle]! : 0;
    return this.costs[prev * n + here]! + this.costs[here * n + next]! - this.costs[prev * n + next]! + fixed;
  }

  /** insertionDelta from the caches alone (exact for routes without breaks or soft windows). */
  private cachedDelta(t: number, position: number): number {
    const p = this.problem;
    const v = this.vehicle;
    const len = this.tasks.length;
    if (len + 1 > p.vehicleMaxTasks[v]!) return Infinity;
    const n = p.locations;
    const loc = this.location;
    const prev = loc[position - 1]!;
    const next = loc[position]!;
    const here = p.taskLocation[t]!;
    const durations = this.durations;

    const dims = p.dimensions;
    if (dims > 0 && !this.reloads) {
      const capacityBase = v * dims;
      for (let d = 0; d < dims; d++) {
        const startLoad = p.taskStartLoad[t * dims + d]!;
        const change = p.taskLoadChange[t * dims + d]!;
        const capacity = p.vehicleCapacity[capacityBase + d]!;
        if (this.prefixMaxLoad[(position - 1) * dims + d]! + startLoad > capacity) return Infinity;
        if (this.suffixMaxLoad[(position - 1) * dims + d]! + startLoad + change > capacity) return Infinity;
      }
    }

    const start = earliestStart(p, t, this.departEarliest[position - 1]! + durations[prev * n + here]!);
    if (start === Infinity) return Infinity;
    const arrivalNext = start + (prev !== here ? p.taskSetup[t]! : 0) + p.taskService[t]! + durations[here * n + next]!;
    if (!this.canArrive(position, arrivalNext, position <= len && prev === next && here !== next)) return Infinity;

    const edgeBefore = prev * n + here;
    const edgeAfter = here * n + next;
    const edgeRemoved = prev * n + next;
    if (p.vehicleMaxTravelTime[v]! < Infinity) {
      const travel = this.travelDuration + durations[edgeBefore]! + durations[edgeAfter]! - durations[edgeRemoved]!;
      if (travel > p.vehicleMaxTravelTime[v]!) return Infinity;
    }
    if (p.vehicleMaxDistance[v]! < Infinity) {
      const dist = this.distance + this.distances[edgeBefore]! + this.distances[edgeAfter]! - this.distances[edgeRemoved]!;
      if (dist > p.vehicleMaxDistance[v]!) return Infinity;
    }
    const costs = this.costs;
    const delta = costs[edgeBefore]! + costs[edgeAfter]! - costs[edgeRemoved]! + (len === 0 ? p.vehicleFixedCost[v]! : 0);
    return delta < Infinity ? delta : Infinity;
  }

  /**
   * Whether the rest of the route from position k (1..length+1) stays feasible when reached at `arrival`.
   * `gainsSetup`: the stop at k shared its predecessor's location and now follows another one, so it pays its
   * setup after waiting for its window; latest[k] assumed none, the check moves on to position k + 1.
   */
  canArrive(k: number, arrival: number, gainsSetup: boolean): boolean {
    if (!gainsSetup) return arrival <= this.latest[k]!;
    const p = this.problem;
    const t = this.tasks[k - 1]!;
    const start = earliestStart(p, t, arrival);
    if (start === Infinity) return false;
    const departure = start + p.taskSetup[t]! + p.taskService[t]!;
    return departure + this.durations[this.location[k]! * p.locations + this.location[k + 1]!]! <= this.latest[k + 1]!;
  }

  /**
   * Best insertion of a shipment, pickup first: returns the cost increase and writes the positions to `out`
   * as [pickupBefore, deliveryBefore] in the current list (equal when the delivery directly follows the pickup).
   * `skip` drops candidate positions at random (SISR's blinks); results of `bound` or more may be Infinity.
   */
  bestPairInsertion(pickup: number, delivery: number, out: Int32Array, skip?: () => boolean, bound = Infinity): number {
    const p = this.problem;
    const v = this.vehicle;
    const len = this.tasks.length;
    if (this.closed || len + 2 > p.vehicleMaxTasks[v]!) return Infinity;
    let best = Infinity;
    if (this.exact) {
      // Travel alone bounds the cost from below (and is the cost, with hard windows): simulate the placements
      // cheapest first, only while they could still win.
      const n = p.locations;
      const loc = this.location;
      const costs = this.costs;
      const lp = p.taskLocation[pickup]!;
      const ld = p.taskLocation[delivery]!;
      const fixed = len === 0 ? p.vehicleFixedCost[v]! : 0;
      const floor = this.workingTimeFloor(pickup, delivery);
      const placements: Array<[number, number, number]> = [];
      for (let i = this.lockedPrefix + 1; i <= len + 1; i++)
        for (let j = i; j <= len + 1; j++) {
          const travel =
            fixed +
            (i === j
              ? costs[loc[i - 1]! * n + lp]! + costs[lp * n + ld]! + costs[ld * n + loc[i]!]! - costs[loc[i - 1]! * n + loc[i]!]!
              : costs[loc[i - 1]! * n + lp]! + costs[lp * n + loc[i]!]! - costs[loc[i - 1]! * n + loc[i]!]! +
                costs[loc[j - 1]! * n + ld]! + costs[ld * n + loc[j]!]! - costs[loc[j - 1]! * n + loc[j]!]!);
          if (travel + floor < bound) placements.push([travel + floor, i, j]);
        }
      placements.sort((a, b) => a[0] - b[0]);
      // Travel (plus the working-time floor) is the cost itself only with hard windows and travel costs.
      const firstFeasibleWins = !p.hasSoftWindows && p.routeCost === 'travel';
      for (const [travel, i, j] of placements) {
        if (!(travel < best)) break;
        if (skip?.()) continue;
        const delta = this.exactDelta(pickup, delivery, i, j);
        if (delta < best) {
          best = delta;
          out[0] = i;
          out[1] = j;
          if (firstFeasibleWins) break;
        }
      }
      return best;
    }
    const n = p.locations;
    const dims = p.dimensions;
    const loc = this.location;
    const durations = this.durations;
    const costs = this.costs;
    const lp = p.taskLocation[pickup]!;
    const ld = p.taskLocation[delivery]!;
    const runningMax = this.scratchLoad;
    const limitTravel = p.vehicleMaxTravelTime[v]!;
    const limitDistance = p.vehicleMaxDistance[v]!;
    const fixed = len === 0 ? p.vehicleFixedCost[v]! : 0;

    for (let i = this.lockedPrefix + 1; i <= len + 1; i++) {
      const prev = loc[i - 1]!;
      let loadOk = true;
      for (let d = 0; d < dims; d++) {
        const amount = p.taskLoadChange[pickup * dims + d]!;
        if (this.load[(i - 1) * dims + d]! + amount > p.vehicleCapacity[v * dims + d]!) loadOk = false;
        runningMax[d] = -Infinity;
      }
      if (!loadOk) continue;
      const pickupStart = earliestStart(p, pickup, this.departEarliest[i - 1]! + durations[prev * n + lp]!);
      if (pickupStart === Infinity) continue;
      const pickupDepart = pickupStart + (prev !== lp ? p.taskSetup[pickup]! : 0) + p.taskService[pickup]!;
      const pickupCost = costs[prev * n + lp]!;
      const pickupTravel = durations[prev * n + lp]!;
      const pickupDistance = this.distances[prev * n + lp]!;

      // Walk the delivery forward from right after the pickup, shifting the times of the stops in between.
      let lastLoc = lp;
      let lastDepart = pickupDepart;
      for (let j = i; j <= len + 1; j++) {
        const next = loc[j]!;
        // Delivery between lastLoc and position j.
        const deliveryStart = earliestStart(p, delivery, lastDepart + durations[lastLoc * n + ld]!);
        if (deliveryStart !== Infinity && !(skip?.() ?? false)) {
          const arrivalNext = deliveryStart + (lastLoc !== ld ? p.taskSetup[delivery]! : 0) + p.taskService[delivery]! + durations[ld * n + next]!;
          if (this.canArrive(j, arrivalNext, j <= len && loc[j - 1] === next && ld !== next)) {
            const removedEdge = j === i ? prev * n + next : loc[j - 1]! * n + next;
            const delta =
              (j === i ? pickupCost : pickupCost + costs[lp * n + loc[i]!]! - costs[prev * n + loc[i]!]!) +
              costs[lastLoc * n + ld]! +
              costs[ld * n + next]! -
              (j === i ? costs[prev * n + next]! : costs[removedEdge]!) +
              fixed;
            let ok = delta < best;
            if (ok && limitTravel < Infinity) {
              const travel =
                this.travelDuration +
                (j === i ? pickupTravel : pickupTravel + durations[lp * n + loc[i]!]! - durations[prev * n + loc[i]!]!) +
                durations[lastLoc * n + ld]! +
                durations[ld * n + next]! -
                durations[removedEdge]!;
              ok = travel <= limitTravel;
            }
            if (ok && limitDistance < Infinity) {
              const dist =
                this.distance +
                (j === i ? pickupDistance : pickupDistance + this.distances[lp * n + loc[i]!]! - this.distances[prev * n + loc[i]!]!) +
                this.distances[lastLoc * n + ld]! +
                this.distances[ld * n + next]! -
                this.distances[removedEdge]!;
              ok = dist <= limitDistance;
            }
            if (ok) {
              best = delta;
              out[0] = i;
              out[1] = j;
            }
          }
        }
        if (j > len) break;
        // Move past the stop at position j: its time shifts, and it carries the shipment's amount.
        const t = this.tasks[j - 1]!;
        const arrival = lastDepart + durations[lastLoc * n + next]!;
        const start = earliestStart(p, t, arrival);
        if (start > this.latest[j]!) break;
        let capacityOk = true;
        for (let d = 0; d < dims; d++) {
          const value = this.load[j * dims + d]! + p.taskLoadChange[pickup * dims + d]!;
          if (value > runningMax[d]!) runningMax[d] = value;
          if (runningMax[d]! > p.vehicleCapacity[v * dims + d]!) capacityOk = false;
        }
        if (!capacityOk) break;
        lastDepart = start + (lastLoc !== next ? p.taskSetup[t]! : 0) + p.taskService[t]!;
        lastLoc = next;
      }
    }
    return best;
  }

  /** Cost increase by exact simulation of the candidate route (breaks, soft windows). */
  private exactDelta(first: number, second: number, firstPosition: number, secondPosition: number): number {
    const tasks = this.tasks;
    const len = tasks.length;
    const extra = second >= 0 ? 2 : 1;
    if (len + extra > this.problem.vehicleMaxTasks[this.vehicle]!) return Infinity;
    const candidate = this.scratchTasks;
    let k = 0;
    for (let i = 0; i <= len; i++) {
      if (i === firstPosition - 1) candidate[k++] = first;
      if (second >= 0 && i === secondPosition - 1) candidate[k++] = second;
      if (i < len) candidate[k++] = tasks[i]!;
    }
    const schedule = simulateRoute(this.problem, this.vehicle, candidate, k, false);
    return schedule.feasible ? schedule.cost - this.cost : Infinity;
  }

  insert(t: number, position: number): void {
    this.tasks.splice(position - 1, 0, t);
  }
}
