import { earliestStart, latestStart, TASK_DELIVERY, TASK_JOB, TASK_PICKUP, type Matrix, type Problem, type SolverBreak } from '../model/problem';
import { breakReadyTimes, simulateRoute, windowStart, workingTime } from './schedule';

/**
 * The mutable side of the solver: one vehicle's route with cached forward/backward data per position
 * (position 0 = start, 1..length = tasks, length + 1 = end), so inserting a task anywhere is checked in O(1):
 * earliest departure going forward, latest feasible start coming back (Savelsbergh's slack), load with
 * prefix and suffix maxima. A vehicle's breaks are cached too (`breakCached`): per position and breaks taken,
 * the earliest ready time (the simulation's own placement) and the latest arrival that keeps the rest feasible, so
 * a stop, a shipment or another route's tail goes in with O(breaks) checks. Soft windows, costs that count waiting
 * (working time, balance), breaks with a max_load and vehicles that reload (multi-trip: capacity holds per trip)
 * fall back to the exact simulation.
 */
export class SearchRoute {
  tasks: number[] = [];
  /** Tasks at positions 1..lockedPrefix are done or in progress: nothing may be inserted before them or moved. */
  lockedPrefix = 0;
  readonly exact: boolean;
  /** The vehicle may reload (multi-trip): capacity holds per trip, which only the exact simulation knows. */
  readonly reloads: boolean;
  /** The vehicle takes breaks, and the break caches below decide feasibility (hard windows, travel costs). */
  readonly breakCached: boolean;
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
  /** Shipments picked up at positions 1..k and delivered after k: a route may be cut after k only when 0. */
  openPairs: Int32Array = new Int32Array(0);
  /** Travel time and distance from the start to position k. */
  travelBefore: Float64Array = new Float64Array(0);
  distanceBefore: Float64Array = new Float64Array(0);
  /** breakCached only, stride breaks + 1: earliest time ready to leave position k with b breaks taken (Infinity: cannot). */
  breakReady: Float64Array = new Float64Array(0);
  /** breakCached only, stride breaks + 1: latest arrival at position k, b breaks taken before, keeping the rest feasible. */
  breakArrival: Float64Array = new Float64Array(0);
  private readonly breakCount: number;
  private readonly stateA: Float64Array;
  private readonly stateB: Float64Array;
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
    const breaks = problem.vehicleBreaks[vehicle]!;
    this.breakCount = breaks.length;
    const waitingCounts = problem.hasSoftWindows || problem.routeCost === 'working_time' || problem.minimize === 'balance';
    this.breakCached = breaks.length > 0 && !waitingCounts && !this.reloads && breaks.every((brk) => brk.maxLoad === undefined);
    this.exact = waitingCounts || this.reloads || (breaks.length > 0 && !this.breakCached);
    this.stateA = new Float64Array(breaks.length + 1);
    this.stateB = new Float64Array(breaks.length + 1);
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
    this.openPairs = new Int32Array(size);
    this.travelBefore = new Float64Array(size);
    this.distanceBefore = new Float64Array(size);
    this.scratchTasks = new Int32Array(size + 2);
    if (this.breakCached) {
      this.breakReady = new Float64Array(size * (this.breakCount + 1));
      this.breakArrival = new Float64Array(size * (this.breakCount + 1));
    }
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
    this.openPairs[0] = 0;
    for (let k = 1; k <= len + 1; k++) {
      const kind = k <= len ? p.taskKind[tasks[k - 1]!] : TASK_JOB;
      this.openPairs[k] = this.openPairs[k - 1]! + (kind === TASK_PICKUP ? 1 : kind === TASK_DELIVERY ? -1 : 0);
    }

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
    if (this.breakCached) this.feasible = this.updateBreaks() && this.feasible;
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
    const gainsSetup = position <= len && prev === next && here !== next;
    if (!this.canArrive(position, arrivalNext, gainsSetup)) return Infinity;
    if (this.breakCached) {
      const state = this.stateA;
      this.readyAt(position - 1, state);
      this.serve(state, t, prev);
      if (!this.reaches(state, here, position, gainsSetup)) return Infinity;
    }

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
    if (!this.exact) {
      const delta = this.pairWalk(pickup, delivery, out, skip, bound, undefined);
      return delta < bound ? delta : Infinity;
    }
    // Exact routes: candidates cheapest first, each simulated only while it could still win. With hard windows
    // the walk over the break-free caches picks them (breaks only delay a route: its checks are necessary);
    // with soft windows every placement is a candidate, priced by its travel (lateness only adds to it).
    const floor = this.workingTimeFloor(pickup, delivery);
    const placements: Array<[number, number, number]> = [];
    if (!p.hasSoftWindows) this.pairWalk(pickup, delivery, out, skip, bound - floor, placements);
    else {
      const n = p.locations;
      const loc = this.location;
      const costs = this.costs;
      const lp = p.taskLocation[pickup]!;
      const ld = p.taskLocation[delivery]!;
      const fixed = len === 0 ? p.vehicleFixedCost[v]! : 0;
      for (let i = this.lockedPrefix + 1; i <= len + 1; i++)
        for (let j = i; j <= len + 1; j++) {
          const travel =
            fixed +
            (i === j
              ? costs[loc[i - 1]! * n + lp]! + costs[lp * n + ld]! + costs[ld * n + loc[i]!]! - costs[loc[i - 1]! * n + loc[i]!]!
              : costs[loc[i - 1]! * n + lp]! + costs[lp * n + loc[i]!]! - costs[loc[i - 1]! * n + loc[i]!]! +
                costs[loc[j - 1]! * n + ld]! + costs[ld * n + loc[j]!]! - costs[loc[j - 1]! * n + loc[j]!]!);
          if (travel + floor < bound && !skip?.()) placements.push([travel, i, j]);
        }
    }
    placements.sort((a, b) => a[0] - b[0]);
    // Travel (plus the working-time floor) is the cost itself only with hard windows and travel costs.
    const firstFeasibleWins = !p.hasSoftWindows && p.routeCost === 'travel';
    let best = Infinity;
    for (const [travel, i, j] of placements) {
      if (!(travel + floor < best)) break;
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

  /**
   * The pickup-then-delivery walk over the caches: every placement checked in O(dimensions). Returns the cheapest
   * and its positions in `out`; with `placements`, collects every feasible one below `bound` there instead.
   */
  private pairWalk(pickup: number, delivery: number, out: Int32Array, skip: (() => boolean) | undefined, bound: number, placements: Array<[number, number, number]> | undefined): number {
    const p = this.problem;
    const v = this.vehicle;
    const len = this.tasks.length;
    let best = bound;
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
      // Break states after the pickup and the stops up to position `walked`, brought forward only when a
      // placement passes every other check (most never do).
      const walk = this.stateA;
      let walked = -1;
      let walkedLoc = lp;

      // Walk the delivery forward from right after the pickup, shifting the times of the stops in between.
      let lastLoc = lp;
      let lastDepart = pickupDepart;
      for (let j = i; j <= len + 1; j++) {
        const next = loc[j]!;
        // Delivery between lastLoc and position j.
        const removedEdge = j === i ? prev * n + next : loc[j - 1]! * n + next;
        const delta =
          (j === i ? pickupCost : pickupCost + costs[lp * n + loc[i]!]! - costs[prev * n + loc[i]!]!) +
          costs[lastLoc * n + ld]! +
          costs[ld * n + next]! -
          (j === i ? costs[prev * n + next]! : costs[removedEdge]!) +
          fixed;
        // The cost first: it rules out most placements without a look at the windows.
        const deliveryStart = delta < best ? earliestStart(p, delivery, lastDepart + durations[lastLoc * n + ld]!) : Infinity;
        if (deliveryStart !== Infinity && !(skip?.() ?? false)) {
          const arrivalNext = deliveryStart + (lastLoc !== ld ? p.taskSetup[delivery]! : 0) + p.taskService[delivery]! + durations[ld * n + next]!;
          const gainsSetup = j <= len && loc[j - 1] === next && ld !== next;
          if (this.canArrive(j, arrivalNext, gainsSetup)) {
            let ok = true;
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
            if (ok && this.breakCached) {
              if (walked < 0) {
                this.readyAt(i - 1, walk);
                this.serve(walk, pickup, prev);
                walked = i - 1;
              }
              for (; walked < j - 1; walked++) {
                this.serve(walk, this.tasks[walked]!, walkedLoc);
                walkedLoc = loc[walked + 1]!;
              }
              const state = this.stateB;
              state.set(walk);
              this.serve(state, delivery, lastLoc);
              ok = this.reaches(state, ld, j, gainsSetup);
            }
            if (ok && placements) placements.push([delta, i, j]);
            else if (ok) {
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

  /** Fills breakReady and breakArrival from the task list; whether the route with its breaks keeps its shift. */
  private updateBreaks(): boolean {
    const p = this.problem;
    const v = this.vehicle;
    const len = this.tasks.length;
    const width = this.breakCount + 1;
    const breaks = p.vehicleBreaks[v]!;
    const loc = this.location;
    const n = p.locations;
    const durations = this.durations;
    const arrival = this.breakArrival;
    breakReadyTimes(p, v, this.tasks, len, this.breakReady);
    for (let b = 0; b < width; b++) arrival[(len + 1) * width + b] = b === width - 1 ? p.vehicleShiftEnd[v]! : -Infinity;
    // Backwards: the latest time ready at position k (before its breaks) that keeps the rest feasible, by breaks taken.
    const latest = this.stateB;
    for (let k = len; k >= 0; k--) {
      const travel = durations[loc[k]! * n + loc[k + 1]!]!;
      for (let b = width - 1; b >= 0; b--) {
        let value = arrival[(k + 1) * width + b]! - travel;
        if (b < width - 1) {
          const viaBreak = latestBreakStart(breaks[b]!, latest[b + 1]!);
          if (viaBreak > value) value = viaBreak;
        }
        latest[b] = value;
      }
      if (k === 0) break;
      const t = this.tasks[k - 1]!;
      const busy = (loc[k - 1] !== loc[k] ? p.taskSetup[t]! : 0) + p.taskService[t]!;
      for (let b = 0; b < width; b++) arrival[k * width + b] = latestStart(p, t, latest[b]! - busy);
    }
    return len === 0 || this.breakReady[len * width + width - 1]! + durations[loc[len]! * n + loc[len + 1]!]! <= p.vehicleShiftEnd[v]!;
  }

  /** The break states (earliest ready time by breaks taken) on leaving position k of this route. */
  readyAt(k: number, state: Float64Array): void {
    const width = this.breakCount + 1;
    for (let b = 0; b < width; b++) state[b] = this.breakReady[k * width + b]!;
  }

  /** Moves the break states through task t reached from location `from`, then through breaks taken right after it. */
  serve(state: Float64Array, t: number, from: number): void {
    const p = this.problem;
    const here = p.taskLocation[t]!;
    const travel = this.durations[from * p.locations + here]!;
    const busy = (from !== here ? p.taskSetup[t]! : 0) + p.taskService[t]!;
    const width = this.breakCount + 1;
    for (let b = 0; b < width; b++) state[b] = earliestStart(p, t, state[b]! + travel) + busy;
    const breaks = p.vehicleBreaks[this.vehicle]!;
    for (let b = 1; b < width; b++) {
      const brk = breaks[b - 1]!;
      const done = windowStart(brk.windows, state[b - 1]!) + brk.service;
      if (done < state[b]!) state[b] = done;
    }
  }

  /**
   * Whether a break state, leaving location `from`, reaches position k of this route in time for the rest of it.
   * `gainsSetup` as for canArrive: the stop at k then pays its setup, and the check moves on past it.
   */
  reaches(state: Float64Array, from: number, k: number, gainsSetup: boolean): boolean {
    if (gainsSetup) {
      this.serve(state, this.tasks[k - 1]!, from);
      from = this.location[k]!;
      k++;
    }
    const width = this.breakCount + 1;
    const travel = this.durations[from * this.problem.locations + this.location[k]!]!;
    for (let b = 0; b < width; b++) if (state[b]! + travel <= this.breakArrival[k * width + b]!) return true;
    return false;
  }

  insert(t: number, position: number): void {
    this.tasks.splice(position - 1, 0, t);
  }
}

/** Latest time to be ready for the break that still ends by `limit`, -Infinity when none does. */
function latestBreakStart(brk: SolverBreak, limit: number): number {
  const windows = brk.windows;
  for (let w = windows.length - 1; w >= 0; w--) {
    const [open, close] = windows[w]!;
    if (open + brk.service <= limit) return Math.min(close, limit - brk.service);
  }
  return -Infinity;
}
