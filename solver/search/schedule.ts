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

function windowStart(windows: TimeWindow[], time: number): number {
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
 * constraint (search).
 */
export function simulateRoute(problem: Problem, v: number, tasks: ArrayLike<number>, length: number, detail: boolean): Schedule {
  const dims = problem.dimensions;
  const type = problem.types[problem.vehicleType[v]!]!;
  const n = problem.locations;
  const capacity = problem.vehicleCapacity;
  const breaks: SolverBreak[] = problem.vehicleBreaks[v]!;
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

  // Breaks are taken before leaving for the next stop: when they fit in the wait there, or when after that stop
  // (done at its start + `busy`) they would be too late. A break whose max_load the current load exceeds waits
  // for a later stop as long as its window allows: taken here it would be infeasible.
  const takeDueBreaks = (travel: number, busy: number, nextTaskStart: (departure: number) => number): void => {
    while (nextBreak < breaks.length) {
      const brk = breaks[nextBreak]!;
      const breakStart = windowStart(brk.windows, time);
      if (breakStart === Infinity) {
        takeBreak(nextBreak++);
        continue;
      }
      const nextStart = nextTaskStart(time);
      const fitsInWait = breakStart + brk.service + travel <= nextStart;
      const tooLateAfter = windowStart(brk.windows, nextStart + busy) === Infinity;
      if (!tooLateAfter && (!fitsInWait || overMaxLoad(brk))) return;
      takeBreak(nextBreak++);
    }
  };

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
    if (nextBreak < breaks.length)
      takeDueBreaks(travel, setup + service, (departure) => {
        const start = earliestStart(problem, t, departure + travel);
        return start === Infinity ? departure + travel : start;
      });
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
