/**
 * OSRM's HTTP API (v5 route, table, nearest) over any RoutingProvider, so anything that speaks to OSRM —
 * VROOM, osrm-text-instructions, Leaflet routing plugins — can use Lastmile's road network.
 *
 * These endpoints deliberately answer errors in OSRM's shape, `{ code, message }` with HTTP 400
 * (503 when the road network is unavailable), not the service's `{ error: { … } }`: OSRM clients parse
 * OSRM's codes. Bodies are OSRM's with generate_hints=false (no `hint`), and without OSM node ids.
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import polyline from '@mapbox/polyline';
import { checkCoordinates } from '../../routing/coordinates';
import { osrmCors } from '../middleware/security-headers';
import { RoutingError, type RoutingProvider, type Waypoint } from '../../routing/provider';
import type { LonLat } from '../../domain/model/geometry';

export interface OsrmRouterOptions {
  /** Like osrm-routed's --max-table-size: sources × destinations may not exceed its square. */
  maxTableSize?: number;
  /** Like osrm-routed's --max-viaroute-size. */
  maxRouteCoordinates?: number;
}

type Geometries = 'geojson' | 'polyline' | 'polyline6';
type LineString = { type: 'LineString'; coordinates: LonLat[] };

export function osrmRouter(provider: RoutingProvider, { maxTableSize = 1000, maxRouteCoordinates = 1000 }: OsrmRouterOptions = {}): Router {
  const router = Router();
  const osrmPaths = ['/route/v1', '/table/v1', '/nearest/v1'];
  // Browser clients of OSRM (Leaflet routing plugins) call from any origin; only these paths answer them.
  router.use(osrmPaths, osrmCors);

  router.get('/route/v1/:profile/:coordinates', osrmHandler(async (request) => {
    const coordinates = parseCoordinates(request.params.coordinates as string);
    const query = new QueryReader(request);
    const steps = query.boolean('steps', false);
    const overview = query.oneOf('overview', ['simplified', 'full', 'false'] as const, 'simplified');
    const geometries = query.oneOf('geometries', ['polyline', 'polyline6', 'geojson'] as const, 'polyline');
    const annotations = query.annotations(['duration', 'distance'], []);
    const radiuses = query.radiuses(coordinates.length);
    if (coordinates.length < 2) throw new RoutingError('InvalidQuery', 'A route needs at least two coordinates');
    if (coordinates.length > maxRouteCoordinates) {
      throw new RoutingError('TooBig', `Too many route coordinates: ${coordinates.length}, at most ${maxRouteCoordinates}`);
    }
    await checkRadiuses(provider, coordinates, radiuses);

    const { route, waypoints } = await provider.route({ coordinates, steps, overview, annotations: annotations.length > 0 });
    const encode = (line: LineString) => encodeGeometry(line, geometries);
    return {
      code: 'Ok',
      routes: [
        {
          ...(overview !== 'false' && route.geometry ? { geometry: encode(route.geometry) } : {}),
          legs: route.legs.map((leg) => ({
            steps: steps ? leg.steps.map((step) => ({ ...step, geometry: encode(step.geometry) })) : [],
            summary: leg.summary,
            weight: leg.weight,
            duration: leg.duration,
            distance: leg.distance,
            ...(annotations.length > 0 && leg.annotation ? { annotation: Object.fromEntries(annotations.map((name) => [name, leg.annotation![name]])) } : {}),
          })),
          weight_name: route.weight_name,
          weight: route.weight,
          duration: route.duration,
          distance: route.distance,
        },
      ],
      waypoints: waypoints.map(presentWaypoint),
    };
  }));

  router.get('/table/v1/:profile/:coordinates', osrmHandler(async (request) => {
    const coordinates = parseCoordinates(request.params.coordinates as string);
    const query = new QueryReader(request);
    const sources = query.indexes('sources', coordinates.length);
    const destinations = query.indexes('destinations', coordinates.length);
    const annotations = query.annotations(['duration', 'distance'], ['duration']);
    const radiuses = query.radiuses(coordinates.length);
    const cellCount = (sources?.length ?? coordinates.length) * (destinations?.length ?? coordinates.length);
    if (cellCount > maxTableSize ** 2) {
      throw new RoutingError('TooBig', `Too many table coordinates: ${cellCount} cells, at most ${maxTableSize} × ${maxTableSize}`);
    }
    await checkRadiuses(provider, coordinates, radiuses);

    const table = await provider.table({ coordinates, sources, destinations });
    return {
      code: 'Ok',
      ...(annotations.includes('duration') ? { durations: table.durations } : {}),
      ...(annotations.includes('distance') ? { distances: table.distances } : {}),
      sources: table.sources.map(presentWaypoint),
      destinations: table.destinations.map(presentWaypoint),
    };
  }));

  router.get('/nearest/v1/:profile/:coordinates', osrmHandler(async (request) => {
    const coordinates = parseCoordinates(request.params.coordinates as string);
    const query = new QueryReader(request);
    // OSRM answers "up to number" waypoints; the provider knows one, the nearest.
    query.positiveInteger('number', 1);
    const [radius] = query.radiuses(coordinates.length);
    if (coordinates.length !== 1) throw new RoutingError('InvalidQuery', `nearest takes exactly one coordinate, got ${coordinates.length}`);
    const waypoint = await provider.nearest(coordinates[0], radius);
    return { code: 'Ok', waypoints: [presentWaypoint(waypoint)] };
  }));

  router.use(osrmPaths, malformedUrl);
  return router;
}

/** Runs a handler and answers its RoutingErrors in OSRM's error shape; anything else goes to the service's error middleware. */
function osrmHandler(handler: (request: Request) => Promise<object>) {
  return async (request: Request, response: Response) => {
    try {
      response.json(await handler(request));
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      response.status(error.code === 'RoutingUnavailable' ? 503 : 400).json({ code: error.code, message: error.message });
    }
  };
}

/** A URL the router cannot decode (broken percent-encoding) is OSRM's InvalidUrl, in OSRM's shape. */
const malformedUrl: ErrorRequestHandler = (error: unknown, _request, response, next) => {
  if (error instanceof URIError && (error as { status?: number }).status === 400) response.status(400).json({ code: 'InvalidUrl', message: error.message });
  else next(error);
};

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** `lon,lat;lon,lat;…`, `polyline(…)` (precision 5) or `polyline6(…)`. */
export function parseCoordinates(text: string): LonLat[] {
  const encoded = /^polyline(6?)\((.+)\)$/.exec(text);
  const coordinates = encoded ? decodePolyline(encoded[2], encoded[1] ? 6 : 5) : text.split(';').map(parsePair);
  checkCoordinates(coordinates);
  return coordinates;
}

function parsePair(pair: string, index: number): LonLat {
  const parts = pair.split(',');
  if (parts.length !== 2 || !parts.every((part) => DECIMAL.test(part))) {
    throw new RoutingError('InvalidQuery', `Coordinate ${index} ("${pair}") is not a "longitude,latitude" pair of decimal numbers`, index);
  }
  return [Number(parts[0]), Number(parts[1])];
}

function decodePolyline(encoded: string, precision: 5 | 6): LonLat[] {
  const points = polyline.decode(encoded, precision);
  if (points.length === 0 || points.some(([lat, lon]) => !Number.isFinite(lat) || !Number.isFinite(lon))) {
    throw new RoutingError('InvalidQuery', `polyline${precision === 6 ? '6' : ''}(…) does not decode to coordinates`);
  }
  return points.map(([lat, lon]) => [lon, lat]);
}

function encodeGeometry(line: LineString, geometries: Geometries): LineString | string {
  if (geometries === 'geojson') return line;
  return polyline.encode(line.coordinates.map(([lon, lat]) => [lat, lon]), geometries === 'polyline6' ? 6 : 5);
}

const presentWaypoint = ({ location, name, distance }: Waypoint) => ({ location, name, distance });

/**
 * OSRM's radiuses (VROOM sends 35 m for every location): no road within the radius is NoSegment for that
 * coordinate. Otherwise the provider snaps as always, to the nearest road, which is then within the radius.
 */
async function checkRadiuses(provider: RoutingProvider, coordinates: LonLat[], radiuses: (number | undefined)[]): Promise<void> {
  await Promise.all(
    radiuses.map(async (radius, index) => {
      if (radius === undefined) return;
      await provider.nearest(coordinates[index], radius).catch((error: unknown) => {
        if (error instanceof RoutingError && error.code === 'NoSegment') {
          throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate ${index} within ${radius} m`, index);
        }
        throw error;
      });
    }),
  );
}

/** Reads OSRM's query options, each failure an InvalidQuery naming the option and what it accepts. */
class QueryReader {
  constructor(private readonly request: Request) {}

  private value(name: string): string | undefined {
    const value = this.request.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new RoutingError('InvalidQuery', `${name} must be given once`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.value(name);
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') throw new RoutingError('InvalidQuery', `${name} must be true or false, got "${value}"`);
    return value === 'true';
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.value(name) ?? fallback;
    if (!allowed.includes(value as T)) throw new RoutingError('InvalidQuery', `${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  }

  positiveInteger(name: string, fallback: number): number {
    const value = this.value(name);
    if (value === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(value)) throw new RoutingError('InvalidQuery', `${name} must be a positive integer, got "${value}"`);
    return Number(value);
  }

  /** true (every annotation we have), false, or a comma list of them. */
  annotations(available: ('duration' | 'distance')[], fallback: ('duration' | 'distance')[]): ('duration' | 'distance')[] {
    const value = this.value('annotations');
    if (value === undefined) return fallback;
    if (value === 'true') return available;
    if (value === 'false') return [];
    const names = value.split(',');
    const unknown = names.find((name) => !available.includes(name as 'duration'));
    if (unknown !== undefined) throw new RoutingError('InvalidQuery', `annotations: "${unknown}" is not available; use true, false or ${available.join(',')}`);
    return names as ('duration' | 'distance')[];
  }

  /** 'all' or absent → undefined (every coordinate); otherwise indexes separated by ';'. */
  indexes(name: 'sources' | 'destinations', coordinateCount: number): number[] | undefined {
    const value = this.value(name);
    if (value === undefined || value === 'all') return undefined;
    return value.split(';').map((part, position) => {
      if (!/^\d+$/.test(part) || Number(part) >= coordinateCount) {
        throw new RoutingError('InvalidQuery', `${name}[${position}] = "${part}" is not a coordinate index (0–${coordinateCount - 1})`);
      }
      return Number(part);
    });
  }

  /** One radius in metres per coordinate; empty or "unlimited" for no limit. */
  radiuses(coordinateCount: number): (number | undefined)[] {
    const value = this.value('radiuses');
    if (value === undefined) return [];
    const parts = value.split(';');
    if (parts.length !== coordinateCount) {
      throw new RoutingError('InvalidQuery', `radiuses has ${parts.length} values for ${coordinateCount} coordinates`);
    }
    return parts.map((part, index) => {
      if (part === '' || part === 'unlimited') return undefined;
      if (!DECIMAL.test(part) || Number(part) < 0) {
        throw new RoutingError('InvalidQuery', `radiuses[${index}] must be a number of metres ≥ 0 or "unlimited", got "${part}"`);
      }
      return Number(part);
    });
  }
}
