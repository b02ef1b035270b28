/**
 * VROOM problems given by coordinates instead of matrices, as VROOM and openrouteservice accept them: every
 * distinct `location` gets a matrix index and the road network fills the matrices (one road profile serves
 * every vehicle profile). With `options.g`, routes get their road geometry as an encoded polyline, as VROOM's.
 */
import polyline from '@mapbox/polyline';
import type { ErrorDetail } from '../errors';
import { routingErrorToAppError } from '../error-mapper';
import { RoutingError, type RoutingProvider } from '../routing/provider';
import { normalizeVroomInput, toVroomOutput, validateProblem, type VroomProblem, type VroomSolution } from '../../solver/index';
import { invalidProblem, issueDetail } from './runner';
import type { LonLat } from '../domain/model/geometry';

export interface LocatedProblem {
  problem: VroomProblem;
  /** The road network built the matrices: matrix index → coordinate. Absent when the caller gave matrices. */
  locations?: LonLat[];
  /** Milliseconds spent on the matrices. */
  matrixMs: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLonLat = (value: unknown): value is LonLat =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number' && Math.abs(value[0]) <= 180 && Math.abs(value[1]) <= 90;

/** A place in the problem that takes a location: the object, its coordinate key, its index key, whether required. */
interface Place {
  owner: Json;
  path: string;
  coordinateKey: string;
  indexKey: string;
  required: boolean;
}

function placesOf(problem: Json): Place[] {
  const places: Place[] = [];
  const each = (key: string, visit: (item: Json, path: string) => void) => {
    const list = problem[key];
    if (Array.isArray(list)) list.forEach((item, index) => isObject(item) && visit(item, `${key}[${index}]`));
  };
  each('vehicles', (vehicle, path) => {
    places.push({ owner: vehicle, path, coordinateKey: 'start', indexKey: 'start_index', required: false });
    places.push({ owner: vehicle, path, coordinateKey: 'end', indexKey: 'end_index', required: false });
    if (isObject(vehicle.reload)) places.push({ owner: vehicle.reload, path: `${path}.reload`, coordinateKey: 'location', indexKey: 'location_index', required: true });
  });
  each('jobs', (job, path) => places.push({ owner: job, path, coordinateKey: 'location', indexKey: 'location_index', required: true }));
  each('shipments', (shipment, path) => {
    for (const side of ['pickup', 'delivery'])
      if (isObject(shipment[side])) places.push({ owner: shipment[side], path: `${path}.${side}`, coordinateKey: 'location', indexKey: 'location_index', required: true });
  });
  return places;
}

/** Beyond this many distinct places the matrices (and the road network's work on the event loop) grow too large. */
export const MAX_LOCATIONS = 2000;

/** Whole seconds and metres, as VROOM rounds a routing engine's table; null (no road) stays null. */
export function roundedMatrix(rows: readonly (readonly (number | null)[])[]): (number | null)[][] {
  return rows.map((row) => row.map((value) => (value === null ? null : Math.round(value))));
}

/** VROOM's own input rules (unknown keys, integers, speed_factor, capacities): this is its drop-in. */
const VROOM = { dialect: 'vroom' } as const;

/**
 * Validates the problem and, when it comes without matrices, builds them from its locations (a location_index
 * beside a location is then ignored, as VROOM does). Throws 400 listing every issue.
 */
export async function locateProblem(body: unknown, routing: RoutingProvider, { maxLocations = MAX_LOCATIONS } = {}): Promise<LocatedProblem> {
  normalizeVroomInput(body);
  if (!isObject(body) || body.matrices !== undefined) {
    const issues = validateProblem(body, VROOM);
    if (issues.length > 0) throw invalidProblem(issues.map(issueDetail));
    const problem = body as unknown as VroomProblem;
    if (problem.options?.g && placesOf(body as Json).some((place) => place.owner[place.indexKey] !== undefined && !isLonLat(place.owner[place.coordinateKey]))) {
      throw invalidProblem([{ path: 'options.g', message: 'route geometry needs a [lon, lat] location beside every location index' }]);
    }
    return { problem, matrixMs: 0 };
  }

  const problem = structuredClone(body);
  const locations: LonLat[] = [];
  const firstPath: string[] = [];
  const indexByKey = new Map<string, number>();
  const issues: ErrorDetail[] = [];
  for (const place of placesOf(problem)) {
    const coordinate = place.owner[place.coordinateKey];
    const path = `${place.path}.${place.coordinateKey}`;
    const problemAt = (at: string, message: string, code: string) => {
      issues.push({ path: at, message, code });
      place.owner[place.indexKey] = 0; // a placeholder, so the validation below reports only the other issues
    };
    if (coordinate === undefined) {
      if (place.owner[place.indexKey] !== undefined) problemAt(`${place.path}.${place.indexKey}`, 'needs "matrices"; without matrices give a [lon, lat] location', 'missing_matrix');
      else if (place.required) problemAt(path, 'is required: [lon, lat] (or give "matrices" and a location_index)', 'missing_field');
      continue;
    }
    if (!isLonLat(coordinate)) {
      problemAt(path, 'must be [lon, lat] with longitude within ±180 and latitude within ±90', 'invalid_value');
      continue;
    }
    const key = `${coordinate[0]},${coordinate[1]}`;
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = locations.push(coordinate) - 1;
      firstPath.push(path);
      indexByKey.set(key, index);
    }
    place.owner[place.indexKey] = index;
  }
  const profiles = new Set((Array.isArray(problem.vehicles) ? problem.vehicles : []).map((vehicle) => (isObject(vehicle) && typeof vehicle.profile === 'string' ? vehicle.profile : 'car')));

  if (locations.length > maxLocations) {
    throw invalidProblem([{ path: '', message: `has ${locations.length} distinct locations; at most ${maxLocations} are routed here (send matrices instead)` }]);
  }
  if (issues.length > 0 || locations.length === 0) {
    // Still list every other issue, against matrices of the right size.
    const size = Math.max(1, locations.length);
    const zeros = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    const others = validateProblem({ ...problem, matrices: Object.fromEntries([...profiles].map((profile) => [profile, { durations: zeros }])) }, VROOM);
    const details = [...issues, ...others.map(issueDetail)];
    throw invalidProblem(details.length > 0 ? details : [{ path: '', message: 'no vehicle or task has a location' }]);
  }

  const started = performance.now();
  let table;
  try {
    table = await routing.table({ coordinates: locations });
  } catch (error) {
    if (error instanceof RoutingError && error.coordinateIndex !== undefined && error.code !== 'RoutingUnavailable') {
      throw invalidProblem([{ path: firstPath[error.coordinateIndex]!, message: error.message, routingCode: error.code }]);
    }
    throw error instanceof RoutingError ? routingErrorToAppError(error) : error;
  }
  const matrix = { durations: roundedMatrix(table.durations), distances: roundedMatrix(table.distances) };
  problem.matrices = Object.fromEntries([...profiles].map((profile) => [profile, matrix]));
  const matrixMs = performance.now() - started;

  const validation = validateProblem(problem, VROOM);
  if (validation.length > 0) throw invalidProblem(validation.map(issueDetail));
  return { problem: problem as unknown as VroomProblem, locations, matrixMs };
}

/**
 * The solution as VROOM answers it (integers, its deprecated keys too): indices we made up removed, geometry
 * added when asked for, and VROOM's computing_times (milliseconds: matrices, search, geometry).
 */
export async function presentSolution(located: LocatedProblem, solution: VroomSolution, routing: RoutingProvider, { solvingMs }: { solvingMs: number }): Promise<VroomSolution> {
  const answer = toVroomOutput(solution);
  if (located.locations) {
    for (const route of answer.routes) for (const step of route.steps) delete step.location_index;
    for (const task of answer.unassigned) delete task.location_index;
  }
  const started = performance.now();
  if (located.problem.options?.g) {
    await Promise.all(
      answer.routes.map(async (route) => {
        const path = route.steps.filter((step) => step.type !== 'break' && step.location).map((step) => step.location!);
        if (path.length < 2) return;
        const { route: road } = await routing.route({ coordinates: path, overview: 'full' }).catch((error: unknown) => {
          throw error instanceof RoutingError ? routingErrorToAppError(error) : error;
        });
        route.geometry = polyline.encode((road.geometry?.coordinates ?? path).map(([lon, lat]) => [lat, lon]));
      }),
    );
  }
  answer.summary.computing_times = { loading: Math.round(located.matrixMs), solving: Math.round(solvingMs), routing: Math.round(performance.now() - started) };
  return answer;
}
