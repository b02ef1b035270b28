/**
 * Planning inputs (what a dispatcher plans: a depot, vehicles with shifts, orders with windows) mapped onto a
 * VROOM problem the solver reads, with the road network's matrices.
 *
 * Mapping choices:
 * - Places: identical coordinates share one matrix index; index order is depot, vehicle starts and ends, orders.
 * - Matrices: seconds and metres from RoutingProvider.table, rounded to whole units; null (no road) stays null
 *   and the solver leaves such an order unassigned as "unreachable" (read back as `unroutable`).
 * - With `leaveOutUnroutable`, an order too far from any road to be snapped is no job at all: it is listed in
 *   `unroutable` with its distance to the nearest road, and the rest is planned.
 * - Amounts are integers: weight in grams, volume in decilitres, items as counted. Demands round up and
 *   capacities round down, so rounding never lets a vehicle carry more than it can.
 * - Skills: the strings are numbered 1…n in sorted order; an order needing a skill no vehicle has stays unassigned.
 * - Pickups and exchanges are single jobs with `pickup` amounts (VROOM's job pickup/delivery), so the load along the
 *   route rises after them; they need `returnsToDepotSkill`, which only vehicles ending at a place have.
 * - Times are epoch seconds (UTC) throughout; the depot's time zone only matters for display.
 * - A vehicle's working time is its shift, cut to maxShiftSeconds from the shift start; maxDrivingSeconds caps
 *   travel time (VROOM's max_travel_time); endLocation null ends the route at its last stop.
 */
import { RoutingError, type RoadMatrix, type RoutingProvider, type TableResult } from '../routing/provider';
import type { FlatMatrices } from '../../solver/worker-transfer';
import { assertShiftsOpen } from './shifts';
import type { MinimizeGoal, VroomBreak, VroomJob, VroomProblem, VroomVehicle } from '../../solver/index';
import type { Amounts } from '../domain/model/amounts';
import type { LonLat } from '../domain/model/geometry';
import type { EpochWindow } from '../domain/model/time-window';
import type { Order, OrderKind } from '../domain/model/order';

export interface PlanningDepot {
  id: string;
  location: LonLat;
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
}

export interface PlanningBreak {
  id: string;
  /** The break starts within one of these. */
  windows: EpochWindow[];
  durationSeconds: number;
}

export interface PlanningVehicle {
  id: string;
  capacity: Amounts;
  skills: string[];
  shift: EpochWindow;
  startLocation: LonLat;
  endLocation: LonLat | null;
  costs: { fixed: number; perHour: number; perKm: number };
  maxStops: number | null;
  maxShiftSeconds: number | null;
  maxDrivingSeconds: number | null;
  breaks: PlanningBreak[];
  /** Multi-trip: where the vehicle may reload during its shift; absent or null: one trip. */
  reload?: { location: LonLat; serviceSeconds: number; maxTrips: number | null } | null;
}

/**
 * What the solver needs of an order (time windows: service starts within one; empty: any time; priority 0–100).
 * `kind` absent: a delivery. A pickup carries `pickup` from the stop to the route's end; an exchange also drops `demand`.
 */
export interface PlanningOrder extends Pick<Order, 'location' | 'timeWindows' | 'serviceSeconds' | 'demand' | 'priority' | 'requiredSkills'> {
  id: string;
  kind?: OrderKind;
  pickup?: Amounts | null;
}

/**
 * What is collected must reach the depot: only vehicles whose route ends there have this skill, and every pickup
 * or exchange needs it. The name cannot be a fleet's own skill (those are trimmed words without a colon prefix).
 */
export const returnsToDepotSkill = 'lastmile:returns-to-depot';

/**
 * What the plan minimises (the solver's options.minimize): `cost` — what the company pays, vehicles' fixed cost,
 * hours worked from departure to return (waiting included) and kilometres —, `vehicles` (fewest vans, then cost) or
 * `balance` (cost plus each van's hours beyond 10 % above the average).
 */
export type PlanningObjective = MinimizeGoal;

export interface PlanningInput {
  depot: PlanningDepot;
  vehicles: PlanningVehicle[];
  orders: PlanningOrder[];
  /** Default `cost`. */
  objective?: PlanningObjective;
}

/** An order no road reaches: `distanceToRoadMeters` null when no road is within the search radius. */
export interface UnroutableOrder {
  orderId: string;
  location: LonLat;
  distanceToRoadMeters: number | null;
}

/** The VROOM problem and the keys to read its solution back. */
export interface PlanningProblem {
  /** Without the unroutable orders: job id − 1 indexes its orders. */
  input: PlanningInput;
  unroutable: UnroutableOrder[];
  /** Matrix index → metres from the place to where it was snapped onto the road network. */
  snapMeters: number[];
  /** Without `matrices` when they come as `flatMatrices`. */
  vroom: VroomProblem;
  /** With the `flatMatrices` option: the matrices row-major on shared memory, for the solver's threads, never as rows here. */
  flatMatrices?: FlatMatrices;
  /** Matrix index → coordinate. */
  locations: LonLat[];
  /** VROOM job id − 1 → order; vehicle id − 1 → vehicle; break id − 1 → [vehicle index, break]. */
  orderIds: string[];
  vehicleIds: string[];
  breakIds: string[];
  /** Skill id − 1 → name. */
  skills: string[];
}

export const GRAMS_PER_KG = 1000;
export const DECILITRES_PER_LITRE = 10;
/** Guards against 0.1 × 1000 = 100.00000000000001 turning into 101 when rounded up. */
const ROUNDING_SLACK = 1e-9;

const roundUp = (value: number) => Math.ceil(value - ROUNDING_SLACK);
const roundDown = (value: number) => Math.floor(value + ROUNDING_SLACK);

export function demandAmounts(demand: Amounts): number[] {
  return [roundUp(demand.weightKg * GRAMS_PER_KG), roundUp(demand.volumeL * DECILITRES_PER_LITRE), roundUp(demand.items)];
}

export function capacityAmounts(capacity: Amounts): number[] {
  return [roundDown(capacity.weightKg * GRAMS_PER_KG), roundDown(capacity.volumeL * DECILITRES_PER_LITRE), roundDown(capacity.items)];
}

export function amountsFromVroom([grams = 0, decilitres = 0, items = 0]: number[]): Amounts {
  return { weightKg: grams / GRAMS_PER_KG, volumeL: decilitres / DECILITRES_PER_LITRE, items };
}

const zeroAmounts: Amounts = { weightKg: 0, volumeL: 0, items: 0 };

const window = ({ startEpochSeconds, endEpochSeconds }: EpochWindow): [number, number] => [startEpochSeconds, endEpochSeconds];

/** How far the nearest road is searched for an order that could not be snapped. */
const roadSearchMeters = 50_000;

/**
 * `flatMatrices`: the matrices stay flat (RoadMatrix, from the provider's `matrix` when it has one), as a plan run
 * hands them to the solver's threads; a 3,000-place day then never exists as nested rows on this thread.
 */
export async function buildPlanningProblem(input: PlanningInput, routing: RoutingProvider, options: { leaveOutUnroutable?: boolean; flatMatrices?: boolean } = {}): Promise<PlanningProblem> {
  // A shift already over is a time window ending before it starts: a 409 for the caller, not a solver failure.
  assertShiftsOpen(input);
  const unroutable: UnroutableOrder[] = [];
  let orders = input.orders;
  for (;;) {
    const layout = layOut({ ...input, orders });
    try {
      if (!options.flatMatrices) return finish(layout, await routing.table({ coordinates: layout.locations }), unroutable);
      const matrix = routing.matrix ? await routing.matrix(layout.locations) : roadMatrixOf(await routing.table({ coordinates: layout.locations }));
      return finishFlat(layout, matrix, unroutable);
    } catch (error) {
      // One order off the network must not fail the day: the order whose place could not be snapped leaves, the rest is tried again.
      const index = error instanceof RoutingError && error.code === 'NoSegment' ? error.coordinateIndex : undefined;
      if (!options.leaveOutUnroutable || index === undefined || index < layout.firstOrderIndex) throw error;
      const [lon, lat] = layout.locations[index]!;
      const off = orders.filter((order) => order.location[0] === lon && order.location[1] === lat);
      const distanceToRoadMeters = await routing.nearest([lon, lat], roadSearchMeters).then((nearest) => Math.round(nearest.distance), () => null);
      unroutable.push(...off.map((order) => ({ orderId: order.id, location: order.location, distanceToRoadMeters })));
      orders = orders.filter((order) => !off.includes(order));
    }
  }
}

interface Layout {
  input: PlanningInput;
  locations: LonLat[];
  /** Matrix indexes from here on are orders' places only. */
  firstOrderIndex: number;
  vehicles: VroomVehicle[];
  jobs: VroomJob[];
  breakIds: string[];
  skills: string[];
}

function layOut(input: PlanningInput): Layout {
  const locations: LonLat[] = [];
  const indexByKey = new Map<string, number>();
  const indexOf = (location: LonLat) => {
    const key = `${location[0]},${location[1]}`;
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = locations.push(location) - 1;
      indexByKey.set(key, index);
    }
    return index;
  };
  indexOf(input.depot.location);

  const collects = (order: PlanningOrder) => order.kind === 'pickup' || order.kind === 'exchange';
  const vehicleSkills = (vehicle: PlanningVehicle) => (vehicle.endLocation ? [...vehicle.skills, returnsToDepotSkill] : vehicle.skills);
  const orderSkills = (order: PlanningOrder) => (collects(order) ? [...order.requiredSkills, returnsToDepotSkill] : order.requiredSkills);
  const skills = [...new Set([...input.vehicles.flatMap(vehicleSkills), ...input.orders.flatMap(orderSkills)])].sort();
  const skillIds = (names: string[]) => [...new Set(names)].map((name) => skills.indexOf(name) + 1);

  const breakIds: string[] = [];
  const vehicles = input.vehicles.map((vehicle, v): VroomVehicle => {
    const shiftEnd = vehicle.maxShiftSeconds === null ? vehicle.shift.endEpochSeconds : Math.min(vehicle.shift.endEpochSeconds, vehicle.shift.startEpochSeconds + vehicle.maxShiftSeconds);
    const breaks = vehicle.breaks.map((pause): VroomBreak => ({ id: breakIds.push(pause.id), time_windows: pause.windows.map(window), service: pause.durationSeconds }));
    return {
      id: v + 1,
      description: vehicle.id,
      start_index: indexOf(vehicle.startLocation),
      ...(vehicle.endLocation ? { end_index: indexOf(vehicle.endLocation) } : {}),
      capacity: capacityAmounts(vehicle.capacity),
      skills: skillIds(vehicleSkills(vehicle)),
      time_window: [vehicle.shift.startEpochSeconds, shiftEnd],
      costs: { fixed: vehicle.costs.fixed, per_hour: vehicle.costs.perHour, per_km: vehicle.costs.perKm },
      ...(breaks.length > 0 ? { breaks } : {}),
      ...(vehicle.maxStops !== null ? { max_tasks: vehicle.maxStops } : {}),
      ...(vehicle.maxDrivingSeconds !== null ? { max_travel_time: vehicle.maxDrivingSeconds } : {}),
      ...(vehicle.reload
        ? { reload: { location_index: indexOf(vehicle.reload.location), service: vehicle.reload.serviceSeconds, ...(vehicle.reload.maxTrips !== null ? { max_trips: vehicle.reload.maxTrips } : {}) } }
        : {}),
    };
  });

  const firstOrderIndex = locations.length;
  const jobs = input.orders.map(
    (order, o): VroomJob => ({
      id: o + 1,
      description: order.id,
      location_index: indexOf(order.location),
      service: order.serviceSeconds,
      delivery: order.kind === 'pickup' ? demandAmounts(zeroAmounts) : demandAmounts(order.demand),
      ...(collects(order) ? { pickup: demandAmounts(order.pickup ?? zeroAmounts) } : {}),
      skills: skillIds(orderSkills(order)),
      priority: order.priority,
      ...(order.timeWindows.length > 0 ? { time_windows: order.timeWindows.map(window) } : {}),
    }),
  );

  return { input, locations, firstOrderIndex, vehicles, jobs, breakIds, skills };
}

/** A provider's table as a RoadMatrix, rounded to whole units as finish() rounds it. */
function roadMatrixOf(table: TableResult): RoadMatrix {
  const size = table.durations.length;
  const flat = (rows: (number | null)[][]) => {
    const values = new Float64Array(new SharedArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT));
    rows.forEach((row, i) => row.forEach((value, j) => (values[i * size + j] = value === null ? NaN : Math.round(value))));
    return values;
  };
  return { size, durations: flat(table.durations), distances: flat(table.distances), snapMeters: table.sources.map((waypoint) => waypoint.distance) };
}

/** A van is paid from departure to return, not only while it drives; the plan's objective picks what comes first. */
const solverOptions = (input: PlanningInput): VroomProblem['options'] => ({ route_cost: 'working_time', minimize: input.objective ?? 'cost' });

function finishFlat({ input, locations, vehicles, jobs, breakIds, skills }: Layout, matrix: RoadMatrix, unroutable: UnroutableOrder[]): PlanningProblem {
  return {
    input,
    unroutable,
    snapMeters: matrix.snapMeters,
    vroom: { vehicles, jobs, options: solverOptions(input) },
    flatMatrices: { car: { durations: { size: matrix.size, values: matrix.durations }, distances: { size: matrix.size, values: matrix.distances } } },
    locations,
    orderIds: input.orders.map((order) => order.id),
    vehicleIds: input.vehicles.map((vehicle) => vehicle.id),
    breakIds,
    skills,
  };
}

function finish({ input, locations, vehicles, jobs, breakIds, skills }: Layout, table: TableResult, unroutable: UnroutableOrder[]): PlanningProblem {
  const whole = (rows: (number | null)[][]) => rows.map((row) => row.map((value) => (value === null ? null : Math.round(value)))) as number[][];
  return {
    input,
    unroutable,
    snapMeters: table.sources.map((waypoint) => waypoint.distance),
    vroom: {
      vehicles,
      jobs,
      matrices: { car: { durations: whole(table.durations), distances: whole(table.distances) } },
      options: solverOptions(input),
    },
    locations,
    orderIds: input.orders.map((order) => order.id),
    vehicleIds: input.vehicles.map((vehicle) => vehicle.id),
    breakIds,
    skills,
  };
}
