import type { TimeWindow, VroomViolation } from '../model/vroom';
import { earliestStart, lastWindowEnd, TASK_DELIVERY, TASK_JOB, TASK_PICKUP, windowCloseAt, type Problem, type SolverBreak } from '../model/problem';
import { planReloads } from './reloads';

/**
 * Exact simulation of one vehicle's route: the reference for everything the O(1) move evaluation
 * approximates, and the only evaluator for what it cannot express (breaks, soft windows, plan mode).
 * Walks the route once: travel, waiting, setup, service, breaks, reloads (placed by search/reloads.ts), load, lateness. The van leaves as late as the
 * route allows: the forward pass keeps the waiting so far and each step's slack to its window's close, and the
 * departure moves by the least of the two (Savelsbergh's forward time slack), so no wait a later start would
 * remove is left and the return is no later.
 */

export interface ScheduleStep {
  kind: 'start' | 'task' | 'break' | 'reload' | 'end';
  /** Task index, break index in vehicleBreaks[v], or the trip a reload starts (2, 3, …). */
  index: number;
  location: number;
  arrival: number;
  setup: number;
  service: number;
  waiting: number;
  /** Cumulative travel time and distance on arrival. */
  travelDuration: number;
  distance: number;
  load: number[];
  violations: VroomViolation[];
}

export interface Schedule {
  /** Every hard constraint holds. */
  feasible: boolean;
  /**
   * What the search minimises: fixed + travel cost + lateness cost (soft windows); with route_cost `working_time`
   * also the working time beyond travel (service, breaks, waiting) at the vehicle's per_hour.
   */
  cost: number;
  /** The lateness part of `cost`; VROOM's reported cost is travel and fixed only. */
  latenessCost: number;
  travelDuration: number;
  distance: number;
  setup: number;
  service: number;
  /** Left after the late departure. */
  waiting: number;
  /** The late departure and the return (arrival at the end, or the last stop's departure on an open route). */
  departure: number;
  end: number;
  steps: ScheduleStep[];
  violations: VroomViolation[];
}

/** Working time: departure to return, what a driver is paid for. */
export const workingTime = (schedule: Schedule): number => schedule.end - schedule.departure;

export function windowStart(windows: TimeWindow[], time: number): number {
  for (const [open, close] of windows) if (time <= close) return time > open ? time : open;
  return Infinity;
}

function windowClose(windows: TimeWindow[], start: number): number {
  for (const [, close] of windows) if (start <= close) return close;
  return windows[windows.length - 1]![1];
}

/** One entry per cause; timing durations add up (a route's delay is the sum of its steps', as VROOM reports it). */
export function addViolation(list: VroomViolation[], cause: VroomViolation['cause'], duration?: number): void {
  const known = list.find((v) => v.cause === cause);
  if (!known) list.push(duration === undefined ? { cause } : { cause, duration });
  else if (duration !== undefined) known.duration = (known.duration ?? 0) + duration;
}

/**
 * Simulates tasks[0..length) on vehicle v from the start of its shift, then moves the departure as late as the route
 * allows. With `detail`, fills `steps` and violations (plan mode, output); without it, stops at the first broken hard
 * constraint (search). Without `withBreaks`, the vehicle's breaks are left out: a relaxation (breaks only delay a route).
 */
export function simulateRoute(problem: Problem, v: number, tasks: ArrayLike<number>, length: number, detail: boolean, withBreaks = true): Schedule {
  const dims = problem.dimensions;
  const type = problem.types[problem.vehicleType[v]!]!;
  const n = problem.locations;
  const capacity = problem.vehicleCapacity;
  const breaks: SolverBreak[] = withBreaks ? problem.vehicleBreaks[v]! : [];
  const steps: ScheduleStep[] = [];
  const routeViolations: VroomViolation[] = [];
  const result: Schedule = {
    feasible: true,
    cost: length > 0 ? problem.vehicleFixedCost[v]! : 0,
    latenessCost: 0,
    travelDuration: 0,
    distance: 0,
    setup: 0,
    service: 0,
    waiting: 0,
    departure: problem.vehicleShiftStart[v]!,
    end: problem.vehicleShiftStart[v]!,
    steps,
    violations: routeViolations,
  };
  if (length === 0) return result;

  const reloads = planReloads(problem, v, tasks, length);
  /** The deliveries of the trip that starts before tasks[from]: what the van loads for it. */
  const tripLoad = (from: number): number[] => {
    const amounts = new Array<number>(dims).fill(0);
    for (let i = from; i < length && (i === from || !reloads?.[i]); i++) for (let d = 0; d < dims; d++) amounts[d]! += problem.taskStartLoad[tasks[i]! * dims + d]!;
    return amounts;
  };
  const load = tripLoad(0);
  // What jobs collected on this trip: unloaded at the next reload.
  const collected = new Array<number>(dims).fill(0);
  let trip = 1;
  const overCapacity = (): boolean => {
    for (let d = 0; d < dims; d++) if (load[d]! > capacity[v * dims + d]! + 1e-9) return true;
    return false;
  };
  const fail = (): void => {
    result.feasible = false;
  };

  let time = problem.vehicleShiftStart[v]!;
  // Forward time slack: how far the departure may move (no step past its window's close), bounded by the waiting.
  let waited = 0;
  let slack = Infinity;
  const slackAt = (start: number, wait: number, close: number): void => {
    waited += wait;
    const room = waited + close - start;
    if (room < slack) slack = room;
  };
  let location = problem.vehicleStart[v]!;
  let nextBreak = 0;
  const startViolations: VroomViolation[] = [];
  if (overCapacity()) {
    fail();
    addViolation(startViolations, 'load');
    addViolation(routeViolations, 'load');
  }
  if (detail)
    steps.push({ kind: 'start', index: -1, location, arrival: time, setup: 0, service: 0, waiting: 0, travelDuration: 0, distance: 0, load: [...load], violations: startViolations });
  if (!result.feasible && !detail) return result;

  const overMaxLoad = (brk: SolverBreak): boolean => brk.maxLoad !== undefined && brk.maxLoad.some((max, d) => load[d]! > max);

  const takeBreak = (b: number): void => {
    const brk = breaks[b]!;
    const start = windowStart(brk.windows, time);
    const violations: VroomViolation[] = [];
    let begin = start;
    if (start === Infinity) {
      fail();
      addViolation(routeViolations, 'missing_break');
      addViolation(violations, 'delay', time - brk.windows[brk.windows.length - 1]![1]);
      begin = time;
    }
    if (overMaxLoad(brk)) {
      fail();
      addViolation(violations, 'max_load');
      addViolation(routeViolations, 'max_load');
    }
    result.waiting += begin - time;
    slackAt(begin, begin - time, windowClose(brk.windows, begin));
    result.service += brk.service;
    if (detail)
      steps.push({
        kind: 'break',
        index: b,
        location,
        arrival: time,
        setup: 0,
        service: brk.service,
        waiting: begin - time,
        travelDuration: result.travelDuration,
        distance: result.distance,
        load: [...load],
        violations,
      });
    time = begin + brk.service;
  };

  // Where each break goes: chosen over every position (placeBreaks), taken before leaving for the next stop.
  const plan = breaks.length > 0 ? placeBreaks(problem, v, tasks, length) : undefined;

  for (let i = 0; i < length; i++) {
    if (reloads?.[i]) {
      const place = problem.vehicleReload[v]!;
      const travel = type.durations[location * n + place]!;
      const arrival = time + travel;
      if (!(arrival < Infinity)) {
        fail();
        addViolation(routeViolations, 'delay');
        if (!detail) return result;
      }
      result.travelDuration += travel;
      result.distance += type.distances[location * n + place]!;
      result.cost += type.costs[location * n + place]!;
      const service = problem.vehicleReloadService[v]!;
      result.service += service;
      const next = tripLoad(i);
      for (let d = 0; d < dims; d++) {
        load[d] = load[d]! - collected[d]! + next[d]!;
        collected[d] = 0;
      }
      trip++;
      const violations: VroomViolation[] = [];
      if (overCapacity()) {
        fail();
        addViolation(violations, 'load');
        addViolation(routeViolations, 'load');
        if (!detail) return result;
      }
      if (detail)
        steps.push({ kind: 'reload', index: trip, location: place, arrival, setup: 0, service, waiting: 0, travelDuration: result.travelDuration, distance: result.distance, load: [...load], violations });
      time = arrival + service;
      location = place;
    }
    const t = tasks[i]!;
    const to = problem.taskLocation[t]!;
    const travel = type.durations[location * n + to]!;
    const setup = to !== location ? problem.taskSetup[t]! : 0;
    const service = problem.taskService[t]!;
    while (plan !== undefined && nextBreak < breaks.length && plan[nextBreak] === i) takeBreak(nextBreak++);
    const arrival = time + travel;
    if (!(arrival < Infinity)) {
      fail();
      addViolation(routeViolations, 'delay');
      if (!detail) return result;
    }
    const violations: VroomViolation[] = [];
    let start = earliestStart(problem, t, arrival);
    if (start === Infinity) {
      start = arrival;
      const lateness = arrival - lastWindowEnd(problem, t);
      const latenessCost = problem.taskLatenessCost[t]!;
      if (latenessCost > 0) {
        result.cost += latenessCost * lateness;
        result.latenessCost += latenessCost * lateness;
      }
      else fail();
      addViolation(violations, 'delay', lateness);
    }
    result.travelDuration += travel;
    result.distance += type.distances[location * n + to]!;
    result.cost += type.costs[location * n + to]!;
    result.waiting += start - arrival;
    slackAt(start, start - arrival, windowCloseAt(problem, t, start));
    result.setup += setup;
    result.service += service;
    for (let d = 0; d < dims; d++) load[d]! += problem.taskLoadChange[t * dims + d]!;
    if (problem.taskKind[t] === TASK_JOB) for (let d = 0; d < dims; d++) collected[d]! += problem.taskPickup[t * dims + d]!;
    if (overCapacity()) {
      fail();
      addViolation(violations, 'load');
    }
    if (!problem.allowed[t * problem.vehicleCount + v]) {
      fail();
      addViolation(violations, 'skills');
    }
    const partner = problem.taskPartner[t]!;
    if (partner >= 0) {
      let partnerAt = -1;
      for (let k = 0; k < length; k++) if (tasks[k] === partner) partnerAt = k;
      const kind = problem.taskKind[t];
      if (partnerAt < 0 || (kind === TASK_PICKUP && partnerAt < i) || (kind === TASK_DELIVERY && partnerAt > i)) {
        fail();
        addViolation(violations, 'precedence');
      }
    }
    if (detail)
      steps.push({
        kind: 'task',
        index: t,
        location: to,
        arrival,
        setup,
        service,
        waiting: start - arrival,
        travelDuration: result.travelDuration,
        distance: result.distance,
        load: [...load],
        violations,
      });
    for (const violation of violations) addViolation(routeViolations, violation.cause, violation.duration);
    if (!result.feasible && !detail) return result;
    time = start + setup + service;
    location = to;
  }

  const end = problem.vehicleEnd[v]!;
  const travel = type.durations[location * n + end]!;
  while (nextBreak < breaks.length) takeBreak(nextBreak++);
  const arrival = time + travel;
  result.travelDuration += travel;
  result.distance += type.distances[location * n + end]!;
  result.cost += type.costs[location * n + end]!;
  const endViolations: VroomViolation[] = [];
  const shiftEnd = problem.vehicleShiftEnd[v]!;
  if (!(arrival <= shiftEnd)) {
    fail();
    addViolation(endViolations, 'delay', arrival - shiftEnd);
    addViolation(routeViolations, 'delay', arrival - shiftEnd);
  }
  if (length > problem.vehicleMaxTasks[v]!) {
    fail();
    addViolation(routeViolations, 'max_tasks');
  }
  if (result.travelDuration > problem.vehicleMaxTravelTime[v]! + 1e-9) {
    fail();
    addViolation(routeViolations, 'max_travel_time');
  }
  if (result.distance > problem.vehicleMaxDistance[v]! + 1e-9) {
    fail();
    addViolation(routeViolations, 'max_distance');
  }
  if (detail)
    steps.push({
      kind: 'end',
      index: -1,
      location: end,
      arrival,
      setup: 0,
      service: 0,
      waiting: 0,
      travelDuration: result.travelDuration,
      distance: result.distance,
      load: [...load],
      violations: endViolations,
    });
  const later = Math.min(waited, slack);
  const shift = later > 0 && Number.isFinite(later) ? later : 0;
  result.departure += shift;
  result.end = arrival;
  result.waiting -= shift;
  if (problem.routeCost === 'working_time') result.cost += problem.vehicleCostPerSecond[v]! * (workingTime(result) - result.travelDuration);
  if (detail && shift > 0) leaveLater(steps, shift);
  return result;
}

/** Moves the departure by `shift`: each step's wait absorbs what it can of the delay, the rest goes on. */
function leaveLater(steps: ScheduleStep[], shift: number): void {
  let delay = shift;
  for (const s of steps) {
    s.arrival += delay;
    const absorbed = Math.min(delay, s.waiting);
    s.waiting -= absorbed;
    delay -= absorbed;
  }
}

// Scratch of placeBreaks, grown as routes get longer (the solver runs one search per thread).
let stateTime = new Float64Array(0);
let stateBroken = new Float64Array(0);
let stateLateness = new Float64Array(0);
let stateByBreak = new Uint8Array(0);
let stateLoad = new Float64Array(0);
let placement = new Int32Array(0);

/**
 * Where vehicle v takes its breaks on tasks[0..length): placement[b] = p means break b is taken after the p-th stop
 * (before leaving for stop p + 1; 0 = at the start, length = before the trip to the end). Exact over every position:
 * a dynamic programme over (stops done, breaks taken) keeping the earliest ready time, which dominates (waiting is
 * allowed, so being ready earlier never hurts), after the fewest broken constraints (break or stop windows, a
 * break's max_load, the shift end). With soft windows the lateness cost breaks ties between equal times.
 */
export function placeBreaks(problem: Problem, v: number, tasks: ArrayLike<number>, length: number): Int32Array {
  const breaks = problem.vehicleBreaks[v]!;
  const count = breaks.length;
  const width = count + 1;
  const size = (length + 1) * width;
  if (stateTime.length < size) {
    const grown = Math.max(size, stateTime.length * 2);
    stateTime = new Float64Array(grown);
    stateBroken = new Float64Array(grown);
    stateLateness = new Float64Array(grown);
    stateByBreak = new Uint8Array(grown);
  }
  const dims = problem.dimensions;
  if (stateLoad.length < dims) stateLoad = new Float64Array(dims);
  if (placement.length < count) placement = new Int32Array(Math.max(count, 4));
  const type = problem.types[problem.vehicleType[v]!]!;
  const n = problem.locations;
  const load = stateLoad;
  for (let d = 0; d < dims; d++) load[d] = 0;
  for (let i = 0; i < length; i++) for (let d = 0; d < dims; d++) load[d]! += problem.taskStartLoad[tasks[i]! * dims + d]!;
  let location = problem.vehicleStart[v]!;

  for (let p = 0; p <= length; p++) {
    const row = p * width;
    if (p === 0) {
      stateTime[0] = problem.vehicleShiftStart[v]!;
      stateBroken[0] = 0;
      stateLateness[0] = 0;
      stateByBreak[0] = 0;
    }
    // Serve stop p (task tasks[p - 1]) from each state of position p - 1.
    if (p > 0) {
      const t = tasks[p - 1]!;
      const to = problem.taskLocation[t]!;
      const travel = type.durations[location * n + to]!;
      const busy = (to !== location ? problem.taskSetup[t]! : 0) + problem.taskService[t]!;
      const close = lastWindowEnd(problem, t);
      for (let b = 0; b < width; b++) {
        const from = row - width + b;
        const arrival = stateTime[from]! + travel;
        let start = earliestStart(problem, t, arrival);
        let broken = stateBroken[from]!;
        let lateness = stateLateness[from]!;
        if (!(arrival < Infinity)) broken++;
        if (start === Infinity) {
          start = arrival;
          if (problem.taskLatenessCost[t]! > 0) lateness += problem.taskLatenessCost[t]! * (arrival - close);
          else broken++;
        }
        stateTime[row + b] = start + busy;
        stateBroken[row + b] = broken;
        stateLateness[row + b] = lateness;
        stateByBreak[row + b] = 0;
      }
      for (let d = 0; d < dims; d++) load[d]! += problem.taskLoadChange[t * dims + d]!;
      location = to;
    }
    // Take break b - 1 here, after breaks 0..b-2: better than arriving with b breaks already done?
    for (let b = 1; b < width; b++) {
      const brk = breaks[b - 1]!;
      const from = row + b - 1;
      const ready = stateTime[from]!;
      let begin = windowStart(brk.windows, ready);
      let broken = stateBroken[from]!;
      if (begin === Infinity) {
        begin = ready;
        broken++;
      }
      if (brk.maxLoad !== undefined) for (let d = 0; d < dims; d++) if (load[d]! > brk.maxLoad[d]!) broken++;
      const time = begin + brk.service;
      const lateness = stateLateness[from]!;
      const at = row + b;
      if (p > 0 && !better(broken, time, lateness, stateBroken[at]!, stateTime[at]!, stateLateness[at]!)) continue;
      stateTime[at] = time;
      stateBroken[at] = broken;
      stateLateness[at] = lateness;
      stateByBreak[at] = 1;
    }
  }
  // Walk back from every stop done and every break taken.
  let p = length;
  let b = count;
  while (b > 0) {
    if (stateByBreak[p * width + b]) placement[--b] = p;
    else p--;
  }
  return placement;
}

function better(broken: number, time: number, lateness: number, knownBroken: number, knownTime: number, knownLateness: number): boolean {
  if (broken !== knownBroken) return broken < knownBroken;
  if (time !== knownTime) return time < knownTime;
  return lateness < knownLateness;
}

/**
 * The earliest ready times placeBreaks finds, into `out` (stride breaks + 1): leaving position k (0 = start) with b
 * breaks taken; Infinity where no placement keeps every window so far.
 */
export function breakReadyTimes(problem: Problem, v: number, tasks: ArrayLike<number>, length: number, out: Float64Array): void {
  placeBreaks(problem, v, tasks, length);
  const size = (length + 1) * (problem.vehicleBreaks[v]!.length + 1);
  for (let k = 0; k < size; k++) out[k] = stateBroken[k] === 0 ? stateTime[k]! : Infinity;
}
