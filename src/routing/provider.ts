/**
 * One interface over every road network: the embedded OSM graph, a real OSRM server, or straight lines.
 * Shapes follow OSRM v5 (route/table/nearest), which osrm-text-instructions and VROOM read.
 * Units: seconds, metres, [lon, lat].
 */
import type { LonLat } from '../domain/model/geometry';

export interface TableRequest {
  coordinates: LonLat[];
  /** Indexes into coordinates; all when absent. */
  sources?: number[];
  destinations?: number[];
}

export interface TableResult {
  /** durations[i][j] from sources[i] to destinations[j]; null where no route exists. */
  durations: (number | null)[][];
  distances: (number | null)[][];
  sources: Waypoint[];
  destinations: Waypoint[];
}

export interface Waypoint {
  /** Snapped location on the road network. */
  location: LonLat;
  /** Street name at the snapped point ("" when unnamed). */
  name: string;
  /** Metres from the requested coordinate to the snapped one. */
  distance: number;
}

export interface RouteRequest {
  coordinates: LonLat[];
  steps?: boolean;
  /** 'full' (default), 'simplified' or 'false' as in OSRM. */
  overview?: 'full' | 'simplified' | 'false';
  annotations?: boolean;
  /** OSRM's continue_straight: carry on in the direction of arrival at a via point (default) or allow turning round there. */
  continueStraight?: boolean;
}

export interface StepManeuver {
  location: LonLat;
  bearing_before: number;
  bearing_after: number;
  type: string;
  modifier?: string;
  exit?: number;
}

export interface Intersection {
  location: LonLat;
  bearings: number[];
  entry: boolean[];
  in?: number;
  out?: number;
}

export interface RouteStep {
  distance: number;
  duration: number;
  /** GeoJSON LineString of this step. */
  geometry: { type: 'LineString'; coordinates: LonLat[] };
  name: string;
  ref?: string;
  mode: 'driving';
  driving_side: 'right' | 'left';
  weight: number;
  maneuver: StepManeuver;
  intersections: Intersection[];
  rotary_name?: string;
  destinations?: string;
}

export interface RouteLeg {
  distance: number;
  duration: number;
  weight: number;
  summary: string;
  steps: RouteStep[];
  annotation?: { distance: number[]; duration: number[] };
}

export interface Route {
  distance: number;
  duration: number;
  weight: number;
  weight_name: string;
  /** GeoJSON LineString of the whole route; absent with overview 'false'. */
  geometry?: { type: 'LineString'; coordinates: LonLat[] };
  legs: RouteLeg[];
}

export interface RouteResult {
  route: Route;
  waypoints: Waypoint[];
}

export type NearestResult = Waypoint;

/**
 * A table as plans use it: whole seconds and metres (rounded as `table` answers and then to whole units), row-major
 * size × size on shared memory, NaN where no road leads; and each place's metres to where it was snapped.
 */
export interface RoadMatrix {
  size: number;
  durations: Float64Array;
  distances: Float64Array;
  snapMeters: number[];
}

export interface RoutingProvider {
  readonly name: 'embedded' | 'osrm' | 'haversine';
  table(request: TableRequest): Promise<TableResult>;
  /** Every place to every place as a RoadMatrix, when the provider builds one without nested rows (the embedded graph does). */
  matrix?(coordinates: LonLat[]): Promise<RoadMatrix>;
  /** Throws RoutingError('NoRoute') when the waypoints are not connected. */
  route(request: RouteRequest): Promise<RouteResult>;
  /** Throws RoutingError('NoSegment') when the point is farther than maxDistanceMeters from any road. */
  nearest(coordinate: LonLat, maxDistanceMeters?: number): Promise<NearestResult>;
  /** Up to `count` nearest road segments, nearest first (OSRM's nearest with `number`); absent: only the nearest is known. */
  nearestSegments?(coordinate: LonLat, count: number, maxDistanceMeters?: number): Promise<NearestResult[]>;
  close?(): Promise<void>;
  /** The network's extent as a closed ring, when the provider knows it (the embedded graph does). */
  extent?(): LonLat[];
}

/** OSRM's error codes, plus RoutingUnavailable for a server that does not answer. */
export type RoutingErrorCode =
  | 'InvalidQuery'
  | 'InvalidValue'
  | 'InvalidOptions'
  | 'InvalidService'
  | 'InvalidVersion'
  | 'NotImplemented'
  | 'NoSegment'
  | 'TooBig'
  | 'NoRoute'
  | 'NoTrips'
  | 'RoutingUnavailable';

export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
    /** Index of the offending coordinate, when one is to blame. */
    readonly coordinateIndex?: number,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}
