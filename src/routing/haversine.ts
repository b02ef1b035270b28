/**
 * Straight lines for places without a road graph: great-circle distance × a detour factor, at a fixed speed.
 * Every point is "on the road", so nearest returns the point itself and every pair is routable.
 */
import { RoutingError, type NearestResult, type RouteLeg, type RouteRequest, type RouteResult, type RouteStep, type RoutingProvider, type TableRequest, type TableResult, type Waypoint } from './provider';
import { checkCoordinates, tableIndexes } from './coordinates';
import type { LonLat } from '../domain/model/geometry';

const EARTH_RADIUS_METERS = 6_371_008.8;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

export function haversineMeters([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number {
  const dLat = toRadians(lat2 - lat1);
  const dLon = toRadians(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Initial compass bearing from one point to another, in whole degrees 0–359 as OSRM reports them. */
export function bearingDegrees([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number {
  const y = Math.sin(toRadians(lon2 - lon1)) * Math.cos(toRadians(lat2));
  const x =
    Math.cos(toRadians(lat1)) * Math.sin(toRadians(lat2)) -
    Math.sin(toRadians(lat1)) * Math.cos(toRadians(lat2)) * Math.cos(toRadians(lon2 - lon1));
  return Math.round((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

export interface HaversineOptions {
  /** Road distance over straight-line distance. */
  detourFactor?: number;
  speedKmh?: number;
}

/** OSRM rounds table cells to 0.1; so do we, so both read the same. */
const roundTenth = (value: number) => Math.round(value * 10) / 10;

export function createHaversineProvider({ detourFactor = 1.3, speedKmh = 30 }: HaversineOptions = {}): RoutingProvider {
  if (!(detourFactor >= 1)) throw new Error(`haversine detourFactor must be ≥ 1, got ${detourFactor}`);
  if (!(speedKmh > 0)) throw new Error(`haversine speedKmh must be > 0, got ${speedKmh}`);
  const metersPerSecond = speedKmh / 3.6;

  const roadMeters = (from: LonLat, to: LonLat) => haversineMeters(from, to) * detourFactor;
  const waypoint = (location: LonLat): Waypoint => ({ location: [location[0], location[1]], name: '', distance: 0 });

  function leg(from: LonLat, to: LonLat, withSteps: boolean, withAnnotations: boolean): RouteLeg {
    const distance = roadMeters(from, to);
    const duration = distance / metersPerSecond;
    const bearing = bearingDegrees(from, to);
    const steps: RouteStep[] = withSteps
      ? [
          step(from, [from, to], distance, duration, { type: 'depart', bearing_before: 0, bearing_after: bearing }),
          step(to, [to, to], 0, 0, { type: 'arrive', bearing_before: bearing, bearing_after: 0 }),
        ]
      : [];
    return {
      distance,
      duration,
      weight: duration,
      summary: '',
      steps,
      ...(withAnnotations ? { annotation: { distance: [distance], duration: [duration] } } : {}),
    };
  }

  function step(
    location: LonLat,
    coordinates: LonLat[],
    distance: number,
    duration: number,
    maneuver: { type: 'depart' | 'arrive'; bearing_before: number; bearing_after: number },
  ): RouteStep {
    const isDepart = maneuver.type === 'depart';
    return {
      distance,
      duration,
      geometry: { type: 'LineString', coordinates },
      name: '',
      mode: 'driving',
      driving_side: 'right',
      weight: duration,
      maneuver: { location, ...maneuver },
      intersections: [
        isDepart
          ? { location, bearings: [maneuver.bearing_after], entry: [true], out: 0 }
          : { location, bearings: [(maneuver.bearing_before + 180) % 360], entry: [true], in: 0 },
      ],
    };
  }

  return {
    name: 'haversine',

    async table({ coordinates, sources, destinations }: TableRequest): Promise<TableResult> {
      checkCoordinates(coordinates);
      const from = tableIndexes('sources', sources, coordinates.length);
      const to = tableIndexes('destinations', destinations, coordinates.length);
      const distances = from.map((i) => to.map((j) => roundTenth(roadMeters(coordinates[i], coordinates[j]))));
      return {
        distances,
        durations: distances.map((row) => row.map((meters) => roundTenth(meters / metersPerSecond))),
        sources: from.map((i) => waypoint(coordinates[i])),
        destinations: to.map((j) => waypoint(coordinates[j])),
      };
    },

    async route({ coordinates, steps = false, overview = 'full', annotations = false }: RouteRequest): Promise<RouteResult> {
      checkCoordinates(coordinates);
      if (coordinates.length < 2) throw new RoutingError('InvalidQuery', 'A route needs at least two coordinates');
      const legs = coordinates.slice(1).map((to, index) => leg(coordinates[index], to, steps, annotations));
      const distance = legs.reduce((sum, { distance }) => sum + distance, 0);
      const duration = legs.reduce((sum, { duration }) => sum + duration, 0);
      return {
        route: {
          distance,
          duration,
          weight: duration,
          weight_name: 'duration',
          ...(overview === 'false' ? {} : { geometry: { type: 'LineString' as const, coordinates: coordinates.map(([lon, lat]): LonLat => [lon, lat]) } }),
          legs,
        },
        waypoints: coordinates.map(waypoint),
      };
    },

    async nearest(coordinate: LonLat): Promise<NearestResult> {
      checkCoordinates([coordinate]);
      return waypoint(coordinate);
    },
  };
}
