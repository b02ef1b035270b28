/**
 * Test fixtures for the checker: SINTEF best-known-solution files, and a plain scheduler that turns step
 * sequences into a VROOM solution (earliest arrival, wait when early, setup when the location changes).
 * It reports what a sequence does, feasible or not, so the checker has something to judge.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VroomProblem, VroomRoute, VroomSolution, VroomStep, VroomStepType } from '../../solver/model/vroom';

export const HOMBERGER_DIR = join(import.meta.dirname, '../../data/benchmarks/homberger-200');
export const SOLOMON_DIR = join(import.meta.dirname, '../../data/benchmarks/solomon');

export interface BksSolution {
  instance: string;
  vehicles: number;
  distance: number;
  /** Customer numbers per route, depot excluded. */
  routes: number[][];
}

/** `C1_2_1.20_2704.5678.txt`: "Route k : c1 c2 …" lines, depot implicit at both ends. */
export function readBksSolutions(): BksSolution[] {
  const dir = join(HOMBERGER_DIR, 'bks-solutions');
  return readdirSync(dir)
    .sort()
    .map((file) => {
      const match = /^(.+)\.(\d+)_([\d.]+)\.txt$/.exec(file);
      if (!match) throw new Error(`unexpected BKS file name ${file}`);
      const routes = readFileSync(join(dir, file), 'utf8')
        .split(/\r?\n/)
        .filter((line) => /^Route\s+\d+\s*:/.test(line))
        .map((line) => line.split(':')[1]!.trim().split(/\s+/).filter(Boolean).map(Number));
      return { instance: match[1]!, vehicles: Number(match[2]), distance: Number(match[3]), routes };
    });
}

export type PlannedStep = { type: Exclude<VroomStepType, 'start' | 'end'>; id: number };

/** Routes as vehicle id → task steps; start/end steps are added where the vehicle has those locations. */
export function scheduleSolution(problem: VroomProblem, routes: Map<number, PlannedStep[]>, unassigned: VroomSolution['unassigned'] = []): VroomSolution {
  const solutionRoutes: VroomRoute[] = [];
  for (const [vehicleId, planned] of routes) {
    const vehicle = problem.vehicles.find((candidate) => candidate.id === vehicleId)!;
    const matrix = problem.matrices![vehicle.profile ?? 'car']!;
    const task = (step: PlannedStep) => {
      if (step.type === 'job') {
        const job = problem.jobs!.find((candidate) => candidate.id === step.id)!;
        return { location: job.location_index, setup: job.setup ?? 0, service: job.service ?? 0, windows: job.time_windows, delta: sub(job.pickup, job.delivery), start: job.delivery ?? [], priority: job.priority ?? 0 };
      }
      if (step.type === 'break') {
        const rest = vehicle.breaks!.find((candidate) => candidate.id === step.id)!;
        return { location: undefined, setup: 0, service: rest.service ?? 0, windows: rest.time_windows, delta: [], start: [], priority: 0 };
      }
      const shipment = problem.shipments!.find((candidate) => candidate[step.type as 'pickup' | 'delivery'].id === step.id)!;
      const place = shipment[step.type as 'pickup' | 'delivery'];
      const amount = shipment.amount ?? [];
      return {
        location: place.location_index,
        setup: place.setup ?? 0,
        service: place.service ?? 0,
        windows: place.time_windows,
        delta: step.type === 'pickup' ? amount : amount.map((value) => -value),
        start: [],
        priority: step.type === 'pickup' ? (shipment.priority ?? 0) : 0,
      };
    };
    const tasks = planned.map(task);
    const dimensions = vehicle.capacity?.length ?? 0;
    const load = Array.from({ length: dimensions }, (_, dimension) => tasks.reduce((sum, item) => sum + (item.start[dimension] ?? 0), 0));

    const steps: VroomStep[] = [];
    let time = vehicle.time_window?.[0] ?? 0;
    let location = vehicle.start_index;
    let travelSeconds = 0;
    let travelMeters = 0;
    let service = 0;
    let setup = 0;
    let waiting = 0;
    let priority = 0;
    const push = (type: VroomStepType, id: number | undefined, at: number | undefined, item?: ReturnType<typeof task>) => {
      const to = at ?? location;
      if (location !== undefined && to !== undefined) {
        travelSeconds += matrix.durations![location]![to]!;
        time += matrix.durations![location]![to]!;
        travelMeters += matrix.distances?.[location]?.[to] ?? 0;
      }
      const windowStart = item?.windows?.find(([, end]) => end >= time)?.[0] ?? time;
      const waitingSeconds = Math.max(0, windowStart - time);
      const stepSetup = item && (to !== location || steps.length === 0) ? item.setup : 0;
      item?.delta.forEach((change, dimension) => (load[dimension]! += change));
      steps.push({
        type,
        ...(id === undefined ? {} : { id }),
        ...(to === undefined ? {} : { location_index: to }),
        arrival: time,
        duration: travelSeconds,
        setup: stepSetup,
        service: item?.service ?? 0,
        waiting_time: waitingSeconds,
        load: [...load],
        distance: travelMeters,
        violations: [],
      });
      time += waitingSeconds + stepSetup + (item?.service ?? 0);
      waiting += waitingSeconds;
      setup += stepSetup;
      service += item?.service ?? 0;
      priority += item?.priority ?? 0;
      location = to;
    };
    if (vehicle.start_index !== undefined) push('start', undefined, vehicle.start_index);
    planned.forEach((step, index) => push(step.type, step.id, tasks[index]!.location, tasks[index]));
    if (vehicle.end_index !== undefined) push('end', undefined, vehicle.end_index);

    const costs = vehicle.costs ?? {};
    solutionRoutes.push({
      vehicle: vehicle.id,
      steps,
      cost: (costs.fixed ?? 0) + ((costs.per_hour ?? 3600) * travelSeconds) / 3600 + ((costs.per_km ?? 0) * travelMeters) / 1000,
      setup,
      service,
      duration: travelSeconds,
      waiting_time: waiting,
      priority,
      delivery: [],
      pickup: [],
      distance: travelMeters,
      violations: [],
    });
  }
  const total = (pick: (route: VroomRoute) => number) => solutionRoutes.reduce((sum, route) => sum + pick(route), 0);
  return {
    code: 0,
    summary: {
      cost: total((route) => route.cost),
      routes: solutionRoutes.length,
      unassigned: unassigned.length,
      setup: total((route) => route.setup),
      service: total((route) => route.service),
      duration: total((route) => route.duration),
      waiting_time: total((route) => route.waiting_time),
      priority: total((route) => route.priority),
      delivery: [],
      pickup: [],
      distance: total((route) => route.distance ?? 0),
      violations: [],
    },
    unassigned,
    routes: solutionRoutes,
  };
}

/** Customer-number routes (Solomon convention: job id = customer number) on vehicles 1, 2, … */
export function scheduleJobRoutes(problem: VroomProblem, routes: number[][]): VroomSolution {
  return scheduleSolution(problem, new Map(routes.map((route, index) => [index + 1, route.map((id) => ({ type: 'job' as const, id }))])));
}

function sub(plus: number[] = [], minus: number[] = []): number[] {
  return Array.from({ length: Math.max(plus.length, minus.length) }, (_, dimension) => (plus[dimension] ?? 0) - (minus[dimension] ?? 0));
}
