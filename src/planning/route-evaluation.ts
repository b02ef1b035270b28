/**
 * Routes as the dispatcher fixed them, evaluated by the solver's plan mode: the stops stay in the given order
 * (locked ones marked locked), and the answer is every stop's arrival, departure, load and violations.
 * Only the routes passed in are evaluated, over a matrix of their own places, so an edit costs in proportion
 * to the routes it touches, not to the day.
 */
import { solve, type VroomSolution, type VroomViolation } from '../../solver/index';
import type { RoutingProvider } from '../routing/provider';
import { buildPlan, type PlannedRoute, type UnassignedOrder } from '../solving/plan-result';
import { buildPlanningProblem, type PlanningProblem } from '../solving/planning-problem';
import { planningInput, planningVehicle, type LiveStart } from './planning-input';
import type { Depot, Vehicle } from '../domain/model/fleet';
import type { Order } from '../domain/model/order';
import { emptyRouteDraft, type RouteDraft, type RouteStatus, type StopRecord } from '../domain/model/route';

/** Stop fields that live tracking owns: carried over unchanged when a route is recomputed. */
export type LiveStopFields = Pick<StopRecord, 'status' | 'dispatchedEtaEpoch' | 'liveEtaEpoch' | 'actualArrivalEpoch' | 'completedAtEpoch'>;

export interface SequencedStop {
  order: Order;
  locked: boolean;
  live?: LiveStopFields;
}

export interface RouteSequence {
  vehicle: Vehicle;
  stops: SequencedStop[];
  status: RouteStatus;
  driverId: number | null;
  /** A live route continues from here instead of the start depot at shift start. */
  liveStart?: LiveStart;
}

export interface PlanContext {
  depot: Depot;
  date: string;
  depotsById: Map<number, Depot>;
  routing: RoutingProvider;
}

const pendingFields: LiveStopFields = { status: 'pending', dispatchedEtaEpoch: null, liveEtaEpoch: null, actualArrivalEpoch: null, completedAtEpoch: null };

export interface EvaluatedRoutes {
  /** One per sequence, in the order given. */
  routes: RouteDraft[];
  /** The `unplanned` orders with the solver's reason why they are in no route. */
  unassigned: { orderId: number; reason: UnassignedOrder['reason'] }[];
}

export interface EvaluationOptions {
  /** false: straight lines between the places, for an answer nobody draws. */
  roadGeometry?: boolean;
  /** The orders and vehicles were read from the database (checked on the way in): the solver skips its validation pass. */
  validated?: boolean;
}

/**
 * Evaluates the sequences as given; `unplanned` orders are in no route and come back with the solver's reason.
 */
export async function evaluateRoutes(context: PlanContext, sequences: RouteSequence[], unplanned: Order[] = [], options: EvaluationOptions = {}): Promise<EvaluatedRoutes> {
  const withStops = sequences.filter((sequence) => sequence.stops.length > 0 || unplanned.length > 0);
  // Nothing to solve (every route emptied): the solver refuses a problem without vehicles.
  if (withStops.length === 0) return { routes: sequences.map((sequence) => emptyRoute(context, sequence)), unassigned: [] };
  const orders = [...withStops.flatMap((sequence) => sequence.stops.map((stop) => stop.order)), ...unplanned];
  const liveStarts = new Map(withStops.flatMap((sequence) => (sequence.liveStart ? [[sequence.vehicle.id, sequence.liveStart] as const] : [])));
  const input = planningInput(context.depot, context.date, withStops.map((sequence) => sequence.vehicle), orders, context.depotsById, liveStarts);
  const problem = await buildPlanningProblem(input, context.routing);
  let job = 0;
  withStops.forEach((sequence, v) => {
    problem.vroom.vehicles[v]!.steps = sequence.stops.map((stop) => ({ type: 'job' as const, id: ++job, ...(stop.locked ? { locked: true } : {}) }));
  });
  const solution = solve(problem.vroom, { mode: 'plan', validated: options.validated });
  if (solution.code !== 0) throw new Error(`plan mode failed (code ${solution.code}): ${solution.error}`);
  const plan = await buildPlan(problem, solution, context.routing, options);
  const byVehicle = new Map(plan.routes.map((route) => [route.vehicleId, route]));
  return {
    routes: sequences.map((sequence) => {
      const planned = byVehicle.get(String(sequence.vehicle.id));
      return planned ? routeDraft(sequence, planned, problem, solution) : emptyRoute(context, sequence);
    }),
    unassigned: plan.unassigned.map((entry) => ({ orderId: Number(entry.orderId), reason: entry.reason })),
  };
}

/** A solved route as stored: stop `k` of the sequence is the route's stop `k`. */
export function routeDraft(sequence: RouteSequence, planned: PlannedRoute, problem: PlanningProblem, solution: VroomSolution): RouteDraft {
  const vroomRoute = solution.routes.find((route) => route.description === planned.vehicleId)!;
  const stepViolations = new Map<string, VroomViolation[]>();
  for (const step of vroomRoute.steps) if (step.type === 'job') stepViolations.set(problem.orderIds[step.id! - 1]!, step.violations);
  const byOrder = new Map(sequence.stops.map((stop) => [String(stop.order.id), stop]));
  return {
    vehicleId: sequence.vehicle.id,
    driverId: sequence.driverId,
    status: sequence.status,
    startLocation: planned.startLocation,
    endLocation: planned.endLocation,
    returnsToDepot: sequence.vehicle.endDepotId !== null,
    departureEpoch: planned.departureEpochSeconds,
    arrivalEpoch: planned.arrivalEpochSeconds,
    distanceMeters: planned.distanceMeters,
    drivingSeconds: planned.drivingSeconds,
    serviceSeconds: planned.serviceSeconds,
    waitingSeconds: planned.waitingSeconds,
    cost: planned.cost,
    initialLoad: planned.initialLoad,
    breaks: planned.breaks,
    reloads: planned.reloads,
    violations: vroomRoute.violations,
    geometry: planned.geometry,
    stops: planned.stops.map((stop) => {
      const source = byOrder.get(stop.orderId)!;
      return {
        orderId: source.order.id,
        sequence: stop.sequence,
        locked: source.locked,
        location: stop.location,
        promisedWindows: source.order.timeWindows,
        plannedArrivalEpoch: stop.arrivalEpochSeconds,
        serviceStartEpoch: stop.serviceStartEpochSeconds,
        plannedDepartureEpoch: stop.departureEpochSeconds,
        waitingSeconds: stop.waitingSeconds,
        serviceSeconds: source.order.serviceSeconds,
        distanceFromStartMeters: stop.distanceFromStartMeters,
        drivingFromStartSeconds: stop.drivingFromStartSeconds,
        loadAfter: stop.loadAfter,
        violations: stepViolations.get(stop.orderId) ?? [],
        ...(source.live ?? pendingFields),
      };
    }),
  };
}

/** A vehicle's route without stops: it stays at its start for the shift. */
export function emptyRoute(context: PlanContext, sequence: RouteSequence): RouteDraft {
  const vehicle = planningVehicle(sequence.vehicle, context.depotsById, context.date, sequence.liveStart);
  return emptyRouteDraft(
    { vehicleId: sequence.vehicle.id, driverId: sequence.driverId, status: sequence.status },
    { location: vehicle.startLocation, endLocation: vehicle.endLocation, atEpoch: vehicle.shift.startEpochSeconds },
  );
}
