/**
 * Turns a driven path (directed edges, partial first and last) into an OSRM v5 route leg: geometry,
 * per-segment annotations, and steps whose maneuvers (depart, turn, new name, continue, roundabout,
 * on/off ramp, merge, fork, end of road, arrive) osrm-text-instructions renders as English.
 */
import type { Intersection, RouteLeg, RouteStep, StepManeuver } from '../provider';
import { bearingDegrees, haversineMeters, turnAngleDegrees } from './geo';
import { edgeBearings, edgeEndpoints, edgePoints, type RoadNetwork, type WayInfo } from './road-network';
import type { PathResult } from './search';
import type { LonLat } from '../../domain/model/geometry';

/** Edges leaving each point (routable or not), to describe intersections. */
export interface PointEdges {
  first: Int32Array;
  edges: Int32Array;
}

export function pointEdges(network: RoadNetwork): PointEdges {
  const pointCount = network.pointLon.length;
  const first = new Int32Array(pointCount + 1);
  const edgeTotal = network.edgeSeconds.length;
  const from = new Int32Array(edgeTotal);
  for (let e = 0; e < edgeTotal; e++) {
    from[e] = edgeEndpoints(network, e)[0];
    first[from[e]! + 1]!++;
  }
  for (let p = 0; p < pointCount; p++) first[p + 1]! += first[p]!;
  const fill = first.slice(0, pointCount);
  const edges = new Int32Array(edgeTotal);
  for (let e = 0; e < edgeTotal; e++) edges[fill[from[e]!]!++] = e;
  return { first, edges };
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const roundBearing = (value: number): number => Math.round(value) % 360;
const isMajorRoad = (highway: string): boolean => highway === 'motorway' || highway === 'trunk';
const isLink = (highway: string): boolean => highway.endsWith('_link');

const isRampTo = (highway: string): boolean => highway === 'motorway_link' || highway === 'trunk_link';

/**
 * Same street for announcing purposes: equal names; or, when a name is missing on either side, a shared
 * ref ("L 598" continues "Sandhäuser Straße (L 598)", "B 3" is part of "B 3;B 535").
 */
function sameRoad(a: WayInfo, b: WayInfo): boolean {
  if (a.name && b.name) return a.name === b.name;
  if (!a.ref && !b.ref) return !a.name && !b.name;
  const refsA = a.ref.split(';').map((r) => r.trim());
  return b.ref.split(';').some((r) => r.trim() !== '' && refsA.includes(r.trim()));
}

export function modifierOf(angle: number): string {
  const size = Math.abs(angle);
  if (size < 20) return 'straight';
  if (size >= 170) return 'uturn';
  const side = angle > 0 ? 'right' : 'left';
  if (size < 60) return `slight ${side}`;
  if (size < 140) return side;
  return `sharp ${side}`;
}

interface EdgePart {
  edge: number;
  coordinates: LonLat[];
  meters: number;
  seconds: number;
}

interface StepStart {
  /** Index into the path's edges of the first edge driven in this step. */
  at: number;
  maneuver: StepManeuver;
  /** Way whose name the step carries (the exit road for roundabouts). */
  way: WayInfo;
}

export class Guidance {
  constructor(
    private readonly network: RoadNetwork,
    private readonly leaving: PointEdges,
  ) {}

  private way(edge: number): WayInfo {
    return this.network.ways[this.network.segmentWay[edge >> 1]!]!;
  }

  private location(point: number): LonLat {
    return [this.network.pointLon[point]!, this.network.pointLat[point]!];
  }

  /** The edge's geometry between two fractions of its length. */
  private part(edge: number, fromFraction: number, toFraction: number): EdgePart {
    const { network } = this;
    const points = edgePoints(network, edge);
    const length = network.segmentMeters[edge >> 1]!;
    const fromMeters = fromFraction * length;
    const toMeters = toFraction * length;
    const coordinates: LonLat[] = [];
    let walked = 0;
    for (let i = 1; i < points.length; i++) {
      const a = this.location(points[i - 1]!);
      const b = this.location(points[i]!);
      const piece = haversineMeters(a[0], a[1], b[0], b[1]);
      const at = (meters: number): LonLat => {
        const t = piece > 0 ? Math.min(1, Math.max(0, (meters - walked) / piece)) : 0;
        return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      };
      if (coordinates.length === 0 && walked + piece >= fromMeters) coordinates.push(at(fromMeters));
      if (coordinates.length > 0) {
        if (walked + piece >= toMeters) {
          coordinates.push(at(toMeters));
          break;
        }
        coordinates.push(b);
      }
      walked += piece;
    }
    if (coordinates.length === 1) coordinates.push(coordinates[0]!);
    const fraction = Math.max(0, toFraction - fromFraction);
    return { edge, coordinates, meters: fraction * length, seconds: fraction * network.edgeSeconds[edge]! };
  }

  /** Allowed continuations out of an edge, excluding the U-turn. */
  private options(edge: number): number[] {
    const { turnFirst, turnTarget } = this.network;
    const result: number[] = [];
    for (let t = turnFirst[edge]!; t < turnFirst[edge + 1]!; t++) if (turnTarget[t] !== (edge ^ 1)) result.push(turnTarget[t]!);
    return result;
  }

  private intersectionAt(from: number, to: number): Intersection {
    const { network, leaving } = this;
    const point = edgeEndpoints(network, from)[1];
    const allowed = new Set(this.options(from));
    const roads = Array.from(leaving.edges.subarray(leaving.first[point]!, leaving.first[point + 1]!));
    const entries = roads
      .map((edge) => ({ edge, bearing: roundBearing(edgeBearings(network, edge).out), entry: allowed.has(edge) || edge === to }))
      .sort((a, b) => a.bearing - b.bearing);
    return {
      location: this.location(point),
      bearings: entries.map((e) => e.bearing),
      entry: entries.map((e) => e.entry),
      in: entries.findIndex((e) => e.edge === (from ^ 1)),
      out: entries.findIndex((e) => e.edge === to),
    };
  }

  private roadCount(edge: number): number {
    const point = edgeEndpoints(this.network, edge)[1];
    return this.leaving.first[point + 1]! - this.leaving.first[point]!;
  }

  /** The maneuver for driving from edge a into edge b, or null when the driver just carries on. */
  private maneuver(a: number, b: number, current: WayInfo): Omit<StepManeuver, 'location' | 'bearing_before' | 'bearing_after'> | null {
    const wayA = this.way(a);
    const wayB = this.way(b);
    const bearingsA = edgeBearings(this.network, a);
    const bearingsB = edgeBearings(this.network, b);
    const angle = turnAngleDegrees(bearingsA.in, bearingsB.out);
    const modifier = modifierOf(angle);
    // Compared with the road the current step announced, so a short unnamed stretch does not re-announce it.
    const renamed = !sameRoad(current, wayB);
    const newName = renamed && (wayB.name !== '' || wayB.ref !== '') ? ({ type: 'new name', modifier } as const) : null;
    if (b === (a ^ 1)) return { type: 'continue', modifier: 'uturn' };
    if (wayB.roundabout && !wayA.roundabout) return { type: 'roundabout', modifier };
    if (isLink(wayB.highway) && !isLink(wayA.highway) && (isMajorRoad(wayA.highway) || isRampTo(wayB.highway))) {
      return { type: isMajorRoad(wayA.highway) ? 'off ramp' : 'on ramp', modifier };
    }
    if (isLink(wayA.highway) && isMajorRoad(wayB.highway) && renamed) return { type: 'merge', modifier: angle >= 0 ? 'slight right' : 'slight left' };

    const options = this.options(a);
    if (options.length <= 1) return newName;
    const angles = options.map((edge) => turnAngleDegrees(bearingsA.in, edgeBearings(this.network, edge).out));
    const straightest = Math.min(...angles.map(Math.abs));
    if (Math.abs(angle) < 25 && Math.abs(angle) <= straightest + 1e-9) return newName;
    if (options.length === 2 && angles.every((x) => Math.abs(x) < 50) && angles[0]! * angles[1]! < 0) {
      return { type: 'fork', modifier: angle >= 0 ? 'slight right' : 'slight left' };
    }
    // The road bends but keeps its name and no other option carries that name: nothing to announce.
    const sameName = options.filter((edge) => sameRoad(this.way(edge), current));
    if (!renamed && sameName.length === 1 && Math.abs(angle) < 60 && Math.abs(angle) <= straightest + 1e-9) return null;
    if (renamed && straightest >= 35 && Math.abs(angle) >= 35 && angles.some((x) => x > 0) && angles.some((x) => x < 0)) {
      return { type: 'end of road', modifier };
    }
    return { type: renamed ? 'turn' : 'continue', modifier };
  }

  leg(path: PathResult, source: LonLat, target: LonLat, withSteps: boolean): { leg: RouteLeg; coordinates: LonLat[] } {
    const { edges } = path;
    const parts = edges.map((edge, i) =>
      this.part(edge, i === 0 ? path.startFraction : 0, i === edges.length - 1 ? path.endFraction : 1),
    );
    const coordinates: LonLat[] = [];
    const annotation = { distance: [] as number[], duration: [] as number[] };
    for (const part of parts) {
      const secondsPerMeter = part.meters > 0 ? part.seconds / part.meters : 0;
      part.coordinates.forEach((c, i) => {
        if (coordinates.length > 0 && i === 0) return;
        if (coordinates.length > 0) {
          const p = coordinates[coordinates.length - 1]!;
          const meters = haversineMeters(p[0], p[1], c[0], c[1]);
          annotation.distance.push(round1(meters));
          annotation.duration.push(round1(meters * secondsPerMeter));
        }
        coordinates.push(c);
      });
    }
    if (coordinates.length === 1) coordinates.push(coordinates[0]!);

    const steps = withSteps ? this.steps(path, parts, source, target) : [];
    return {
      coordinates,
      leg: {
        distance: round1(path.meters),
        duration: round1(path.seconds),
        weight: round1(path.seconds),
        summary: this.summary(parts),
        steps,
        annotation,
      },
    };
  }

  /** The names of the two roads driven longest, in driving order, as OSRM summarises a leg. */
  private summary(parts: EdgePart[]): string {
    const metersByName = new Map<string, { meters: number; first: number }>();
    parts.forEach((part, i) => {
      const name = this.way(part.edge).name;
      if (!name) return;
      const entry = metersByName.get(name) ?? { meters: 0, first: i };
      entry.meters += part.meters;
      metersByName.set(name, entry);
    });
    return [...metersByName.entries()]
      .sort((a, b) => b[1].meters - a[1].meters)
      .slice(0, 2)
      .sort((a, b) => a[1].first - b[1].first)
      .map(([name]) => name)
      .join(', ');
  }

  private steps(path: PathResult, parts: EdgePart[], source: LonLat, target: LonLat): RouteStep[] {
    const { edges } = path;
    const bearingOf = (coordinates: LonLat[], fromEnd: boolean): number => {
      const [a, b] = fromEnd ? [coordinates[coordinates.length - 2]!, coordinates[coordinates.length - 1]!] : [coordinates[0]!, coordinates[1]!];
      return roundBearing(bearingDegrees(a[0], a[1], b[0], b[1]));
    };
    // A point snapped onto the very end of an edge starts (or ends) the path with a zero-length piece:
    // announce nothing there, as OSRM does.
    const first = edges.length > 1 && parts[0]!.meters < 0.05 ? 1 : 0;
    const last = edges.length - 1 > first && parts[edges.length - 1]!.meters < 0.05 ? edges.length - 2 : edges.length - 1;
    const starts: StepStart[] = [
      {
        at: 0,
        way: this.way(edges[first]!),
        maneuver: { type: 'depart', location: source, bearing_before: 0, bearing_after: bearingOf(parts[first]!.coordinates, false) },
      },
    ];
    let roundabout: { start: StepStart; exits: number; entryBearing: number } | null = null;
    for (let i = first + 1; i <= last; i++) {
      const a = edges[i - 1]!;
      const b = edges[i]!;
      const wayA = this.way(a);
      const wayB = this.way(b);
      if (roundabout) {
        if (wayB.roundabout) {
          // Count the exits passed on the way round.
          if (this.options(a).some((edge) => !this.way(edge).roundabout)) roundabout.exits++;
          continue;
        }
        roundabout.start.maneuver.exit = roundabout.exits + 1;
        roundabout.start.maneuver.modifier = modifierOf(turnAngleDegrees(roundabout.entryBearing, edgeBearings(this.network, b).out));
        roundabout.start.way = wayB;
        roundabout = null;
        // As OSRM does, the roundabout step covers the ring and a separate step starts at the exit.
        starts.push({
          at: i,
          way: wayB,
          maneuver: {
            type: 'exit roundabout',
            modifier: modifierOf(turnAngleDegrees(edgeBearings(this.network, a).in, edgeBearings(this.network, b).out)),
            exit: starts[starts.length - 1]!.maneuver.exit!,
            location: parts[i]!.coordinates[0]!,
            bearing_before: roundBearing(edgeBearings(this.network, a).in),
            bearing_after: roundBearing(edgeBearings(this.network, b).out),
          },
        });
        continue;
      }
      const maneuver = this.maneuver(a, b, starts[starts.length - 1]!.way);
      if (!maneuver) continue;
      const start: StepStart = {
        at: i,
        way: wayB,
        maneuver: {
          location: parts[i]!.coordinates[0]!,
          bearing_before: roundBearing(edgeBearings(this.network, a).in),
          bearing_after: roundBearing(edgeBearings(this.network, b).out),
          ...maneuver,
        },
      };
      starts.push(start);
      if (maneuver.type === 'roundabout' && wayB.roundabout && wayA !== wayB) {
        roundabout = { start, exits: 0, entryBearing: edgeBearings(this.network, a).in };
      }
    }
    if (roundabout) roundabout.start.maneuver.exit = roundabout.exits + 1;

    const steps: RouteStep[] = starts.map((start, k) => {
      const end = k + 1 < starts.length ? starts[k + 1]!.at : edges.length;
      const coordinates: LonLat[] = [];
      let meters = 0;
      let seconds = 0;
      const intersections: Intersection[] = [];
      for (let i = start.at; i < end; i++) {
        const part = parts[i]!;
        meters += part.meters;
        seconds += part.seconds + path.turnSeconds[i]!;
        for (const c of part.coordinates) {
          const last = coordinates[coordinates.length - 1];
          if (!last || last[0] !== c[0] || last[1] !== c[1]) coordinates.push(c);
        }
        if (i === 0) {
          intersections.push({ location: source, bearings: [start.maneuver.bearing_after], entry: [true], out: 0 });
        } else if (i === start.at || this.roadCount(edges[i - 1]!) > 2) {
          intersections.push(this.intersectionAt(edges[i - 1]!, edges[i]!));
        }
      }
      if (coordinates.length === 1) coordinates.push(coordinates[0]!);
      const step: RouteStep = {
        distance: round1(meters),
        duration: round1(seconds),
        geometry: { type: 'LineString', coordinates },
        name: start.way.name,
        mode: 'driving',
        driving_side: 'right',
        weight: round1(seconds),
        maneuver: start.maneuver,
        intersections,
      };
      if (start.way.ref) step.ref = start.way.ref;
      return step;
    });

    const lastBearing = bearingOf(parts[last]!.coordinates, true);
    steps.push({
      distance: 0,
      duration: 0,
      geometry: { type: 'LineString', coordinates: [target, target] },
      name: this.way(edges[last]!).name,
      mode: 'driving',
      driving_side: 'right',
      weight: 0,
      maneuver: { type: 'arrive', location: target, bearing_before: lastBearing, bearing_after: 0 },
      intersections: [{ location: target, bearings: [(lastBearing + 180) % 360], entry: [true], in: 0 }],
    });
    return steps;
  }
}
