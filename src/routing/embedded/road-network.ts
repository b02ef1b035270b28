/**
 * From OSM data to a compressed car road network:
 * - points: the OSM nodes of car ways;
 * - segments: stretches of one way between two intersections (or barriers), with their geometry;
 * - directed edges: segment s driven forward is edge 2s, backward is 2s+1, each with its travel seconds;
 * - turns: which edge may follow which at an intersection, and the seconds the turn costs.
 * Turns make this an edge-based graph, so turn restrictions and turn penalties are exact.
 * Points snap only to roads of the largest strongly connected component of that graph.
 */
import { bearingDegrees, haversineMeters, turnAngleDegrees } from './geo';
import { carWay, enterRestrictedPenaltySeconds, isBarrier, isTrafficSignal, trafficSignalSeconds, turnSeconds, type CarWay } from './car-profile';
import { readOsmPbf, type RelationMember } from './pbf';

export interface WayInfo {
  name: string;
  ref: string;
  highway: string;
  roundabout: boolean;
  restricted: boolean;
}

export interface RoadNetwork {
  pointLon: Float64Array;
  pointLat: Float64Array;
  /** Segment s runs over points segmentPoints[segmentFirst[s] .. segmentFirst[s+1]). */
  segmentFirst: Int32Array;
  segmentPoints: Int32Array;
  segmentWay: Int32Array;
  segmentMeters: Float64Array;
  /** Seconds to drive directed edge e (segment e>>1, backward when e is odd); -1 when not routable. */
  edgeSeconds: Float64Array;
  /** 1 when the edge belongs to the largest strongly connected component: from there, everything is reachable. */
  edgeInMain: Int32Array;
  /** Turns out of edge e: turnTarget[turnFirst[e] .. turnFirst[e+1]), each costing turnCostSeconds on top of the target edge. */
  turnFirst: Int32Array;
  turnTarget: Int32Array;
  turnCostSeconds: Float64Array;
  /** Weight a turn adds beyond its time: entering a restricted road from an open one. */
  turnPenaltySeconds: Float64Array;
  ways: WayInfo[];
}

/** First and last point of a directed edge. */
export function edgeEndpoints(network: RoadNetwork, edge: number): [from: number, to: number] {
  const s = edge >> 1;
  const first = network.segmentPoints[network.segmentFirst[s]!]!;
  const last = network.segmentPoints[network.segmentFirst[s + 1]! - 1]!;
  return edge & 1 ? [last, first] : [first, last];
}

/** Points of a directed edge in driving order. */
export function edgePoints(network: RoadNetwork, edge: number): number[] {
  const s = edge >> 1;
  const points = Array.from(network.segmentPoints.subarray(network.segmentFirst[s]!, network.segmentFirst[s + 1]!));
  return edge & 1 ? points.reverse() : points;
}

interface RawWay {
  id: number;
  nodeIds: number[];
  car: CarWay;
}

interface RawRestriction {
  kind: 'no' | 'only';
  fromWay: number;
  viaNode: number;
  toWay: number;
}

export function buildRoadNetwork(pbf: Uint8Array): RoadNetwork {
  const ways: RawWay[] = [];
  const restrictions: RawRestriction[] = [];
  const nodeLon = new Map<number, number>();
  const nodeLat = new Map<number, number>();
  const signalNodes = new Set<number>();
  const barrierNodes = new Set<number>();

  readOsmPbf(pbf, {
    node(id, lon, lat, tags) {
      nodeLon.set(id, lon);
      nodeLat.set(id, lat);
      if (tags) {
        if (isTrafficSignal(tags)) signalNodes.add(id);
        if (isBarrier(tags)) barrierNodes.add(id);
      }
    },
    way(id, nodeIds, tags) {
      const car = carWay(tags);
      if (car && nodeIds.length >= 2) ways.push({ id, nodeIds, car });
    },
    relation(_id, members, tags) {
      const restriction = restrictionOf(members, tags);
      if (restriction) restrictions.push(restriction);
    },
  });

  // Points: every node of a car way that exists in the extract, numbered in first-seen order.
  const pointOf = new Map<number, number>();
  const lons: number[] = [];
  const lats: number[] = [];
  const useCount = new Map<number, number>();
  for (const way of ways) {
    way.nodeIds = way.nodeIds.filter((id) => nodeLon.has(id));
    for (const id of way.nodeIds) {
      useCount.set(id, (useCount.get(id) ?? 0) + 1);
      if (!pointOf.has(id)) {
        pointOf.set(id, lons.length);
        lons.push(nodeLon.get(id)!);
        lats.push(nodeLat.get(id)!);
      }
    }
  }

  // Segments: split ways at intersections, way ends and barriers.
  const wayInfos: WayInfo[] = [];
  const segmentFirst: number[] = [0];
  const segmentPoints: number[] = [];
  const segmentWay: number[] = [];
  const segmentMeters: number[] = [];
  const edgeSeconds: number[] = [];
  const segmentsOfWay = new Map<number, number[]>();
  for (const way of ways) {
    const ids = way.nodeIds.filter((id, i) => i === 0 || id !== way.nodeIds[i - 1]);
    if (ids.length < 2) continue;
    const wayIndex = wayInfos.length;
    wayInfos.push({ name: way.car.name, ref: way.car.ref, highway: way.car.highway, roundabout: way.car.roundabout, restricted: way.car.restricted });
    const segments: number[] = [];
    let start = 0;
    for (let i = 1; i < ids.length; i++) {
      const id = ids[i]!;
      const splits = i === ids.length - 1 || useCount.get(id)! > 1 || barrierNodes.has(id);
      if (!splits) continue;
      let meters = 0;
      let signals = 0;
      for (let k = start; k <= i; k++) {
        segmentPoints.push(pointOf.get(ids[k]!)!);
        if (k > start) meters += haversineMeters(nodeLon.get(ids[k - 1]!)!, nodeLat.get(ids[k - 1]!)!, nodeLon.get(ids[k]!)!, nodeLat.get(ids[k]!)!);
        if (k > start && k < i && signalNodes.has(ids[k]!)) signals++;
      }
      segments.push(segmentWay.length);
      segmentFirst.push(segmentPoints.length);
      segmentWay.push(wayIndex);
      segmentMeters.push(meters);
      const seconds = (kmh: number) => (kmh > 0 ? meters / (kmh / 3.6) + signals * trafficSignalSeconds : -1);
      edgeSeconds.push(seconds(way.car.forwardKmh), seconds(way.car.backwardKmh));
      start = i;
    }
    segmentsOfWay.set(way.id, [...(segmentsOfWay.get(way.id) ?? []), ...segments]);
  }

  const network: RoadNetwork = {
    pointLon: Float64Array.from(lons),
    pointLat: Float64Array.from(lats),
    segmentFirst: Int32Array.from(segmentFirst),
    segmentPoints: Int32Array.from(segmentPoints),
    segmentWay: Int32Array.from(segmentWay),
    segmentMeters: Float64Array.from(segmentMeters),
    edgeSeconds: Float64Array.from(edgeSeconds),
    edgeInMain: new Int32Array(0),
    turnFirst: new Int32Array(0),
    turnTarget: new Int32Array(0),
    turnCostSeconds: new Float64Array(0),
    turnPenaltySeconds: new Float64Array(0),
    ways: wayInfos,
  };
  const signalPoints = new Set([...signalNodes].filter((id) => pointOf.has(id)).map((id) => pointOf.get(id)!));
  const barrierPoints = new Set([...barrierNodes].filter((id) => pointOf.has(id)).map((id) => pointOf.get(id)!));
  const rules = resolveRestrictions(network, restrictions, segmentsOfWay, pointOf);
  buildTurns(network, signalPoints, barrierPoints, rules);
  keepLargestComponent(network);
  return network;
}

function restrictionOf(members: RelationMember[], tags: Record<string, string>): RawRestriction | null {
  if (tags.type !== 'restriction') return null;
  const value = tags['restriction:motorcar'] ?? tags['restriction:motor_vehicle'] ?? tags.restriction;
  if (!value) return null;
  const except = (tags.except ?? '').split(';').map((s) => s.trim());
  if (except.includes('motorcar') || except.includes('motor_vehicle')) return null;
  const kind = value.startsWith('no_') ? 'no' : value.startsWith('only_') ? 'only' : null;
  const from = members.filter((m) => m.role === 'from' && m.type === 'way');
  const via = members.filter((m) => m.role === 'via');
  const to = members.filter((m) => m.role === 'to' && m.type === 'way');
  // Via-way restrictions are rare in city extracts and not supported; via-node ones are.
  if (!kind || from.length !== 1 || to.length !== 1 || via.length !== 1 || via[0]!.type !== 'node') return null;
  return { kind, fromWay: from[0]!.id, viaNode: via[0]!.id, toWay: to[0]!.id };
}

interface TurnRules {
  /** "from,to" edge pairs that are forbidden. */
  forbidden: Set<number>;
  /** from edge → the only edges it may turn into. */
  only: Map<number, Set<number>>;
}

function resolveRestrictions(
  network: RoadNetwork,
  restrictions: RawRestriction[],
  segmentsOfWay: Map<number, number[]>,
  pointOf: Map<number, number>,
): TurnRules {
  const edges = network.edgeSeconds.length;
  const forbidden = new Set<number>();
  const only = new Map<number, Set<number>>();
  for (const restriction of restrictions) {
    const via = pointOf.get(restriction.viaNode);
    if (via === undefined) continue;
    const edgesTouching = (wayId: number, arriving: boolean): number[] =>
      (segmentsOfWay.get(wayId) ?? []).flatMap((s) =>
        [2 * s, 2 * s + 1].filter((e) => network.edgeSeconds[e]! >= 0 && edgeEndpoints(network, e)[arriving ? 1 : 0] === via),
      );
    const fromEdges = edgesTouching(restriction.fromWay, true);
    const toEdges = edgesTouching(restriction.toWay, false);
    for (const from of fromEdges) {
      for (const to of toEdges) {
        if (restriction.kind === 'no') forbidden.add(from * edges + to);
        else {
          const allowed = only.get(from) ?? new Set<number>();
          allowed.add(to);
          only.set(from, allowed);
        }
      }
    }
  }
  return { forbidden, only };
}

/** Bearing of a directed edge where it leaves its first point, and where it arrives at its last. */
export function edgeBearings(network: RoadNetwork, edge: number): { out: number; in: number } {
  const points = edgePoints(network, edge);
  const { pointLon: lon, pointLat: lat } = network;
  const a = points[0]!;
  const b = points[1]!;
  const y = points[points.length - 2]!;
  const z = points[points.length - 1]!;
  return { out: bearingDegrees(lon[a]!, lat[a]!, lon[b]!, lat[b]!), in: bearingDegrees(lon[y]!, lat[y]!, lon[z]!, lat[z]!) };
}

function buildTurns(network: RoadNetwork, signalPoints: Set<number>, barrierPoints: Set<number>, rules: TurnRules): void {
  const edges = network.edgeSeconds.length;
  // Edges leaving each point, and the number of roads (segment ends) meeting there.
  const leaving = new Map<number, number[]>();
  const roadCount = new Map<number, number>();
  for (let e = 0; e < edges; e++) {
    const [from] = edgeEndpoints(network, e);
    roadCount.set(from, (roadCount.get(from) ?? 0) + 1);
    if (network.edgeSeconds[e]! >= 0) leaving.set(from, [...(leaving.get(from) ?? []), e]);
  }
  const bearings = Array.from({ length: edges }, (_, e) => edgeBearings(network, e));

  const restricted = (edge: number): boolean => network.ways[network.segmentWay[edge >> 1]!]!.restricted;
  const turnFirst = new Int32Array(edges + 1);
  const targets: number[] = [];
  const costs: number[] = [];
  const penalties: number[] = [];
  for (let a = 0; a < edges; a++) {
    turnFirst[a] = targets.length;
    if (network.edgeSeconds[a]! < 0) continue;
    const via = edgeEndpoints(network, a)[1];
    const reverse = a ^ 1;
    const only = rules.only.get(a);
    const candidates = barrierPoints.has(via)
      ? []
      : (leaving.get(via) ?? []).filter((b) => b !== reverse && !rules.forbidden.has(a * edges + b) && (!only || only.has(b)));
    // U-turns only where nothing else is possible (dead ends, barriers), as OSRM does.
    if (candidates.length === 0 && network.edgeSeconds[reverse]! >= 0) candidates.push(reverse);
    const roads = roadCount.get(via) ?? 0;
    for (const b of candidates) {
      const angle = turnAngleDegrees(bearings[a]!.in, bearings[b]!.out);
      targets.push(b);
      costs.push(turnSeconds(b === reverse ? 180 : angle, roads, b === reverse) + (signalPoints.has(via) ? trafficSignalSeconds : 0));
      penalties.push(restricted(b) && !restricted(a) ? enterRestrictedPenaltySeconds : 0);
    }
  }
  turnFirst[edges] = targets.length;
  network.turnFirst = turnFirst;
  network.turnTarget = Int32Array.from(targets);
  network.turnCostSeconds = Float64Array.from(costs);
  network.turnPenaltySeconds = Float64Array.from(penalties);
}

/** Finds the largest strongly connected component; edges that neither lead into it nor out of it become unroutable. */
function keepLargestComponent(network: RoadNetwork): void {
  const component = stronglyConnectedComponents(network);
  const sizes = new Map<number, number>();
  for (let e = 0; e < component.length; e++) if (component[e]! >= 0) sizes.set(component[e]!, (sizes.get(component[e]!) ?? 0) + 1);
  let largest = -1;
  let largestSize = 0;
  for (const [id, size] of sizes) if (size > largestSize) [largest, largestSize] = [id, size];
  const inMain = new Int32Array(component.length);
  for (let e = 0; e < component.length; e++) inMain[e] = component[e] === largest ? 1 : 0;
  network.edgeInMain = inMain;

  // Edges outside the component stay when a path leads from them into it or from it to them: a point on a
  // two-way road whose one direction is a trap (say, it joins a one-way exit) can still start or end there.
  const reachesMain = reachable(network, inMain, true);
  const reachedFromMain = reachable(network, inMain, false);
  for (let e = 0; e < component.length; e++) if (!reachesMain[e] && !reachedFromMain[e]) network.edgeSeconds[e] = -1;

  // Drop turns that touch removed edges.
  const { turnFirst, turnTarget, turnCostSeconds, turnPenaltySeconds } = network;
  const first = new Int32Array(turnFirst.length);
  const targets: number[] = [];
  const costs: number[] = [];
  const penalties: number[] = [];
  for (let a = 0; a < turnFirst.length - 1; a++) {
    first[a] = targets.length;
    if (network.edgeSeconds[a]! < 0) continue;
    for (let t = turnFirst[a]!; t < turnFirst[a + 1]!; t++) {
      if (network.edgeSeconds[turnTarget[t]!]! < 0) continue;
      targets.push(turnTarget[t]!);
      costs.push(turnCostSeconds[t]!);
      penalties.push(turnPenaltySeconds[t]!);
    }
  }
  first[turnFirst.length - 1] = targets.length;
  network.turnFirst = first;
  network.turnTarget = Int32Array.from(targets);
  network.turnCostSeconds = Float64Array.from(costs);
  network.turnPenaltySeconds = Float64Array.from(penalties);
}

/** Edges from which some `start` edge can be reached (backwards), or which a `start` edge reaches (forwards). */
function reachable(network: RoadNetwork, start: Int32Array, backwards: boolean): Uint8Array {
  const { turnFirst, turnTarget } = network;
  const n = start.length;
  const predecessors: number[][] = backwards ? Array.from({ length: n }, () => []) : [];
  if (backwards) for (let a = 0; a < n; a++) for (let t = turnFirst[a]!; t < turnFirst[a + 1]!; t++) predecessors[turnTarget[t]!]!.push(a);
  const seen = new Uint8Array(n);
  const stack: number[] = [];
  const visit = (e: number) => {
    if (seen[e]) return;
    seen[e] = 1;
    stack.push(e);
  };
  for (let e = 0; e < n; e++) if (start[e]) visit(e);
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (backwards) predecessors[e]!.forEach(visit);
    else for (let t = turnFirst[e]!; t < turnFirst[e + 1]!; t++) visit(turnTarget[t]!);
  }
  return seen;
}

/** Iterative Tarjan over routable edges; returns a component id per edge (-1 when not routable). */
function stronglyConnectedComponents(network: RoadNetwork): Int32Array {
  const n = network.edgeSeconds.length;
  const { turnFirst, turnTarget } = network;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callStack: number[] = [];
  const nextTurn = new Int32Array(n);
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0 || network.edgeSeconds[root]! < 0) continue;
    callStack.push(root);
    index[root] = low[root] = counter++;
    nextTurn[root] = turnFirst[root]!;
    stack.push(root);
    onStack[root] = 1;
    while (callStack.length > 0) {
      const v = callStack[callStack.length - 1]!;
      if (nextTurn[v]! < turnFirst[v + 1]!) {
        const w = turnTarget[nextTurn[v]++]!;
        if (index[w]! < 0) {
          index[w] = low[w] = counter++;
          nextTurn[w] = turnFirst[w]!;
          stack.push(w);
          onStack[w] = 1;
          callStack.push(w);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      callStack.pop();
      if (callStack.length > 0) {
        const parent = callStack[callStack.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  return component;
}
