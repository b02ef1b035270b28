/**
 * OSRM's HTTP API (v5 route, table, nearest, trip) over any RoutingProvider, so anything that speaks to OSRM —
 * VROOM, osrm-text-instructions, Leaflet routing plugins, npm's OSRM clients — can use Lastmile's road network.
 *
 * URLs follow OSRM's grammar: `/{service}/v1/{profile}/{coordinates}[.json]?option=value&…`, coordinates as
 * `lon,lat;…`, `polyline(…)` or `polyline6(…)`. Every documented option of those services is either honoured
 * or refused with OSRM's InvalidOptions (the road network cannot do it: bearings, curb approaches, exclude);
 * an unknown option is OSRM's InvalidQuery, an unknown service (match, tile, …) OSRM's InvalidService.
 *
 * These endpoints deliberately answer errors in OSRM's shape, `{ code, message }` with HTTP 400
 * (503 when the road network is unavailable), not the service's `{ error: { … } }`: OSRM clients parse
 * OSRM's codes. Hints are this server's own (the snapped location), not OSRM's; there are no OSM node ids.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import polyline from '@mapbox/polyline';
import { z } from 'zod';
import { checkCoordinates } from '../../routing/coordinates';
import { haversineMeters } from '../../routing/haversine';
import { solveTrip } from '../../routing/trip';
import { osrmCors } from '../middleware/security-headers';
import { apiPrefix, type Mount } from '../mount';
import { RoutingError, type RouteLeg, type RouteResult, type RoutingProvider, type Waypoint } from '../../routing/provider';
import type { LonLat } from '../../domain/model/geometry';

export interface OsrmRouterOptions {
  /** Like osrm-routed's --max-table-size: sources × destinations may not exceed its square. */
  maxTableSize?: number;
  /** Like osrm-routed's --max-viaroute-size. */
  maxRouteCoordinates?: number;
  /** Like osrm-routed's --max-trip-size. */
  maxTripCoordinates?: number;
  /** Like osrm-routed's --max-nearest-size. */
  maxNearestNumber?: number;
}

type Geometries = 'geojson' | 'polyline' | 'polyline6';
type LineString = { type: 'LineString'; coordinates: LonLat[] };
type Service = 'route' | 'table' | 'nearest' | 'trip';
type RouteAnnotation = 'duration' | 'distance' | 'speed' | 'weight' | 'datasources';

/** Options every service takes (OSRM's "general options"). */
const generalOptions = ['bearings', 'radiuses', 'generate_hints', 'hints', 'approaches', 'exclude', 'snapping', 'skip_waypoints'];
const serviceOptions: Record<Service, string[]> = {
  route: [...generalOptions, 'alternatives', 'steps', 'annotations', 'geometries', 'overview', 'continue_straight', 'waypoints'],
  table: [...generalOptions, 'sources', 'destinations', 'annotations', 'fallback_speed', 'fallback_coordinate', 'scale_factor'],
  nearest: [...generalOptions, 'number'],
  trip: [...generalOptions, 'roundtrip', 'source', 'destination', 'steps', 'annotations', 'geometries', 'overview'],
};

/** The OSRM API as the service mounts it, at the root, with its operations in the OpenAPI document. */
export function osrmMount(provider: RoutingProvider, options?: OsrmRouterOptions): Mount {
  return { path: '/', router: osrmRouter(provider, options), registry: osrmRegistry() };
}

const serviceSummaries: Record<Service, string> = {
  route: 'OSRM route: the fastest route through the coordinates, in order',
  table: 'OSRM table: durations (and distances) between sources and destinations',
  nearest: 'OSRM nearest: the nearest road points to one coordinate',
  trip: 'OSRM trip: the coordinates in the order of the shortest tour',
};

function osrmRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  const osrmError = { 'application/json': { schema: z.object({ code: z.string(), message: z.string() }) } };
  for (const service of Object.keys(serviceOptions) as Service[]) {
    registry.registerPath({
      method: 'get',
      path: `/${service}/v1/{profile}/{coordinates}`,
      operationId: `osrm${service[0]!.toUpperCase()}${service.slice(1)}`,
      summary: serviceSummaries[service],
      description: "OSRM v5's API and bodies, errors in OSRM's { code, message }; option by option: docs/osrm-compatibility.md.",
      tags: ['OSRM'],
      request: {
        params: z.object({
          profile: z.string().describe('Any name (driving, car): there is one road network'),
          coordinates: z.string().describe('lon,lat;lon,lat… or polyline(…) / polyline6(…), optionally followed by .json'),
        }),
        query: z.object(Object.fromEntries(serviceOptions[service].map((name) => [name, z.string().optional()]))),
      },
      responses: {
        200: { description: "OSRM's answer, code Ok", content: { 'application/json': { schema: z.object({ code: z.literal('Ok') }).catchall(z.unknown()) } } },
        400: { description: "OSRM's error: InvalidQuery, InvalidValue, InvalidOptions, NoSegment, NoRoute, NoTrips, TooBig, …", content: osrmError },
        503: { description: 'The road network behind is unavailable (RoutingUnavailable)', content: osrmError },
      },
    });
  }
  return registry;
}

export function osrmRouter(
  provider: RoutingProvider,
  { maxTableSize = 1000, maxRouteCoordinates = 1000, maxTripCoordinates = 100, maxNearestNumber = 100 }: OsrmRouterOptions = {},
): Router {
  const router = Router();
  const pattern = '/:service/:version/:profile/:coordinates';
  // Browser clients of OSRM (Leaflet routing plugins) call from any origin; only OSRM's paths answer them.
  router.options(pattern, onlyOsrm, osrmCors);

  const handlers: Record<Service, (request: OsrmRequest) => Promise<object>> = {
    route: async ({ coordinates, query, general }) => {
      if (coordinates.length < 2) throw new RoutingError('InvalidQuery', 'A route needs at least two coordinates');
      if (coordinates.length > maxRouteCoordinates) {
        throw new RoutingError('TooBig', `Too many route coordinates: ${coordinates.length}, at most ${maxRouteCoordinates}`);
      }
      const output = readRouteOutput(query);
      const continueStraight = query.oneOf('continue_straight', ['default', 'true', 'false'] as const, 'default') !== 'false';
      // Alternatives are searched for "up to" the number asked, as OSRM does; this network offers the fastest only.
      query.alternatives();
      const legEnds = query.waypoints(coordinates.length);
      await checkRadiuses(provider, general.routed, general.radiuses);
      const result = await provider.route({ coordinates: general.routed, steps: output.steps, overview: output.overview, annotations: output.annotations.length > 0, continueStraight });
      const waypoints = general.present(result.waypoints);
      return {
        code: 'Ok',
        routes: [presentRoute(legEnds ? mergeLegs(result, legEnds) : result.route, output)],
        ...(general.skipWaypoints ? {} : { waypoints: legEnds ? legEnds.map((index) => waypoints[index]) : waypoints }),
      };
    },

    table: async ({ coordinates, query, general }) => {
      const sources = query.indexes('sources', coordinates.length);
      const destinations = query.indexes('destinations', coordinates.length);
      const annotations = query.list('annotations', ['duration', 'distance'] as const, ['duration'], false);
      const fallbackSpeed = query.positiveNumber('fallback_speed');
      const fallbackCoordinate = query.oneOf('fallback_coordinate', ['input', 'snapped'] as const, 'input');
      const scaleFactor = query.positiveNumber('scale_factor');
      const cellCount = (sources?.length ?? coordinates.length) * (destinations?.length ?? coordinates.length);
      if (cellCount > maxTableSize ** 2) {
        throw new RoutingError('TooBig', `Too many table coordinates: ${cellCount} cells, at most ${maxTableSize} × ${maxTableSize}`);
      }
      await checkRadiuses(provider, general.routed, general.radiuses);

      const table = await provider.table({ coordinates: general.routed, sources, destinations });
      const sourceWaypoints = general.present(table.sources, sources);
      const destinationWaypoints = general.present(table.destinations, destinations);
      // OSRM's fallback: a pair without a route gets the straight line at fallback_speed (m/s), and is listed.
      const fallbackCells: [number, number][] = [];
      if (fallbackSpeed !== undefined) {
        const at = (waypoints: Waypoint[], indexes: number[] | undefined, k: number) =>
          fallbackCoordinate === 'snapped' ? waypoints[k]!.location : coordinates[indexes ? indexes[k]! : k]!;
        table.durations.forEach((row, i) =>
          row.forEach((seconds, j) => {
            if (seconds !== null) return;
            const meters = haversineMeters(at(table.sources, sources, i), at(table.destinations, destinations, j));
            row[j] = round1(meters / fallbackSpeed);
            table.distances[i]![j] = round1(meters);
            fallbackCells.push([i, j]);
          }),
        );
      }
      const durations = scaleFactor === undefined ? table.durations : table.durations.map((row) => row.map((seconds) => (seconds === null ? null : round1(seconds * scaleFactor))));
      return {
        code: 'Ok',
        ...(annotations.includes('duration') ? { durations } : {}),
        ...(annotations.includes('distance') ? { distances: table.distances } : {}),
        ...(general.skipWaypoints ? {} : { sources: sourceWaypoints, destinations: destinationWaypoints }),
        ...(fallbackCells.length > 0 ? { fallback_speed_cells: fallbackCells } : {}),
      };
    },

    nearest: async ({ coordinates, query, general }) => {
      const number = query.positiveInteger('number', 1);
      if (coordinates.length !== 1) throw new RoutingError('InvalidQuery', `nearest takes exactly one coordinate, got ${coordinates.length}`);
      if (number > maxNearestNumber) throw new RoutingError('TooBig', `Too many nearest results: ${number}, at most ${maxNearestNumber}`);
      const [radius] = general.radiuses;
      // Up to `number` segments, as OSRM answers; a provider that knows only the nearest one gives that.
      const waypoints = provider.nearestSegments ? await provider.nearestSegments(general.routed[0]!, number, radius) : [await provider.nearest(general.routed[0]!, radius)];
      return { code: 'Ok', waypoints: general.present(waypoints, waypoints.map(() => 0)) };
    },

    trip: async ({ coordinates, query, general }) => {
      const roundtrip = query.boolean('roundtrip', true);
      const source = query.oneOf('source', ['any', 'first'] as const, 'any');
      const destination = query.oneOf('destination', ['any', 'last'] as const, 'any');
      const output = readRouteOutput(query);
      if (coordinates.length < 2) throw new RoutingError('InvalidValue', 'A trip needs at least two coordinates');
      if (coordinates.length > maxTripCoordinates) {
        throw new RoutingError('TooBig', `Too many trip coordinates: ${coordinates.length}, at most ${maxTripCoordinates}`);
      }
      // OSRM supports every combination but an open trip with neither end fixed.
      if (!roundtrip && source === 'any' && destination === 'any') {
        throw new RoutingError('NotImplemented', 'This request is not supported: roundtrip=false needs source=first or destination=last');
      }
      await checkRadiuses(provider, general.routed, general.radiuses);
      const table = await provider.table({ coordinates: general.routed });
      if (table.durations.some((row) => row.some((seconds) => seconds === null))) {
        throw new RoutingError('NoTrips', 'No trip visits every coordinate: some are not connected by roads');
      }
      const { order } = solveTrip(table.durations as number[][], { roundtrip, startAtFirst: source === 'first', endAtLast: destination === 'last' });
      const visited = roundtrip ? [...order, order[0]!] : order;
      const result = await provider.route({ coordinates: visited.map((index) => general.routed[index]!), steps: output.steps, overview: output.overview, annotations: output.annotations.length > 0 });
      const position = new Map(order.map((index, at) => [index, at]));
      return {
        code: 'Ok',
        trips: [presentRoute(result.route, output)],
        ...(general.skipWaypoints
          ? {}
          : { waypoints: general.present(table.sources).map((waypoint, index) => ({ ...waypoint, waypoint_index: position.get(index)!, trips_index: 0 })) }),
      };
    },
  };

  router.get(pattern, onlyOsrm, osrmCors, async (request: Request, response: Response) => {
    try {
      const { service, version } = request.params as Record<string, string>;
      if (!(service! in handlers)) throw new RoutingError('InvalidService', `Service ${service} not found!`);
      if (version !== 'v1') throw new RoutingError('InvalidVersion', `Service ${service} has no version ${version}; OSRM's is v1`);
      const query = new QueryReader(request, serviceOptions[service as Service]);
      const coordinates = parseCoordinates(stripFormat(request.params.coordinates as string));
      const general = readGeneralOptions(query, coordinates);
      response.json(await handlers[service as Service]({ coordinates, query, general }));
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      response.status(error.code === 'RoutingUnavailable' ? 503 : 400).json({ code: error.code, message: error.message });
    }
  });

  router.use(malformedUrl);
  return router;
}

interface OsrmRequest {
  coordinates: LonLat[];
  query: QueryReader;
  general: GeneralOptions;
}

/** `/{service}/v{n}/{profile}/{coordinates}` outside the service's own API: everything else goes on. */
const onlyOsrm: RequestHandler = (request, _response, next) => {
  const { service, version } = request.params as Record<string, string>;
  next(/^v\d+$/.test(version!) && `/${service}/${version}` !== apiPrefix ? undefined : 'route');
};

/** An OSRM URL the router cannot decode (broken percent-encoding) is OSRM's InvalidUrl, in OSRM's shape. */
const malformedUrl: ErrorRequestHandler = (error: unknown, request, response, next) => {
  const [service, version, ...rest] = request.path.split('/').slice(1);
  const osrmPath = rest.length === 2 && /^v\d+$/.test(version ?? '') && `/${service}/${version}` !== apiPrefix;
  if (osrmPath && error instanceof URIError && (error as { status?: number }).status === 400) response.status(400).json({ code: 'InvalidUrl', message: error.message });
  else next(error);
};

/** OSRM's optional `.{format}` after the coordinates; json is the format it answers in. */
function stripFormat(text: string): string {
  const format = /\.([a-z]+)$/.exec(text);
  if (!format) return text;
  if (format[1] !== 'json') throw new RoutingError('InvalidOptions', `Output format "${format[1]}" is not supported; use json`);
  return text.slice(0, -format[0].length);
}

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** `lon,lat;lon,lat;…`, `polyline(…)` (precision 5) or `polyline6(…)`. */
export function parseCoordinates(text: string): LonLat[] {
  const encoded = /^polyline(6?)\((.+)\)$/.exec(text);
  const coordinates = encoded ? decodePolyline(encoded[2]!, encoded[1] ? 6 : 5) : text.split(';').map(parsePair);
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

const round1 = (value: number): number => Math.round(value * 10) / 10;

interface GeneralOptions {
  /** The coordinates to route: the requested ones, or the snapped location a hint carries. */
  routed: LonLat[];
  radiuses: (number | undefined)[];
  skipWaypoints: boolean;
  /** OSRM's waypoint objects; `indexes` maps each to its requested coordinate (identity when absent). */
  present(waypoints: Waypoint[], indexes?: number[]): OsrmWaypoint[];
}

interface OsrmWaypoint {
  location: LonLat;
  name: string;
  distance: number;
  hint?: string;
}

/**
 * OSRM's general options. A hint is this server's snapped location, base64url-encoded: given back in
 * `hints`, the coordinate is routed from there without snapping again.
 */
function readGeneralOptions(query: QueryReader, coordinates: LonLat[]): GeneralOptions {
  const count = coordinates.length;
  const bearings = query.perCoordinate('bearings', count, (part, index) => {
    const match = /^(\d+),(\d+)$/.exec(part);
    if (!match || Number(match[1]) > 360 || Number(match[2]) > 180) {
      throw new RoutingError('InvalidQuery', `bearings[${index}] must be "value,range" with value 0–360 and range 0–180 degrees, got "${part}"`);
    }
    return part;
  });
  if (bearings.some((bearing) => bearing !== undefined)) {
    throw new RoutingError('InvalidOptions', 'bearings are not supported: this road network snaps to the nearest road whatever the heading; leave them empty');
  }
  const approaches = query.perCoordinate('approaches', count, (part, index) => {
    if (!['curb', 'unrestricted', 'opposite'].includes(part)) throw new RoutingError('InvalidQuery', `approaches[${index}] must be curb, unrestricted or opposite, got "${part}"`);
    return part;
  });
  const sided = approaches.findIndex((approach) => approach !== undefined && approach !== 'unrestricted');
  if (sided >= 0) {
    throw new RoutingError('InvalidOptions', `approaches[${sided}] = ${approaches[sided]} is not supported: this road network arrives from either side of the road (unrestricted)`);
  }
  const exclude = query.text('exclude');
  if (exclude !== undefined && exclude !== '') {
    throw new RoutingError('InvalidOptions', `exclude=${exclude} is not supported: this road network has no classes (toll, motorway, ferry) to leave out`);
  }
  if (query.oneOf('snapping', ['default', 'any'] as const, 'default') === 'any') {
    throw new RoutingError('InvalidOptions', 'snapping=any is not supported: coordinates snap to roads connected to the rest of the network (default)');
  }
  const radiuses = query.perCoordinate('radiuses', count, (part, index) => {
    if (part === 'unlimited') return undefined;
    if (!DECIMAL.test(part) || Number(part) < 0) throw new RoutingError('InvalidQuery', `radiuses[${index}] must be a number of metres ≥ 0 or "unlimited", got "${part}"`);
    return Number(part);
  });
  const hints = query.perCoordinate('hints', count, (part, index) => decodeHint(part, index));
  const generateHints = query.boolean('generate_hints', true);
  const skipWaypoints = query.boolean('skip_waypoints', false);
  return {
    routed: coordinates.map((coordinate, index) => hints[index] ?? coordinate),
    radiuses,
    skipWaypoints,
    present: (waypoints, indexes) =>
      waypoints.map(({ location, name, distance }, k) => {
        const index = indexes ? indexes[k]! : k;
        // From a hint, the distance is still the one from the requested coordinate.
        const snapDistance = hints[index] ? round1(haversineMeters(coordinates[index]!, location)) : distance;
        return { ...(generateHints ? { hint: encodeHint(location) } : {}), location, name, distance: snapDistance };
      }),
  };
}

const encodeHint = ([lon, lat]: LonLat): string => Buffer.from(`${lon},${lat}`).toString('base64url');

function decodeHint(hint: string, index: number): LonLat {
  const text = /^[\w-]+$/.test(hint) ? Buffer.from(hint, 'base64url').toString('latin1') : '';
  const parts = text.split(',');
  const [lon, lat] = parts.map(Number);
  if (parts.length !== 2 || !parts.every((part) => DECIMAL.test(part)) || !(Math.abs(lon!) <= 180 && Math.abs(lat!) <= 90)) {
    throw new RoutingError('InvalidOptions', `hints[${index}] is not a hint this server gave`);
  }
  return [lon!, lat!];
}

interface RouteOutput {
  steps: boolean;
  overview: 'simplified' | 'full' | 'false';
  geometries: Geometries;
  annotations: RouteAnnotation[];
}

function readRouteOutput(query: QueryReader): RouteOutput {
  return {
    steps: query.boolean('steps', false),
    overview: query.oneOf('overview', ['simplified', 'full', 'false'] as const, 'simplified'),
    geometries: query.oneOf('geometries', ['polyline', 'polyline6', 'geojson'] as const, 'polyline'),
    annotations: query.list('annotations', ['duration', 'distance', 'speed', 'weight', 'datasources'] as const, [], true, ['nodes']),
  };
}

/** OSRM's route object. Speed, weight and datasources are derived: weight is duration (routability), one data source. */
function presentRoute(route: RouteResult['route'], output: RouteOutput) {
  const encode = (line: LineString) => encodeGeometry(line, output.geometries);
  return {
    ...(output.overview !== 'false' && route.geometry ? { geometry: encode(route.geometry) } : {}),
    legs: route.legs.map((leg) => ({
      steps: output.steps ? leg.steps.map((step) => ({ ...step, geometry: encode(step.geometry) })) : [],
      summary: leg.summary,
      weight: leg.weight,
      duration: leg.duration,
      distance: leg.distance,
      ...(output.annotations.length > 0 && leg.annotation ? { annotation: presentAnnotation(leg.annotation, output.annotations) } : {}),
    })),
    weight_name: route.weight_name,
    weight: route.weight,
    duration: route.duration,
    distance: route.distance,
  };
}

function presentAnnotation({ distance, duration }: NonNullable<RouteLeg['annotation']>, names: RouteAnnotation[]) {
  const values: Record<RouteAnnotation, () => number[]> = {
    distance: () => distance,
    duration: () => duration,
    speed: () => distance.map((meters, i) => (duration[i]! > 0 ? round1(meters / duration[i]!) : 0)),
    weight: () => duration,
    datasources: () => duration.map(() => 0),
  };
  return {
    ...Object.fromEntries(names.map((name) => [name, values[name]()])),
    ...(names.includes('datasources') ? { metadata: { datasource_names: ['lua profile'] } } : {}),
  };
}

/**
 * OSRM's `waypoints`: the coordinates between two listed ones are passed through, not stopped at, so their
 * legs join into one (without the arrive and depart steps between them).
 */
function mergeLegs({ route }: RouteResult, legEnds: number[]): RouteResult['route'] {
  const legs = legEnds.slice(1).map((end, k) => {
    const parts = route.legs.slice(legEnds[k], end);
    const sum = (key: 'distance' | 'duration' | 'weight') => round1(parts.reduce((total, leg) => total + leg[key], 0));
    const steps = parts.flatMap((leg, p) => leg.steps.filter((_step, s) => !(p > 0 && s === 0) && !(p < parts.length - 1 && s === leg.steps.length - 1)));
    const summaries = [...new Set(parts.map((leg) => leg.summary).filter((summary) => summary !== ''))];
    const annotated = parts.every((leg) => leg.annotation);
    return {
      distance: sum('distance'),
      duration: sum('duration'),
      weight: sum('weight'),
      summary: summaries.slice(0, 2).join(', '),
      steps,
      ...(annotated ? { annotation: { distance: parts.flatMap((leg) => leg.annotation!.distance), duration: parts.flatMap((leg) => leg.annotation!.duration) } } : {}),
    };
  });
  return { ...route, legs };
}

/**
 * OSRM's radiuses (VROOM sends 35 m for every location): no road within the radius is NoSegment for that
 * coordinate. Otherwise the provider snaps as always, to the nearest road, which is then within the radius.
 */
async function checkRadiuses(provider: RoutingProvider, coordinates: LonLat[], radiuses: (number | undefined)[]): Promise<void> {
  await Promise.all(
    radiuses.map(async (radius, index) => {
      if (radius === undefined) return;
      await provider.nearest(coordinates[index]!, radius).catch((error: unknown) => {
        if (error instanceof RoutingError && error.code === 'NoSegment') {
          throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate ${index} within ${radius} m`, index);
        }
        throw error;
      });
    }),
  );
}

/**
 * Reads OSRM's query options. A value outside OSRM's grammar is InvalidQuery naming the option and what it
 * accepts (as OSRM's parser refuses it); a well-formed request OSRM would refuse too is InvalidOptions.
 */
class QueryReader {
  constructor(
    private readonly request: Request,
    allowed: string[],
  ) {
    const unknown = Object.keys(request.query).find((name) => !allowed.includes(name));
    if (unknown !== undefined) throw new RoutingError('InvalidQuery', `Query string malformed: unknown option "${unknown}"; this service takes ${allowed.join(', ')}`);
  }

  text(name: string): string | undefined {
    const value = this.request.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new RoutingError('InvalidQuery', `${name} must be given once`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') throw new RoutingError('InvalidQuery', `${name} must be true or false, got "${value}"`);
    return value === 'true';
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.text(name) ?? fallback;
    if (!allowed.includes(value as T)) throw new RoutingError('InvalidQuery', `${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  }

  positiveInteger(name: string, fallback: number): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(value)) throw new RoutingError('InvalidQuery', `${name} must be a positive integer, got "${value}"`);
    return Number(value);
  }

  positiveNumber(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!DECIMAL.test(value) || !(Number(value) > 0)) throw new RoutingError('InvalidQuery', `${name} must be a number > 0, got "${value}"`);
    return Number(value);
  }

  /** `alternatives`: true, false or a number of them. */
  alternatives(): void {
    const value = this.text('alternatives');
    if (value !== undefined && !/^(true|false|\d+)$/.test(value)) throw new RoutingError('InvalidQuery', `alternatives must be true, false or a number, got "${value}"`);
  }

  /**
   * A comma list of `available` names, or true (all of them when `trueIsAll`), or false. Names OSRM knows
   * but this network cannot give (`unavailable`) are InvalidOptions.
   */
  list<T extends string>(name: string, available: readonly T[], fallback: T[], trueIsAll: boolean, unavailable: string[] = []): T[] {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (value === 'true' && trueIsAll) return [...available];
    if (value === 'false') return [];
    const names = value.split(',');
    const missing = names.find((part) => unavailable.includes(part));
    if (missing !== undefined) throw new RoutingError('InvalidOptions', `${name}: "${missing}" is not available (no OSM node ids); use ${available.join(',')}`);
    const unknown = names.find((part) => !available.includes(part as T));
    if (unknown !== undefined) throw new RoutingError('InvalidQuery', `${name}: "${unknown}" is not one of true, false, ${available.join(', ')}`);
    return names as T[];
  }

  /** 'all' or absent → undefined (every coordinate); otherwise indexes separated by ';'. */
  indexes(name: 'sources' | 'destinations', coordinateCount: number): number[] | undefined {
    const value = this.text(name);
    if (value === undefined || value === 'all') return undefined;
    return value.split(';').map((part, position) => {
      if (!/^\d+$/.test(part) || Number(part) >= coordinateCount) {
        throw new RoutingError('InvalidQuery', `${name}[${position}] = "${part}" is not a coordinate index (0–${coordinateCount - 1})`);
      }
      return Number(part);
    });
  }

  /** Route `waypoints`: increasing coordinate indexes, the first and the last among them. */
  waypoints(coordinateCount: number): number[] | undefined {
    const value = this.text('waypoints');
    if (value === undefined) return undefined;
    const parsed = value.split(';').map((part, position) => {
      if (!/^\d+$/.test(part) || Number(part) >= coordinateCount) {
        throw new RoutingError('InvalidQuery', `waypoints[${position}] = "${part}" is not a coordinate index (0–${coordinateCount - 1})`);
      }
      return Number(part);
    });
    if (parsed[0] !== 0 || parsed.at(-1) !== coordinateCount - 1) throw new RoutingError('InvalidOptions', 'First and last coordinates must be specified as waypoints.');
    if (parsed.some((index, k) => k > 0 && index <= parsed[k - 1]!)) throw new RoutingError('InvalidOptions', 'waypoints must be increasing coordinate indexes');
    return parsed;
  }

  /** One value per coordinate separated by ';', empty for "none given"; the wrong count is InvalidOptions, as in OSRM. */
  perCoordinate<T>(name: string, coordinateCount: number, parse: (part: string, index: number) => T): (T | undefined)[] {
    const value = this.text(name);
    if (value === undefined) return [];
    const parts = value.split(';');
    if (parts.length !== coordinateCount) {
      throw new RoutingError('InvalidOptions', `Number of ${name} (${parts.length}) does not match number of coordinates (${coordinateCount})`);
    }
    return parts.map((part, index) => (part === '' ? undefined : parse(part, index)));
  }
}
