/**
 * Queries over the contraction hierarchy:
 * - manyToMany: the upward search spaces of the smaller side (backward from targets, or forward from sources)
 *   fill buckets, and the other side's spaces scan them (Knopp et al.), with stall-on-demand to keep search
 *   spaces small; each search space is kept (least recently used out), so places asked about again cost no search;
 * - shortestPath: a bidirectional upward search whose path is unpacked back into road edges.
 *
 * Endpoints are phantoms: a snapped point part-way along one or two directed edges. A search starts at an
 * edge with the seconds left to its end, and stops at an edge minus the seconds between target and edge
 * end, so the first and last edges count only partly.
 */
import type { Hierarchy } from './contraction';
import { NodeHeap } from './heap';
import type { RoadNetwork } from './road-network';

export interface PhantomEdge {
  edge: number;
  /** Where the point lies along the edge in its driving direction, 0 at its start, 1 at its end. */
  fraction: number;
}

export interface Phantom {
  edges: PhantomEdge[];
}

export interface PathResult {
  seconds: number;
  meters: number;
  /** Directed edges driven, first and last only partly. */
  edges: number[];
  /** Turn seconds paid entering edges[i] (0 for the first). */
  turnSeconds: number[];
  startFraction: number;
  endFraction: number;
}

/** Nodes an upward search settles, with the weight, seconds and metres between each and the search's phantom. */
interface SearchSpace {
  nodes: Int32Array;
  weights: Float64Array;
  seconds: Float64Array;
  meters: Float64Array;
}

/**
 * Search spaces kept between queries (about 28 bytes an entry, so ~56 MB at most): the stops of a day are asked
 * about again and again (insertions, edits, previews), and then a table costs one search for each new place only.
 */
const maxCachedSpaceEntries = 2_000_000;

export class HierarchySearch {
  private readonly spaces = new Map<string, SearchSpace>();
  private cachedEntries = 0;
  /** Scratch for the search running now, copied out at its end. */
  private settled = emptySpace(1 << 12);
  /** Per node, the first bucket entry of a many-to-many query (-1: none); all -1 between queries. */
  private readonly bucketHead: Int32Array;
  private readonly forward: NodeHeap;
  private readonly backward: NodeHeap;
  /** Seconds and metres along the best-weight path to each reached node, per direction. */
  private readonly forwardSeconds: Float64Array;
  private readonly backwardSeconds: Float64Array;
  private readonly forwardMeters: Float64Array;
  private readonly backwardMeters: Float64Array;
  private readonly forwardParent: Int32Array;
  private readonly backwardParent: Int32Array;

  constructor(
    private readonly network: RoadNetwork,
    private readonly hierarchy: Hierarchy,
  ) {
    const n = network.edgeSeconds.length;
    this.forward = new NodeHeap(n);
    this.backward = new NodeHeap(n);
    this.forwardSeconds = new Float64Array(n);
    this.backwardSeconds = new Float64Array(n);
    this.forwardMeters = new Float64Array(n);
    this.backwardMeters = new Float64Array(n);
    this.forwardParent = new Int32Array(n);
    this.backwardParent = new Int32Array(n);
    this.bucketHead = new Int32Array(n).fill(-1);
  }

  /** A start costs the rest of its edge; an end subtracts what lies beyond it on its edge. */
  private seed(phantom: Phantom, asSource: boolean): void {
    const [heap, seconds, meters, parent] = asSource
      ? [this.forward, this.forwardSeconds, this.forwardMeters, this.forwardParent]
      : [this.backward, this.backwardSeconds, this.backwardMeters, this.backwardParent];
    for (const { edge, fraction } of phantom.edges) {
      const share = asSource ? 1 - fraction : fraction - 1;
      const edgeSeconds = share * this.network.edgeSeconds[edge]!;
      if (heap.pushOrDecrease(edge, edgeSeconds)) {
        seconds[edge] = edgeSeconds;
        meters[edge] = share * this.network.segmentMeters[edge >> 1]!;
        parent[edge] = -1;
      }
    }
  }

  /** Row-major sources × targets seconds and metres of the best paths; Infinity where unreachable. */
  manyToMany(sources: Phantom[], targets: Phantom[]): { seconds: Float64Array; meters: Float64Array } {
    const { arcWeight, arcSeconds, arcMeters, loopArc } = this.hierarchy;
    const sourceSpaces = sources.map((source) => this.space(source, true));
    const targetSpaces = targets.map((target) => this.space(target, false));
    // The smaller side goes into buckets and the other side's entries look them up: a 1 × 200 table buckets
    // one search space, not two hundred.
    const bucketSources = sources.length < targets.length;
    const [bucketed, scanned] = bucketSources ? [sourceSpaces, targetSpaces] : [targetSpaces, sourceSpaces];

    // Buckets: search space entries chained by node. Only the nodes touched are reset afterwards, so a small
    // table costs in proportion to its search spaces, not to the size of the network.
    let entries = 0;
    for (const space of bucketed) entries += space.nodes.length;
    const { bucketHead } = this;
    const bucketNext = new Int32Array(entries);
    const bucketOwner = new Int32Array(entries);
    const bucketWeight = new Float64Array(entries);
    const bucketSeconds = new Float64Array(entries);
    const bucketMeters = new Float64Array(entries);
    let at = 0;
    bucketed.forEach((space, owner) => {
      for (let e = 0; e < space.nodes.length; e++, at++) {
        const node = space.nodes[e]!;
        bucketNext[at] = bucketHead[node]!;
        bucketHead[node] = at;
        bucketOwner[at] = owner;
        bucketWeight[at] = space.weights[e]!;
        bucketSeconds[at] = space.seconds[e]!;
        bucketMeters[at] = space.meters[e]!;
      }
    });

    const targetCount = targets.length;
    const cells = sources.length * targetCount;
    const weights = new Float64Array(cells).fill(Infinity);
    const seconds = new Float64Array(cells).fill(Infinity);
    const meters = new Float64Array(cells).fill(Infinity);
    scanned.forEach((space, i) => {
      for (let e = 0; e < space.nodes.length; e++) {
        const x = space.nodes[e]!;
        const weight = space.weights[e]!;
        const s = space.seconds[e]!;
        const m = space.meters[e]!;
        for (let k = bucketHead[x]!; k >= 0; k = bucketNext[k]!) {
          let total = weight + bucketWeight[k]!;
          let totalSeconds = s + bucketSeconds[k]!;
          let totalMeters = m + bucketMeters[k]!;
          // Negative only when the target lies behind the source on the same edge: drive a loop back to it.
          if (total < 0) {
            const loop = loopArc[x]!;
            if (loop < 0) continue;
            total += arcWeight[loop]!;
            totalSeconds += arcSeconds[loop]!;
            totalMeters += arcMeters[loop]!;
          }
          const cell = bucketSources ? bucketOwner[k]! * targetCount + i : i * targetCount + bucketOwner[k]!;
          if (total < weights[cell]!) {
            weights[cell] = total;
            seconds[cell] = totalSeconds;
            meters[cell] = totalMeters;
          }
        }
      }
    });
    for (const space of bucketed) for (let e = 0; e < space.nodes.length; e++) bucketHead[space.nodes[e]!] = -1;
    return { seconds, meters };
  }

  /** The phantom's upward search space in one direction, from the cache when it was searched lately. */
  private space(phantom: Phantom, forward: boolean): SearchSpace {
    const key = `${forward ? 'f' : 'b'}${phantom.edges.map(({ edge, fraction }) => `${edge}:${fraction}`).join('|')}`;
    const cached = this.spaces.get(key);
    if (cached) {
      // Most recently used last: Map keeps insertion order.
      this.spaces.delete(key);
      this.spaces.set(key, cached);
      return cached;
    }
    const space = this.upwardSearch(phantom, forward);
    this.spaces.set(key, space);
    this.cachedEntries += space.nodes.length;
    for (const [oldest, evicted] of this.spaces) {
      if (this.cachedEntries <= maxCachedSpaceEntries) break;
      this.spaces.delete(oldest);
      this.cachedEntries -= evicted.nodes.length;
    }
    return space;
  }

  /**
   * Every node an upward search from (forward) or to (backward) the phantom settles without being stalled, with
   * its weight, seconds and metres: the half of a many-to-many query that depends on one endpoint only.
   */
  private upwardSearch(phantom: Phantom, asSource: boolean): SearchSpace {
    const { upFirst, upArc, downFirst, downArc, arcFrom, arcTo, arcWeight, arcSeconds, arcMeters } = this.hierarchy;
    const [heap, secondsTo, metersTo] = asSource ? [this.forward, this.forwardSeconds, this.forwardMeters] : [this.backward, this.backwardSeconds, this.backwardMeters];
    // Forward searches go up the up arcs and are stalled by down arcs; backward searches the other way round.
    const [relaxFirst, relaxArc, stallFirst, stallArc] = asSource ? [upFirst, upArc, downFirst, downArc] : [downFirst, downArc, upFirst, upArc];
    const [near, far] = asSource ? [arcFrom, arcTo] : [arcTo, arcFrom];
    heap.clear();
    this.seed(phantom, asSource);
    let into = this.settled;
    let count = 0;
    while (!heap.isEmpty) {
      const weight = heap.minKey;
      const x = heap.pop();
      let stalled = false;
      for (let k = stallFirst[x]!; k < stallFirst[x + 1]!; k++) {
        const arc = stallArc[k]!;
        if (heap.key(near[arc]!) + arcWeight[arc]! < weight) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      if (count === into.nodes.length) into = this.settled = growSpace(into, count);
      into.nodes[count] = x;
      into.weights[count] = weight;
      into.seconds[count] = secondsTo[x]!;
      into.meters[count] = metersTo[x]!;
      count++;
      for (let k = relaxFirst[x]!; k < relaxFirst[x + 1]!; k++) {
        const arc = relaxArc[k]!;
        const y = far[arc]!;
        if (heap.pushOrDecrease(y, weight + arcWeight[arc]!)) {
          secondsTo[y] = secondsTo[x]! + arcSeconds[arc]!;
          metersTo[y] = metersTo[x]! + arcMeters[arc]!;
        }
      }
    }
    const { nodes, weights, seconds, meters } = into;
    return { nodes: nodes.slice(0, count), weights: weights.slice(0, count), seconds: seconds.slice(0, count), meters: meters.slice(0, count) };
  }

  /** The best path between two phantoms, or null when none exists. */
  shortestPath(source: Phantom, target: Phantom): PathResult | null {
    const { upFirst, upArc, downFirst, downArc, arcFrom, arcTo, arcWeight, arcSeconds, arcMeters, loopArc } = this.hierarchy;
    const { forward, backward, forwardSeconds, backwardSeconds, forwardMeters, backwardMeters, forwardParent, backwardParent } = this;
    forward.clear();
    backward.clear();
    this.seed(source, true);
    this.seed(target, false);
    let best = Infinity;
    let bestSeconds = Infinity;
    let bestMeters = Infinity;
    let meet = -1;
    let meetLoop = -1;
    const consider = (x: number): void => {
      let total = forward.key(x) + backward.key(x);
      let totalSeconds = forwardSeconds[x]! + backwardSeconds[x]!;
      let totalMeters = forwardMeters[x]! + backwardMeters[x]!;
      const loop = total < 0 ? loopArc[x]! : -1;
      if (total < 0) {
        // The target lies behind the source on the same edge: drive a loop back to it.
        if (loop < 0) return;
        total += arcWeight[loop]!;
        totalSeconds += arcSeconds[loop]!;
        totalMeters += arcMeters[loop]!;
      }
      if (total < best) {
        best = total;
        bestSeconds = totalSeconds;
        bestMeters = totalMeters;
        meet = x;
        meetLoop = loop;
      }
    };
    while (forward.minKey < best || backward.minKey < best) {
      if (forward.minKey <= backward.minKey) {
        const weight = forward.minKey;
        const x = forward.pop();
        if (backward.wasReached(x)) consider(x);
        for (let k = upFirst[x]!; k < upFirst[x + 1]!; k++) {
          const arc = upArc[k]!;
          const w = arcTo[arc]!;
          if (forward.pushOrDecrease(w, weight + arcWeight[arc]!)) {
            forwardSeconds[w] = forwardSeconds[x]! + arcSeconds[arc]!;
            forwardMeters[w] = forwardMeters[x]! + arcMeters[arc]!;
            forwardParent[w] = arc;
          }
        }
      } else {
        const weight = backward.minKey;
        const x = backward.pop();
        if (forward.wasReached(x)) consider(x);
        for (let k = downFirst[x]!; k < downFirst[x + 1]!; k++) {
          const arc = downArc[k]!;
          const u = arcFrom[arc]!;
          if (backward.pushOrDecrease(u, weight + arcWeight[arc]!)) {
            backwardSeconds[u] = backwardSeconds[x]! + arcSeconds[arc]!;
            backwardMeters[u] = backwardMeters[x]! + arcMeters[arc]!;
            backwardParent[u] = arc;
          }
        }
      }
    }
    if (meet < 0) return null;

    // Arcs from the source's edge to the meeting edge, then on to the target's edge.
    const arcs: number[] = [];
    for (let x = meet; forwardParent[x] !== -1; x = arcFrom[forwardParent[x]!]!) arcs.push(forwardParent[x]!);
    arcs.reverse();
    const first = arcs.length > 0 ? arcFrom[arcs[0]!]! : meet;
    if (meetLoop >= 0) arcs.push(meetLoop);
    for (let x = meet; backwardParent[x] !== -1; x = arcTo[backwardParent[x]!]!) arcs.push(backwardParent[x]!);

    const edges = [first];
    const turnSeconds = [0];
    for (const arc of arcs) this.unpack(arc, edges, turnSeconds);
    const last = edges[edges.length - 1]!;
    return {
      seconds: bestSeconds,
      meters: bestMeters,
      edges,
      turnSeconds,
      startFraction: source.edges.find((p) => p.edge === first)!.fraction,
      endFraction: target.edges.find((p) => p.edge === last)!.fraction,
    };
  }

  private unpack(arc: number, edges: number[], turnSeconds: number[]): void {
    const { arcFirstChild, arcSecondChild, arcTo, arcSeconds } = this.hierarchy;
    if (arcFirstChild[arc] === -1) {
      const to = arcTo[arc]!;
      edges.push(to);
      turnSeconds.push(arcSeconds[arc]! - this.network.edgeSeconds[to]!);
      return;
    }
    this.unpack(arcFirstChild[arc]!, edges, turnSeconds);
    this.unpack(arcSecondChild[arc]!, edges, turnSeconds);
  }
}

function growSpace(space: SearchSpace, length: number): SearchSpace {
  const bigger = emptySpace(2 * length);
  bigger.nodes.set(space.nodes);
  bigger.weights.set(space.weights);
  bigger.seconds.set(space.seconds);
  bigger.meters.set(space.meters);
  return bigger;
}

const emptySpace = (length: number): SearchSpace => ({ nodes: new Int32Array(length), weights: new Float64Array(length), seconds: new Float64Array(length), meters: new Float64Array(length) });
