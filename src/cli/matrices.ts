/**
 * VROOM problems often give coordinates and leave the matrices to a routing server. For those, the CLI numbers
 * the distinct coordinates, asks the road network for one table, and fills in location indexes and matrices,
 * so such a file solves here unchanged. Problems that carry matrices are left alone.
 */
import { RoutingError, type RoutingProvider } from '../routing/provider';
import { roundedMatrix } from '../solving/vroom-locations';
import type { LonLat } from '../domain/model/geometry';

type Json = Record<string, unknown>;

/** A place to index: the object holding it, the coordinate field and the index field to fill in. */
interface Place {
  owner: Json;
  coordinateKey: 'location' | 'start' | 'end';
  indexKey: 'location_index' | 'start_index' | 'end_index';
  path: string;
}

/** No matrices but coordinates: anything else goes straight to validation, which names what is missing. */
export function needsMatrices(problem: unknown): problem is Json {
  if (!isObject(problem) || problem.matrices !== undefined || problem.matrix !== undefined) return false;
  return collectPlaces(problem).some((place) => place.owner[place.coordinateKey] !== undefined);
}

/** Fills in location indexes and one matrix per profile; returns how many distinct locations were routed. */
export async function addMatrices(problem: Json, provider: RoutingProvider): Promise<number> {
  const places = collectPlaces(problem);
  const coordinates: LonLat[] = [];
  const paths: string[] = [];
  const indexByKey = new Map<string, number>();
  for (const place of places) {
    const coordinate = place.owner[place.coordinateKey];
    if (coordinate === undefined) continue;
    if (!isLonLat(coordinate)) throw new MatrixError(`${place.path}.${place.coordinateKey} must be [longitude, latitude] in degrees`);
    if (place.owner[place.indexKey] !== undefined) {
      throw new MatrixError(`${place.path}.${place.indexKey} refers to a matrix, but the problem has none: give "matrices" or only coordinates`);
    }
    const key = `${coordinate[0]},${coordinate[1]}`;
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = coordinates.length;
      indexByKey.set(key, index);
      coordinates.push([coordinate[0], coordinate[1]]);
      paths.push(`${place.path}.${place.coordinateKey}`);
    }
    place.owner[place.indexKey] = index;
  }
  let table;
  try {
    table = await provider.table({ coordinates });
  } catch (error) {
    if (!(error instanceof RoutingError)) throw error;
    const where = error.coordinateIndex === undefined ? '' : ` (${paths[error.coordinateIndex]})`;
    throw new MatrixError(`routing (${provider.name}) failed${where}: ${error.message}`);
  }
  const profiles = new Set((Array.isArray(problem.vehicles) ? problem.vehicles : []).map((vehicle) => (isObject(vehicle) && typeof vehicle.profile === 'string' ? vehicle.profile : 'car')));
  // Whole seconds and metres, as VROOM rounds a routing engine's table (and reads no other).
  const durations = roundedMatrix(table.durations);
  const distances = roundedMatrix(table.distances);
  problem.matrices = Object.fromEntries([...profiles].map((profile) => [profile, { durations, distances }]));
  return coordinates.length;
}

/** Routing could not provide the matrices; the message names the field. */
export class MatrixError extends Error {}

function collectPlaces(problem: Json): Place[] {
  const places: Place[] = [];
  const list = (key: string) => (Array.isArray(problem[key]) ? (problem[key] as unknown[]) : []);
  // Vehicles first, so a shared depot gets index 0 as usual.
  list('vehicles').forEach((vehicle, index) => {
    if (!isObject(vehicle)) return;
    places.push({ owner: vehicle, coordinateKey: 'start', indexKey: 'start_index', path: `vehicles[${index}]` });
    places.push({ owner: vehicle, coordinateKey: 'end', indexKey: 'end_index', path: `vehicles[${index}]` });
  });
  list('jobs').forEach((job, index) => {
    if (isObject(job)) places.push({ owner: job, coordinateKey: 'location', indexKey: 'location_index', path: `jobs[${index}]` });
  });
  list('shipments').forEach((shipment, index) => {
    if (!isObject(shipment)) return;
    for (const side of ['pickup', 'delivery']) {
      const step = shipment[side];
      if (isObject(step)) places.push({ owner: step, coordinateKey: 'location', indexKey: 'location_index', path: `shipments[${index}].${side}` });
    }
  });
  return places;
}

function isLonLat(value: unknown): value is LonLat {
  return Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'number' && Number.isFinite(part));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
