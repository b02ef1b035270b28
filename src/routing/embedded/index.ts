/**
 * The embedded routing provider: car routing over an OSM extract, no external server.
 * First start: PBF → road network → contraction hierarchy, saved under cacheDir keyed by the PBF's
 * content hash and the builder version. Later starts reload that file.
 */
import { roadLinesInBox, type BoundingBox, type RoadLine } from './basemap';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RoutingError, type NearestResult, type RoadMatrix, type RouteLeg, type RouteRequest, type RouteResult, type RoutingProvider, type TableRequest, type TableResult, type Waypoint } from '../provider';
import { readGraphCache, writeGraphCache } from './cache';
import { convexHull } from './geo';
import { contract, type Hierarchy } from './contraction';
import { Guidance, pointEdges } from './guidance';
import { buildRoadNetwork, type RoadNetwork, type WayInfo } from './road-network';
import { HierarchySearch, type PathResult, type Phantom } from './search';
import { SegmentIndex, type Snap } from './snap';
import type { LonLat } from '../../domain/model/geometry';

/** Bump whenever the graph or its file layout changes, so old caches are rebuilt. */
const builderVersion = 7;
/** Points farther than this from any road are refused rather than snapped kilometres away. */
export const maxSnapMeters = 1000;
const maxCachedSnaps = 100_000;
/** A leg holds its geometry, ~50 points in a town: 20,000 legs are a few tens of MB. */
const maxCachedLegs = 20_000;

export interface EmbeddedRoutingStats {
  /** Routable directed road edges: the nodes of the edge-based graph. */
  nodes: number;
  /** Allowed turns: the arcs of the edge-based graph. */
  edges: number;
  shortcuts: number;
  loadedFromCache: boolean;
  /** Milliseconds to build or reload the graph, spatial index included. */
  buildMs: number;
  /** Bytes held by the graph's typed arrays and the spatial index. */
  memoryBytes?: number;
}

export interface EmbeddedRouting extends RoutingProvider {
  matrix(coordinates: LonLat[]): Promise<RoadMatrix>;
  stats(): EmbeddedRoutingStats;
  /** The graph on shared memory, for worker threads to route on without a copy (createEmbeddedRouter). */
  sharedGraph(): SharedGraph;
  /** Road geometry for an offline base map. */
  roadsInBox(box: BoundingBox, maxLines: number): RoadLine[];
  /** The network's convex hull, a closed ring: the default service area of depots. */
  extent(): LonLat[];
}

export interface EmbeddedRoutingOptions {
  pbfPath: string;
  cacheDir: string;
  log?: (message: string) => void;
}

/** The graph's typed arrays, each on a SharedArrayBuffer, and its ways: what a worker thread routes on. */
export interface SharedGraph {
  network: RoadNetwork;
  hierarchy: Hierarchy;
}

const networkArrays = [
  'pointLon', 'pointLat', 'segmentFirst', 'segmentPoints', 'segmentWay', 'segmentMeters',
  'edgeSeconds', 'edgeInMain', 'turnFirst', 'turnTarget', 'turnCostSeconds', 'turnPenaltySeconds',
] as const;
const hierarchyArrays = [
  'rank', 'arcFrom', 'arcTo', 'arcWeight', 'arcSeconds', 'arcMeters', 'arcFirstChild', 'arcSecondChild', 'upFirst', 'upArc', 'downFirst', 'downArc', 'loopArc',
] as const;

export async function loadEmbeddedRouting(options: EmbeddedRoutingOptions): Promise<EmbeddedRouting> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  if (!existsSync(options.pbfPath)) throw new Error(`OSM extract not found at ${options.pbfPath} (set OSM_PBF to a .osm.pbf file)`);
  const pbf = readFileSync(options.pbfPath);
  const hash = createHash('sha256').update(pbf).digest('hex').slice(0, 16);
  const cachePath = join(options.cacheDir, `road-graph-${hash}-v${builderVersion}.bin`);

  const cached = existsSync(cachePath) ? readCache(cachePath, log) : null;
  let network: RoadNetwork;
  let hierarchy: Hierarchy;
  if (cached) {
    ({ network, hierarchy } = cached);
    log(`road graph loaded from ${cachePath} in ${Math.round(performance.now() - started)} ms`);
  } else {
    log(`building road graph from ${options.pbfPath} (first start; cached afterwards)`);
    network = buildRoadNetwork(pbf);
    hierarchy = contract(network);
    writeGraphCache(cachePath, { ...pick(network, networkArrays), ...pick(hierarchy, hierarchyArrays) }, { ways: network.ways });
    // Caches of this extract made by older builders are dead weight now.
    for (const name of readdirSync(options.cacheDir)) {
      if (name.startsWith(`road-graph-${hash}-v`) && name.endsWith('.bin') && join(options.cacheDir, name) !== cachePath) {
        rmSync(join(options.cacheDir, name), { force: true });
      }
    }
    log(`road graph built in ${Math.round(performance.now() - started)} ms and cached at ${cachePath}`);
  }
  const loadedFromCache = cached !== null;
  // On shared memory once, so worker threads read the same graph (13 MB for Heidelberg) instead of copies.
  const router = new EmbeddedRouter(shareArrays(network), shareArrays(hierarchy), loadedFromCache);
  router.warmUp();
  router.buildMs = performance.now() - started;
  return router;
}

/** A router on a graph another thread loaded (sharedGraph()), for worker threads. */
export function createEmbeddedRouter(graph: SharedGraph): EmbeddedRouting {
  return new EmbeddedRouter(graph.network, graph.hierarchy, true);
}

/** The same object with each typed array copied onto a SharedArrayBuffer. */
function shareArrays<T extends object>(source: T): T {
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (!ArrayBuffer.isView(value) || value instanceof DataView) {
      shared[key] = value;
      continue;
    }
    const array = value as unknown as { constructor: new (buffer: SharedArrayBuffer) => ArrayBufferView & { set(from: ArrayLike<number>): void }; byteLength: number };
    const copy = new array.constructor(new SharedArrayBuffer(array.byteLength));
    copy.set(value as unknown as ArrayLike<number>);
    shared[key] = copy;
  }
  return shared as T;
}

/** The cached graph, or null (and a rebuild) when the file is unreadable, e.g. cut short by a crash. */
function readCache(path: string, log: (message: string) => void): { network: RoadNetwork; hierarchy: Hierarchy } | null {
  try {
    const { arrays, meta } = readGraphCache(path);
    const missing = [...networkArrays, ...hierarchyArrays].filter((name) => !arrays[name]);
    if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}`);
    return {
      network: { ...pick(arrays, networkArrays), ways: (meta as { ways: WayInfo[] }).ways } as RoadNetwork,
      hierarchy: pick(arrays, hierarchyArrays) as unknown as Hierarchy,
    };
  } catch (error) {
    log(`ignoring unreadable road graph cache ${path}: ${(error as Error).message}`);
    return null;
  }
}

function pick<K extends string, T>(source: Record<string, T> | object, keys: readonly K[]): Record<K, T> {
  const picked = {} as Record<K, T>;
  for (const key of keys) picked[key] = (source as Record<string, T>)[key]!;
  return picked;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const roundCoordinate = ([lon, lat]: LonLat): LonLat => [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];

class EmbeddedRouter implements EmbeddedRouting {
  readonly name = 'embedded' as const;
  private readonly index: SegmentIndex;
  /** Snaps within maxSnapMeters by coordinate (null: no road that close). */
  private readonly snaps = new Map<string, Snap | null>();
  private readonly legs = new Map<string, CachedLeg>();
  private readonly search: HierarchySearch;
  private readonly guidance: Guidance;

  constructor(
    private readonly network: RoadNetwork,
    private readonly hierarchy: Hierarchy,
    private readonly loadedFromCache: boolean,
  ) {
    this.index = new SegmentIndex(network);
    this.search = new HierarchySearch(network, hierarchy);
    this.guidance = new Guidance(network, pointEdges(network));
  }

  buildMs = 0;

  /** Runs the hot loops once on a small table and route, so the first real request finds them compiled. */
  warmUp(): void {
    const phantoms: Phantom[] = [];
    const { edgeSeconds } = this.network;
    const step = Math.max(1, Math.floor(edgeSeconds.length / 64));
    for (let edge = 0; edge < edgeSeconds.length && phantoms.length < 64; edge += step) {
      if (edgeSeconds[edge]! >= 0) phantoms.push({ edges: [{ edge, fraction: 0.5 }] });
    }
    if (phantoms.length < 2) return;
    this.search.manyToMany(phantoms, phantoms);
    const path = this.search.shortestPath(phantoms[0]!, phantoms[phantoms.length - 1]!);
    if (path) this.guidance.leg(path, [0, 0], [0, 0], true);
  }

  roadsInBox(box: BoundingBox, maxLines: number): RoadLine[] {
    return roadLinesInBox(this.network, box, maxLines);
  }

  extent(): LonLat[] {
    const { pointLon, pointLat } = this.network;
    return convexHull(Array.from(pointLon, (lon, index): LonLat => [lon, pointLat[index]!]));
  }

  stats(): EmbeddedRoutingStats {
    let nodes = 0;
    for (const seconds of this.network.edgeSeconds) if (seconds >= 0) nodes++;
    const edges = this.network.turnTarget.length;
    const arrays = [...Object.values(this.network), ...Object.values(this.hierarchy)].filter(ArrayBuffer.isView) as ArrayBufferView[];
    return {
      nodes,
      edges,
      shortcuts: this.hierarchy.arcFrom.length - edges,
      loadedFromCache: this.loadedFromCache,
      buildMs: Math.round(this.buildMs),
      memoryBytes: arrays.reduce((sum, array) => sum + array.byteLength, 0) + this.index.byteLength,
    };
  }

  private snapAll(coordinates: LonLat[], indexes: number[] = coordinates.map((_, i) => i)): Map<number, Snap> {
    const snaps = new Map<number, Snap>();
    for (const i of indexes) {
      if (!snaps.has(i)) snaps.set(i, this.snapOne(coordinates[i], i, maxSnapMeters));
    }
    return snaps;
  }

  private snapOne(coordinate: LonLat | undefined, index: number, maxMeters: number): Snap {
    if (!Array.isArray(coordinate) || coordinate.length !== 2) {
      throw new RoutingError('InvalidValue', `Coordinate ${index} must be a [lon, lat] pair`, index);
    }
    const [lon, lat] = coordinate;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new RoutingError('InvalidValue', `Coordinate ${index} is not a valid [lon, lat]: longitude in [-180, 180], latitude in [-90, 90]`, index);
    }
    if (maxMeters > maxSnapMeters) {
      const far = this.index.snap(lon, lat, maxMeters);
      if (!far) throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate ${index} within ${maxMeters} m`, index);
      return far;
    }
    const key = `${lon},${lat}`;
    let snap = this.snaps.get(key);
    if (snap === undefined) {
      snap = this.index.snap(lon, lat, maxSnapMeters);
      // The same places (a day's stops) are snapped again and again; the oldest go first.
      if (this.snaps.size >= maxCachedSnaps) this.snaps.delete(this.snaps.keys().next().value!);
      this.snaps.set(key, snap);
    }
    if (!snap || snap.distanceMeters > maxMeters) throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate ${index} within ${maxMeters} m`, index);
    return snap;
  }

  private waypoint(snap: Snap): Waypoint {
    return {
      location: roundCoordinate(snap.location),
      name: this.network.ways[this.network.segmentWay[snap.segment]!]!.name,
      distance: round1(snap.distanceMeters),
    };
  }

  private checkIndexes(indexes: number[] | undefined, count: number, field: string): number[] {
    if (!indexes) return Array.from({ length: count }, (_, i) => i);
    for (const i of indexes) {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new RoutingError('InvalidValue', `${field} index ${i} is out of range (0..${count - 1})`);
    }
    return indexes;
  }

  async table(request: TableRequest): Promise<TableResult> {
    const { coordinates } = request;
    if (coordinates.length === 0) throw new RoutingError('InvalidQuery', 'A table needs at least one coordinate');
    const sources = this.checkIndexes(request.sources, coordinates.length, 'sources');
    const destinations = this.checkIndexes(request.destinations, coordinates.length, 'destinations');
    const snaps = this.snapAll(coordinates, [...sources, ...destinations]);
    const { seconds, meters } = this.search.manyToMany(
      sources.map((i) => snaps.get(i)!),
      destinations.map((i) => snaps.get(i)!),
    );
    const rows = (values: Float64Array): (number | null)[][] => {
      const result: (number | null)[][] = new Array(sources.length);
      for (let i = 0, cell = 0; i < sources.length; i++) {
        const row: (number | null)[] = new Array(destinations.length);
        for (let j = 0; j < destinations.length; j++, cell++) {
          const value = values[cell]!;
          row[j] = value === Infinity ? null : Math.round(value * 10) / 10;
        }
        result[i] = row;
      }
      return result;
    };
    return {
      durations: rows(seconds),
      distances: rows(meters),
      sources: sources.map((i) => this.waypoint(snaps.get(i)!)),
      destinations: destinations.map((i) => this.waypoint(snaps.get(i)!)),
    };
  }

  async matrix(coordinates: LonLat[]): Promise<RoadMatrix> {
    const table = this.manyToMany(coordinates);
    const size = coordinates.length;
    const whole = (values: Float64Array): Float64Array => {
      const result = new Float64Array(new SharedArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT));
      // Rounded as table() answers, then to whole units as plans read a table: the same numbers either way.
      for (let cell = 0; cell < values.length; cell++) {
        const value = values[cell]!;
        result[cell] = value === Infinity ? NaN : Math.round(Math.round(value * 10) / 10);
      }
      return result;
    };
    return { size, durations: whole(table.seconds), distances: whole(table.meters), snapMeters: table.snaps.map((snap) => round1(snap.distanceMeters)) };
  }

  sharedGraph(): SharedGraph {
    return { network: this.network, hierarchy: this.hierarchy };
  }

  /** Every coordinate to every coordinate; throws NoSegment naming the first one no road is near. */
  private manyToMany(coordinates: LonLat[]): { seconds: Float64Array; meters: Float64Array; snaps: Snap[] } {
    if (coordinates.length === 0) throw new RoutingError('InvalidQuery', 'A table needs at least one coordinate');
    const snaps = [...this.snapAll(coordinates).values()];
    return { ...this.search.manyToMany(snaps, snaps), snaps };
  }

  async route(request: RouteRequest): Promise<RouteResult> {
    const { coordinates } = request;
    if (coordinates.length < 2) throw new RoutingError('InvalidQuery', 'A route needs at least two coordinates');
    const snaps = coordinates.map((coordinate, i) => this.snapOne(coordinate, i, maxSnapMeters));
    const legs = [];
    const geometry: LonLat[] = [];
    // Like OSRM's car profile, carry on in the direction of arrival at a via point instead of turning round there.
    let arrival: Phantom | null = null;
    for (let i = 1; i < snaps.length; i++) {
      const { leg, coordinates: legCoordinates, arrivalEdge } = this.leg(arrival, snaps[i - 1]!, snaps[i]!, i, request);
      arrival = request.continueStraight === false ? null : { edges: [arrivalEdge] };
      legs.push({ ...leg });
      geometry.push(...(geometry.length > 0 ? legCoordinates.slice(1) : legCoordinates));
    }
    const duration = round1(legs.reduce((sum, leg) => sum + leg.duration, 0));
    const overview = request.overview ?? 'full';
    return {
      route: {
        distance: round1(legs.reduce((sum, leg) => sum + leg.distance, 0)),
        duration,
        weight: duration,
        weight_name: 'routability',
        ...(overview === 'false' ? {} : { geometry: { type: 'LineString' as const, coordinates: (overview === 'simplified' ? simplify(geometry) : geometry).map(roundCoordinate) } }),
        legs,
      },
      waypoints: snaps.map((snap) => this.waypoint(snap)),
    };
  }

  /**
   * One leg, continuing from how the previous one arrived. Legs without steps are kept (least recently used out):
   * a route recomputed after an edit mostly drives the legs it drove before.
   */
  private leg(arrival: Phantom | null, from: Snap, to: Snap, index: number, request: RouteRequest): CachedLeg {
    const steps = request.steps ?? false;
    const key = steps ? null : `${arrival ? phantomKey(arrival) : `@${phantomKey(from)}`}>${phantomKey(to)}${request.annotations ? '+a' : ''}`;
    const cached = key === null ? undefined : this.legs.get(key);
    if (cached) {
      this.legs.delete(key!);
      this.legs.set(key!, cached);
      return cached;
    }
    const path: PathResult | null = (arrival && this.search.shortestPath(arrival, to)) ?? this.search.shortestPath(from, to);
    if (!path) throw new RoutingError('NoRoute', `No route found between coordinates ${index - 1} and ${index}`);
    const { leg, coordinates } = this.guidance.leg(path, from.location, to.location, steps);
    if (!request.annotations) delete leg.annotation;
    const result = { leg, coordinates, arrivalEdge: { edge: path.edges[path.edges.length - 1]!, fraction: path.endFraction } };
    if (key !== null) {
      if (this.legs.size >= maxCachedLegs) this.legs.delete(this.legs.keys().next().value!);
      this.legs.set(key, result);
    }
    return result;
  }

  async nearest(coordinate: LonLat, maxDistanceMeters = Infinity): Promise<NearestResult> {
    return this.waypoint(this.snapOne(coordinate, 0, maxDistanceMeters));
  }

  async nearestSegments(coordinate: LonLat, count: number, maxDistanceMeters = Infinity): Promise<NearestResult[]> {
    const nearest = this.snapOne(coordinate, 0, maxDistanceMeters);
    if (count === 1) return [this.waypoint(nearest)];
    const snaps = this.index.snapMany(coordinate[0], coordinate[1], count, Math.min(maxDistanceMeters, Math.max(maxSnapMeters, nearest.distanceMeters)));
    return (snaps.length > 0 ? snaps : [nearest]).map((snap) => this.waypoint(snap));
  }
}

interface CachedLeg {
  leg: RouteLeg;
  coordinates: LonLat[];
  /** Where the leg ends up: the next leg carries on from here. */
  arrivalEdge: { edge: number; fraction: number };
}

const phantomKey = (phantom: Phantom) => phantom.edges.map(({ edge, fraction }) => `${edge}:${fraction}`).join('|');

/** Douglas–Peucker in degrees (about 10 m tolerance), enough for an overview line. */
function simplify(points: LonLat[], tolerance = 1e-4): LonLat[] {
  if (points.length <= 2) return points;
  const [a, b] = [points[0]!, points[points.length - 1]!];
  let farthest = 0;
  let index = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const length = Math.hypot(dx, dy);
    const distance = length === 0 ? Math.hypot(p[0] - a[0], p[1] - a[1]) : Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / length;
    if (distance > farthest) [farthest, index] = [distance, i];
  }
  if (farthest <= tolerance) return [a, b];
  return [...simplify(points.slice(0, index + 1), tolerance).slice(0, -1), ...simplify(points.slice(index), tolerance)];
}
