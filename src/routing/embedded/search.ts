/**
 * Queries over the contraction hierarchy:
 * - manyToMany: one upward backward search per target fills buckets, one upward forward search per
 *   source scans them (Knopp et al.), with stall-on-demand to keep search spaces small;
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

export class HierarchySearch {
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
    const { upFirst, upArc, downFirst, downArc, arcFrom, arcTo, arcWeight, arcSeconds, arcMeters, loopArc } = this.hierarchy;
    const nodeCount = this.network.edgeSeconds.length;
    const { forward, backward, forwardSeconds, backwardSeconds, forwardMeters, backwardMeters } = this;

    // Backward searches: bucket entries (node, target, weight, seconds, metres).
    let entryNode = new Int32Array(1 << 16);
    let entryTarget = new Int32Array(1 << 16);
    let entryWeight = new Float64Array(1 << 16);
    let entrySeconds = new Float64Array(1 << 16);
    let entryMeters = new Float64Array(1 << 16);
    let entries = 0;
    for (let j = 0; j < targets.length; j++) {
      backward.clear();
      this.seed(targets[j]!, false);
      while (!backward.isEmpty) {
        const weight = backward.minKey;
        const x = backward.pop();
        let stalled = false;
        for (let k = upFirst[x]!; k < upFirst[x + 1]!; k++) {
          const arc = upArc[k]!;
          if (backward.key(arcTo[arc]!) + arcWeight[arc]! < weight) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        if (entries === entryNode.length) {
          entryNode = grow(entryNode);
          entryTarget = grow(entryTarget);
          entryWeight = grow(entryWeight);
          entrySeconds = grow(entrySeconds);
          entryMeters = grow(entryMeters);
        }
        entryNode[entries] = x;
        entryTarget[entries] = j;
        entryWeight[entries] = weight;
        entrySeconds[entries] = backwardSeconds[x]!;
        entryMeters[entries] = backwardMeters[x]!;
        entries++;
        for (let k = downFirst[x]!; k < downFirst[x + 1]!; k++) {
          const arc = downArc[k]!;
          const u = arcFrom[arc]!;
          if (backward.pushOrDecrease(u, weight + arcWeight[arc]!)) {
            backwardSeconds[u] = backwardSeconds[x]! + arcSeconds[arc]!;
            backwardMeters[u] = backwardMeters[x]! + arcMeters[arc]!;
          }
        }
      }
    }

    // Buckets: entries grouped by node (counting sort).
    const bucketFirst = new Int32Array(nodeCount + 1);
    for (let e = 0; e < entries; e++) bucketFirst[entryNode[e]! + 1]!++;
    for (let v = 0; v < nodeCount; v++) bucketFirst[v + 1]! += bucketFirst[v]!;
    const fill = bucketFirst.slice(0, nodeCount);
    const bucketTarget = new Int32Array(entries);
    const bucketWeight = new Float64Array(entries);
    const bucketSeconds = new Float64Array(entries);
    const bucketMeters = new Float64Array(entries);
    for (let e = 0; e < entries; e++) {
      const at = fill[entryNode[e]!]!++;
      bucketTarget[at] = entryTarget[e]!;
      bucketWeight[at] = entryWeight[e]!;
      bucketSeconds[at] = entrySeconds[e]!;
      bucketMeters[at] = entryMeters[e]!;
    }

    const targetCount = targets.length;
    const cells = sources.length * targetCount;
    const weights = new Float64Array(cells).fill(Infinity);
    const seconds = new Float64Array(cells).fill(Infinity);
    const meters = new Float64Array(cells).fill(Infinity);
    for (let i = 0; i < sources.length; i++) {
      forward.clear();
      this.seed(sources[i]!, true);
      const row = i * targetCount;
      while (!forward.isEmpty) {
        const weight = forward.minKey;
        const x = forward.pop();
        let stalled = false;
        for (let k = downFirst[x]!; k < downFirst[x + 1]!; k++) {
          const arc = downArc[k]!;
          if (forward.key(arcFrom[arc]!) + arcWeight[arc]! < weight) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        const s = forwardSeconds[x]!;
        const m = forwardMeters[x]!;
        for (let k = bucketFirst[x]!; k < bucketFirst[x + 1]!; k++) {
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
          const cell = row + bucketTarget[k]!;
          if (total < weights[cell]!) {
            weights[cell] = total;
            seconds[cell] = totalSeconds;
            meters[cell] = totalMeters;
          }
        }
        for (let k = upFirst[x]!; k < upFirst[x + 1]!; k++) {
          const arc = upArc[k]!;
          const w = arcTo[arc]!;
          if (forward.pushOrDecrease(w, weight + arcWeight[arc]!)) {
            forwardSeconds[w] = s + arcSeconds[arc]!;
            forwardMeters[w] = m + arcMeters[arc]!;
          }
        }
      }
    }
    return { seconds, meters };
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

function grow<T extends Int32Array | Float64Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
