/**
 * A VROOM solution read back as a plan: routes with their stops in order (planned times, waiting, load after
 * each stop, distance and time from the route start), totals, road geometry, and the unassigned orders with why.
 */
import type { RoutingProvider } from '../routing/provider';
import type { UnassignedReason, VroomRoute, VroomSolution } from '../../solver/index';
import { amountsFromVroom, type PlanningProblem } from './planning-problem';
import type { Amounts } from '../domain/model/amounts';
import type { LonLat, LineString } from '../domain/model/geometry';
import type { PlanTotals } from '../domain/model/plan';
import type { PlannedBreak, PlannedReload } from '../domain/model/route';

export interface PlannedStop {
  orderId: string;
  /** 1-based position in the route. */
  sequence: number;
  location: LonLat;
  arrivalEpochSeconds: number;
  waitingSeconds: number;
  serviceStartEpochSeconds: number;
  departureEpochSeconds: number;
  /** What is still on board after this stop. */
  loadAfter: Amounts;
  distanceFromStartMeters: number;
  /** Travel time only, from the route start. */
  drivingFromStartSeconds: number;
}

export interface PlannedRoute {
  vehicleId: string;
  startLocation: LonLat;
  endLocation: LonLat;
  departureEpochSeconds: number;
  arrivalEpochSeconds: number;
  stops: PlannedStop[];
  breaks: PlannedBreak[];
  reloads: PlannedReload[];
  /** Loaded at the start: what the first trip delivers (everything, without reloads). */
  initialLoad: Amounts;
  distanceMeters: number;
  drivingSeconds: number;
  serviceSeconds: number;
  waitingSeconds: number;
  cost: number;
  geometry: LineString;
}

export interface UnassignedOrder {
  orderId: string;
  location: LonLat;
  /** `unroutable`: no road reaches the order (too far from any, or cut off from the vans). */
  reason: Exclude<UnassignedReason, 'unreachable'> | 'unroutable';
  /** With `unroutable`: metres from the order to the nearest road (null: none within reach of the search). */
  distanceToRoadMeters?: number | null;
}

export interface Plan {
  depotId: string;
  timeZone: string;
  routes: PlannedRoute[];
  unassigned: UnassignedOrder[];
  totals: PlanTotals;
}

/** `roadGeometry: false`: routes drawn as straight lines between their places, for answers that draw nothing. */
export async function buildPlan(problem: PlanningProblem, solution: VroomSolution, routing: RoutingProvider, { roadGeometry: onRoads = true } = {}): Promise<Plan> {
  const routes = await Promise.all(solution.routes.map((route) => plannedRoute(problem, route, onRoads ? routing : null)));
  const sum = (pick: (route: PlannedRoute) => number) => routes.reduce((total, route) => total + pick(route), 0);
  return {
    depotId: problem.input.depot.id,
    timeZone: problem.input.depot.timeZone,
    routes,
    unassigned: [
      ...solution.unassigned.map((task): UnassignedOrder => {
        const orderId = problem.orderIds[task.id - 1]!;
        const location = problem.input.orders[task.id - 1]!.location;
        if (task.reason !== 'unreachable') return { orderId, location, reason: task.reason };
        // Snapped, but in a part of the road graph the vans cannot reach: how far the snap moved it says the rest.
        const job = problem.vroom.jobs![task.id - 1]!;
        return { orderId, location, reason: 'unroutable', distanceToRoadMeters: Math.round(problem.snapMeters[job.location_index!] ?? 0) };
      }),
      ...problem.unroutable.map(({ orderId, location, distanceToRoadMeters }) => ({ orderId, location, reason: 'unroutable' as const, distanceToRoadMeters })),
    ],
    totals: {
      routes: routes.length,
      stops: sum((route) => route.stops.length),
      unassigned: solution.unassigned.length + problem.unroutable.length,
      distanceMeters: sum((route) => route.distanceMeters),
      drivingSeconds: sum((route) => route.drivingSeconds),
      serviceSeconds: sum((route) => route.serviceSeconds),
      waitingSeconds: sum((route) => route.waitingSeconds),
      paidSeconds: sum((route) => route.arrivalEpochSeconds - route.departureEpochSeconds),
      cost: solution.summary.cost,
    },
  };
}

async function plannedRoute(problem: PlanningProblem, route: VroomRoute, routing: RoutingProvider | null): Promise<PlannedRoute> {
  const location = (index: number | undefined) => problem.locations[index!]!;
  const steps = route.steps;
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  const stops: PlannedStop[] = [];
  const breaks: PlannedBreak[] = [];
  const reloads: PlannedReload[] = [];
  for (const step of steps) {
    const serviceStart = step.arrival + step.waiting_time;
    if (step.type === 'reload') {
      reloads.push({ afterSequence: stops.length, location: location(step.location_index), arrivalEpochSeconds: step.arrival, durationSeconds: step.service, load: amountsFromVroom(step.load) });
    } else if (step.type === 'break') {
      breaks.push({ breakId: problem.breakIds[step.id! - 1]!, startEpochSeconds: serviceStart, durationSeconds: step.service });
    } else if (step.type === 'job') {
      stops.push({
        orderId: problem.orderIds[step.id! - 1]!,
        sequence: stops.length + 1,
        location: location(step.location_index),
        arrivalEpochSeconds: step.arrival,
        waitingSeconds: step.waiting_time,
        serviceStartEpochSeconds: serviceStart,
        departureEpochSeconds: serviceStart + step.setup + step.service,
        loadAfter: amountsFromVroom(step.load),
        distanceFromStartMeters: step.distance ?? 0,
        drivingFromStartSeconds: step.duration,
      });
    }
  }
  // Breaks are taken where the vehicle is; an open route (no end) finishes at its last stop.
  const path: LonLat[] = [];
  for (const step of steps) {
    if (step.type === 'break' || step.location_index === undefined) continue;
    const point = location(step.location_index);
    if (path.length === 0 || path[path.length - 1] !== point) path.push(point);
  }
  const geometry = path.length < 2 ? { type: 'LineString' as const, coordinates: [path[0]!, path[0]!] } : routing ? await roadGeometry(routing, path) : { type: 'LineString' as const, coordinates: path };
  return {
    vehicleId: problem.vehicleIds[route.vehicle - 1]!,
    startLocation: location(first.location_index),
    endLocation: location(last.location_index),
    departureEpochSeconds: first.arrival + first.waiting_time,
    arrivalEpochSeconds: last.arrival,
    stops,
    breaks,
    reloads,
    initialLoad: amountsFromVroom(first.load),
    distanceMeters: route.distance ?? 0,
    drivingSeconds: route.duration,
    serviceSeconds: route.service + route.setup,
    waitingSeconds: route.waiting_time,
    cost: route.cost,
    geometry,
  };
}

async function roadGeometry(routing: RoutingProvider, path: LonLat[]): Promise<LineString> {
  const { route } = await routing.route({ coordinates: path, overview: 'full' });
  return route.geometry ?? { type: 'LineString', coordinates: path };
}
