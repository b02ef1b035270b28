import { earliestStart, lastWindowEnd, TASK_JOB, type Problem } from '../model/problem';

/**
 * Multi-trip: where a vehicle with a reload place goes back to it, for a fixed order of its tasks. A split over
 * the sequence (Prins's split, with labels for time windows): a label at cut a is a way to serve tasks[0..a) and
 * stand ready at the reload place (or at the start, for a = 0) with its travel cost, the time and the trips so
 * far; each label extends over the next trip a..b while that trip's load fits and its windows hold, then either
 * finishes the route or reloads and becomes a label at cut b. Labels beaten on cost, time and trips are dropped.
 * Capacity holds per trip: at a reload the van unloads what jobs collected and loads the next trip's deliveries;
 * shipments stay aboard. The route's schedule (breaks, the late departure) is then simulated with these reloads.
 */

interface Label {
  cost: number;
  time: number;
  travel: number;
  trips: number;
  cut: number;
  from: Label | undefined;
}

/** Labels kept per cut: enough for the time/cost trade-off of windows, bounded so a long route stays cheap. */
const LABELS_PER_CUT = 6;

/**
 * reload[i] = 1: the vehicle reloads before tasks[i]. Undefined when it makes one trip: no reload place, or every
 * task fits in one load (a reload only adds time and travel then).
 */
export function planReloads(problem: Problem, v: number, tasks: ArrayLike<number>, length: number): Uint8Array | undefined {
  const place = problem.vehicleReload[v]!;
  if (place < 0 || length < 2 || problem.vehicleMaxTrips[v]! < 2) return undefined;
  const dims = problem.dimensions;
  const capacity = problem.vehicleCapacity;
  if (fitsOneTrip(problem, v, tasks, length)) return undefined;

  // Shipment load aboard before task a: crosses reloads unchanged.
  const aboard = new Float64Array((length + 1) * dims);
  for (let i = 0; i < length; i++) {
    const t = tasks[i]!;
    const shipment = problem.taskKind[t] !== TASK_JOB;
    for (let d = 0; d < dims; d++) aboard[(i + 1) * dims + d] = aboard[i * dims + d]! + (shipment ? problem.taskLoadChange[t * dims + d]! : 0);
  }

  const type = problem.types[problem.vehicleType[v]!]!;
  const n = problem.locations;
  const maxTrips = problem.vehicleMaxTrips[v]!;
  const reloadService = problem.vehicleReloadService[v]!;
  const shiftEnd = problem.vehicleShiftEnd[v]!;
  const end = problem.vehicleEnd[v]!;
  const perSecond = problem.routeCost === 'working_time' ? problem.vehicleCostPerSecond[v]! : 0;
  const labels: Label[][] = Array.from({ length }, () => []);
  labels[0]!.push({ cost: 0, time: problem.vehicleShiftStart[v]!, travel: 0, trips: 1, cut: 0, from: undefined });
  const tripStart = new Float64Array(dims);
  const tripRunning = new Float64Array(dims);
  const tripMax = new Float64Array(dims);
  let best: Label | undefined;
  let bestScore = Infinity;

  for (let a = 0; a < length; a++) {
    for (const label of labels[a]!) {
      let location = a === 0 ? problem.vehicleStart[v]! : place;
      let time = label.time;
      let cost = label.cost;
      let travel = label.travel;
      for (let d = 0; d < dims; d++) {
        tripStart[d] = 0;
        tripRunning[d] = aboard[a * dims + d]!;
        tripMax[d] = tripRunning[d]!;
      }
      for (let b = a; b < length; b++) {
        const t = tasks[b]!;
        let fits = true;
        for (let d = 0; d < dims; d++) {
          tripStart[d]! += problem.taskStartLoad[t * dims + d]!;
          tripRunning[d]! += problem.taskLoadChange[t * dims + d]!;
          if (tripRunning[d]! > tripMax[d]!) tripMax[d] = tripRunning[d]!;
          if (tripStart[d]! + tripMax[d]! > capacity[v * dims + d]! + 1e-9) fits = false;
        }
        if (!fits) break; // a longer trip only carries more
        const to = problem.taskLocation[t]!;
        const edge = location * n + to;
        const arrival = time + type.durations[edge]!;
        if (!(arrival < Infinity)) break;
        let start = earliestStart(problem, t, arrival);
        if (start === Infinity) {
          if (!(problem.taskLatenessCost[t]! > 0)) break; // later trips only start later
          start = arrival;
          cost += problem.taskLatenessCost[t]! * (arrival - lastWindowEnd(problem, t));
        }
        travel += type.durations[edge]!;
        cost += type.costs[edge]!;
        time = start + (to !== location ? problem.taskSetup[t]! : 0) + problem.taskService[t]!;
        location = to;
        if (b === length - 1) {
          const back = location * n + end;
          const returned = time + type.durations[back]!;
          if (!(returned <= shiftEnd)) break;
          const finalTravel = travel + type.durations[back]!;
          const score = cost + type.costs[back]! + perSecond * (returned - problem.vehicleShiftStart[v]! - finalTravel);
          if (score < bestScore) {
            bestScore = score;
            best = { cost: score, time: returned, travel: finalTravel, trips: label.trips, cut: length, from: label };
          }
          break;
        }
        if (label.trips < maxTrips) {
          const toPlace = location * n + place;
          offer(labels[b + 1]!, {
            cost: cost + type.costs[toPlace]!,
            time: time + type.durations[toPlace]! + reloadService,
            travel: travel + type.durations[toPlace]!,
            trips: label.trips + 1,
            cut: b + 1,
            from: label,
          });
        }
      }
    }
  }

  const reload = new Uint8Array(length);
  if (best) {
    for (let label: Label | undefined = best.from; label && label.cut > 0; label = label.from) reload[label.cut] = 1;
    return reload;
  }
  // Nothing holds every window: reload when the load would overflow, so the schedule reports what breaks.
  let trips = 1;
  for (let d = 0; d < dims; d++) {
    tripStart[d] = 0;
    tripRunning[d] = 0;
    tripMax[d] = 0;
  }
  for (let b = 0; b < length; b++) {
    const t = tasks[b]!;
    let fits = true;
    for (let d = 0; d < dims; d++) {
      const running = tripRunning[d]! + problem.taskLoadChange[t * dims + d]!;
      if (tripStart[d]! + problem.taskStartLoad[t * dims + d]! + Math.max(tripMax[d]!, running) > capacity[v * dims + d]! + 1e-9) fits = false;
    }
    if (!fits && b > 0 && trips < maxTrips) {
      reload[b] = 1;
      trips++;
      for (let d = 0; d < dims; d++) {
        tripStart[d] = 0;
        tripRunning[d] = aboard[b * dims + d]!;
        tripMax[d] = tripRunning[d]!;
      }
    }
    for (let d = 0; d < dims; d++) {
      tripStart[d]! += problem.taskStartLoad[t * dims + d]!;
      tripRunning[d]! += problem.taskLoadChange[t * dims + d]!;
      if (tripRunning[d]! > tripMax[d]!) tripMax[d] = tripRunning[d]!;
    }
  }
  return reload;
}

function fitsOneTrip(problem: Problem, v: number, tasks: ArrayLike<number>, length: number): boolean {
  const dims = problem.dimensions;
  for (let d = 0; d < dims; d++) {
    let load = 0;
    for (let i = 0; i < length; i++) load += problem.taskStartLoad[tasks[i]! * dims + d]!;
    let max = load;
    for (let i = 0; i < length; i++) {
      load += problem.taskLoadChange[tasks[i]! * dims + d]!;
      if (load > max) max = load;
    }
    if (max > problem.vehicleCapacity[v * dims + d]! + 1e-9) return false;
  }
  return true;
}

/** Adds the label unless one at the same cut is as good on cost, time and trips; drops those it beats. */
function offer(list: Label[], label: Label): void {
  for (const other of list) if (other.cost <= label.cost && other.time <= label.time && other.trips <= label.trips) return;
  for (let i = list.length - 1; i >= 0; i--) {
    const other = list[i]!;
    if (label.cost <= other.cost && label.time <= other.time && label.trips <= other.trips) list.splice(i, 1);
  }
  list.push(label);
  if (list.length > LABELS_PER_CUT) {
    list.sort((x, y) => x.cost - y.cost);
    list.length = LABELS_PER_CUT;
  }
}
