/**
 * A real OSRM server (`OSRM_URL`) behind the RoutingProvider interface.
 * Tables larger than the server's --max-table-size are split into chunks fetched a few at a time.
 */
import { RoutingError, type NearestResult, type RouteLeg, type RouteRequest, type RouteResult, type RouteStep, type RoutingProvider, type TableRequest, type TableResult, type Waypoint } from '../provider';
import { checkCoordinates, tableIndexes } from '../coordinates';
import { osrmGet, type OsrmClientOptions } from './client';
import { planTableChunks, type TableChunk } from './chunks';
import type { LonLat } from '../../domain/model/geometry';

export interface OsrmProviderOptions {
  baseUrl: string;
  profile?: string;
  timeoutMs?: number;
  retries?: number;
  retryBaseDelayMs?: number;
  /** The server's --max-table-size: no request asks for more than this many sources or destinations. */
  maxTableSize?: number;
  /** Chunk requests in flight at once. */
  concurrency?: number;
}

interface OsrmWaypoint {
  location: LonLat;
  name: string;
  distance: number;
}

interface OsrmTableBody {
  durations: (number | null)[][];
  distances: (number | null)[][];
  sources: OsrmWaypoint[];
  destinations: OsrmWaypoint[];
}

interface OsrmRouteBody {
  routes: {
    distance: number;
    duration: number;
    weight: number;
    weight_name: string;
    geometry?: { type: 'LineString'; coordinates: LonLat[] };
    legs: (Omit<RouteLeg, 'annotation'> & { annotation?: { distance: number[]; duration: number[] } })[];
  }[];
  waypoints: OsrmWaypoint[];
}

export function createOsrmProvider({
  baseUrl,
  profile = 'driving',
  timeoutMs = 10_000,
  retries = 2,
  retryBaseDelayMs = 200,
  maxTableSize = 1000,
  concurrency = 4,
}: OsrmProviderOptions): RoutingProvider {
  const client: OsrmClientOptions = { baseUrl, timeoutMs, retries, retryBaseDelayMs };
  const get = async <T>(path: string) => (await osrmGet(path, client)) as unknown as T;

  async function fetchChunk(coordinates: LonLat[], chunk: TableChunk): Promise<OsrmTableBody> {
    // Send only the coordinates this chunk uses; remember where each came from to name it in errors.
    const used = [...new Set([...chunk.sources, ...chunk.destinations])];
    const localIndex = new Map(used.map((index, local) => [index, local]));
    const inUsedOrder = (list: number[]) => list.length === used.length && list.every((index, k) => used[k] === index);
    const isWholeTable = inUsedOrder(chunk.sources) && inUsedOrder(chunk.destinations);
    const indexes = (list: number[]) => list.map((index) => localIndex.get(index)).join(';');
    const query = isWholeTable
      ? 'annotations=duration,distance'
      : `annotations=duration,distance&sources=${indexes(chunk.sources)}&destinations=${indexes(chunk.destinations)}`;
    const path = `/table/v1/${profile}/${formatCoordinates(used.map((index) => coordinates[index]))}?${query}`;
    try {
      return await get<OsrmTableBody>(path);
    } catch (error) {
      throw renumber(error, used);
    }
  }

  return {
    name: 'osrm',

    async table({ coordinates, sources, destinations }: TableRequest): Promise<TableResult> {
      checkCoordinates(coordinates);
      const rows = tableIndexes('sources', sources, coordinates.length);
      const columns = tableIndexes('destinations', destinations, coordinates.length);
      const chunks = planTableChunks(rows, columns, maxTableSize);
      const bodies = await mapWithConcurrency(chunks, concurrency, (chunk) => fetchChunk(coordinates, chunk));
      const rowCount = rows.length;
      const columnCount = columns.length;
      const result: TableResult = {
        durations: Array.from({ length: rowCount }, () => new Array<number | null>(columnCount)),
        distances: Array.from({ length: rowCount }, () => new Array<number | null>(columnCount)),
        sources: new Array<Waypoint>(rowCount),
        destinations: new Array<Waypoint>(columnCount),
      };
      chunks.forEach((chunk, chunkIndex) => {
        const body = bodies[chunkIndex];
        body.sources.forEach((waypoint, i) => (result.sources[chunk.rowOffset + i] = toWaypoint(waypoint)));
        body.destinations.forEach((waypoint, j) => (result.destinations[chunk.columnOffset + j] = toWaypoint(waypoint)));
        for (let i = 0; i < chunk.sources.length; i++) {
          for (let j = 0; j < chunk.destinations.length; j++) {
            result.durations[chunk.rowOffset + i][chunk.columnOffset + j] = body.durations[i][j];
            result.distances[chunk.rowOffset + i][chunk.columnOffset + j] = body.distances[i][j];
          }
        }
      });
      return result;
    },

    async route({ coordinates, steps = false, overview = 'full', annotations = false, continueStraight = true }: RouteRequest): Promise<RouteResult> {
      checkCoordinates(coordinates);
      const query = `steps=${steps}&overview=${overview}&geometries=geojson${annotations ? '&annotations=true' : ''}${continueStraight ? '' : '&continue_straight=false'}`;
      const body = await get<OsrmRouteBody>(`/route/v1/${profile}/${formatCoordinates(coordinates)}?${query}`);
      const [route] = body.routes;
      return {
        route: {
          distance: route.distance,
          duration: route.duration,
          weight: route.weight,
          weight_name: route.weight_name,
          ...(route.geometry ? { geometry: route.geometry } : {}),
          legs: route.legs.map((leg) => ({
            distance: leg.distance,
            duration: leg.duration,
            weight: leg.weight,
            summary: leg.summary,
            steps: leg.steps as RouteStep[],
            ...(leg.annotation ? { annotation: { distance: leg.annotation.distance, duration: leg.annotation.duration } } : {}),
          })),
        },
        waypoints: body.waypoints.map(toWaypoint),
      };
    },

    async nearest(coordinate: LonLat, maxDistanceMeters?: number): Promise<NearestResult> {
      checkCoordinates([coordinate]);
      const radius = maxDistanceMeters === undefined ? '' : `&radiuses=${maxDistanceMeters}`;
      const body = await get<{ waypoints: OsrmWaypoint[] }>(`/nearest/v1/${profile}/${formatCoordinates([coordinate])}?number=1${radius}`);
      const nearest = toWaypoint(body.waypoints[0]);
      if (maxDistanceMeters !== undefined && nearest.distance > maxDistanceMeters) {
        throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate 0 within ${maxDistanceMeters} m`, 0);
      }
      return nearest;
    },

    async nearestSegments(coordinate: LonLat, count: number, maxDistanceMeters?: number): Promise<NearestResult[]> {
      checkCoordinates([coordinate]);
      const radius = maxDistanceMeters === undefined ? '' : `&radiuses=${maxDistanceMeters}`;
      const body = await get<{ waypoints: OsrmWaypoint[] }>(`/nearest/v1/${profile}/${formatCoordinates([coordinate])}?number=${count}${radius}`);
      return body.waypoints.map(toWaypoint);
    },
  };
}

/** OSRM reads plain decimals: 6 places (~0.1 m), never exponent notation. */
function formatCoordinates(coordinates: LonLat[]): string {
  const decimal = (value: number) => value.toFixed(6).replace(/\.?0+$/, '');
  return coordinates.map(([lon, lat]) => `${decimal(lon)},${decimal(lat)}`).join(';');
}

/** Strips OSRM's hint and nodes: they are tied to one server's dataset. */
const toWaypoint = ({ location, name, distance }: OsrmWaypoint): Waypoint => ({ location, name, distance });

/** An error about a chunk's coordinate k is about the caller's coordinate used[k]. */
function renumber(error: unknown, used: number[]): unknown {
  if (!(error instanceof RoutingError) || error.coordinateIndex === undefined) return error;
  const original = used[error.coordinateIndex];
  return new RoutingError(error.code, error.message.replace(/coordinate \d+/i, `coordinate ${original}`), original);
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]);
      } catch (error) {
        next = items.length; // one failure fails the whole table: start no more requests
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
