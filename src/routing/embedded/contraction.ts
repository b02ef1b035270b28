/**
 * Contraction hierarchies over the edge-based graph (nodes = directed road edges, arcs = allowed turns).
 * Nodes are contracted one by one in order of importance; a shortcut u→w replaces u→v→w whenever no
 * witness path avoids v. Queries then only ever search "upwards", which keeps each search tiny.
 *
 * Every arc carries a weight (what we minimise: seconds plus penalties), and the seconds and metres carried
 * along. Shortcuts remember the two arcs they replace, so a path unpacks back into turns.
 */
import { NodeHeap } from './heap';
import type { RoadNetwork } from './road-network';

export interface Hierarchy {
  /** Contraction order of each node: searches go from lower to higher rank. */
  rank: Int32Array;
  arcFrom: Int32Array;
  arcTo: Int32Array;
  /** What searches minimise: seconds plus penalties (entering restricted roads). */
  arcWeight: Float64Array;
  /** Travel seconds and metres along the arc, carried alongside the weight. */
  arcSeconds: Float64Array;
  arcMeters: Float64Array;
  /** The two arcs a shortcut stands for; -1 for a real turn. */
  arcFirstChild: Int32Array;
  arcSecondChild: Int32Array;
  /** Upward arcs leaving each node (forward search): upArc[upFirst[v] .. upFirst[v+1]). */
  upFirst: Int32Array;
  upArc: Int32Array;
  /** Arcs arriving at each node from a higher one (backward search walks them in reverse). */
  downFirst: Int32Array;
  downArc: Int32Array;
  /** Cheapest way to leave a node and come back to it through lower nodes only; -1 when there is none. */
  loopArc: Int32Array;
}

/** Witness searches give up after this many settled nodes; a missed witness only adds a needless shortcut. */
const witnessSettleLimit = 100;

export function contract(network: RoadNetwork): Hierarchy {
  const nodeCount = network.edgeSeconds.length;
  const arcFrom: number[] = [];
  const arcTo: number[] = [];
  const arcWeight: number[] = [];
  const arcSeconds: number[] = [];
  const arcMeters: number[] = [];
  const firstChild: number[] = [];
  const secondChild: number[] = [];
  const outArcs: number[][] = Array.from({ length: nodeCount }, () => []);
  const inArcs: number[][] = Array.from({ length: nodeCount }, () => []);

  const addArc = (from: number, to: number, weight: number, seconds: number, meters: number, a: number, b: number): number => {
    const id = arcFrom.length;
    arcFrom.push(from);
    arcTo.push(to);
    arcWeight.push(weight);
    arcSeconds.push(seconds);
    arcMeters.push(meters);
    firstChild.push(a);
    secondChild.push(b);
    outArcs[from]!.push(id);
    inArcs[to]!.push(id);
    return id;
  };

  for (let a = 0; a < nodeCount; a++) {
    for (let t = network.turnFirst[a]!; t < network.turnFirst[a + 1]!; t++) {
      const b = network.turnTarget[t]!;
      const seconds = network.turnCostSeconds[t]! + network.edgeSeconds[b]!;
      addArc(a, b, seconds + network.turnPenaltySeconds[t]!, seconds, network.segmentMeters[b >> 1]!, -1, -1);
    }
  }

  const contracted = new Uint8Array(nodeCount);
  const deletedNeighbors = new Int32Array(nodeCount);
  const heap = new NodeHeap(nodeCount);

  // Adjacency lists only ever hold arcs between nodes not yet contracted (see `contractNode`).
  // One witness search from `source` avoiding `via`; leaves settled distances in the heap.
  const witness = (source: number, via: number, maxSeconds: number): void => {
    heap.clear();
    heap.pushOrDecrease(source, 0);
    let settled = 0;
    while (!heap.isEmpty && heap.minKey <= maxSeconds && settled < witnessSettleLimit) {
      const key = heap.minKey;
      const node = heap.pop();
      settled++;
      for (const arc of outArcs[node]!) {
        const to = arcTo[arc]!;
        if (to !== via) heap.pushOrDecrease(to, key + arcWeight[arc]!);
      }
    }
  };

  /** The shortcuts contracting v would need, as [inArc, outArc] pairs. */
  const shortcutsFor = (v: number): [number, number][] => {
    const needed: [number, number][] = [];
    const outs = outArcs[v]!.filter((arc) => arcTo[arc] !== v);
    if (outs.length === 0) return needed;
    let maxOut = 0;
    for (const arc of outs) maxOut = Math.max(maxOut, arcWeight[arc]!);
    for (const inArc of inArcs[v]!) {
      const u = arcFrom[inArc]!;
      if (u === v) continue;
      witness(u, v, arcWeight[inArc]! + maxOut);
      for (const outArc of outs) {
        const w = arcTo[outArc]!;
        // Loops u→v→u are kept without a witness search: they are rare, and a route whose target lies just
        // behind its start on a one-way edge needs them.
        if (w !== u && heap.key(w) <= arcWeight[inArc]! + arcWeight[outArc]!) continue;
        needed.push([inArc, outArc]);
      }
    }
    return needed;
  };

  const contractNode = (v: number, shortcuts: [number, number][]): void => {
    for (const [inArc, outArc] of shortcuts) {
      const u = arcFrom[inArc]!;
      const w = arcTo[outArc]!;
      const weight = arcWeight[inArc]! + arcWeight[outArc]!;
      const seconds = arcSeconds[inArc]! + arcSeconds[outArc]!;
      const meters = arcMeters[inArc]! + arcMeters[outArc]!;
      const existing = outArcs[u]!.find((arc) => arcTo[arc] === w && firstChild[arc] !== -1);
      if (existing !== undefined) {
        if (arcWeight[existing]! <= weight) continue;
        arcWeight[existing] = weight;
        arcSeconds[existing] = seconds;
        arcMeters[existing] = meters;
        firstChild[existing] = inArc;
        secondChild[existing] = outArc;
      } else addArc(u, w, weight, seconds, meters, inArc, outArc);
    }
    contracted[v] = 1;
    // Unlink v from its neighbours, so later searches never look at it again.
    for (const arc of inArcs[v]!) {
      const u = arcFrom[arc]!;
      if (u === v) continue;
      deletedNeighbors[u]!++;
      outArcs[u] = outArcs[u]!.filter((a) => arcTo[a] !== v);
    }
    for (const arc of outArcs[v]!) {
      const w = arcTo[arc]!;
      if (w === v) continue;
      deletedNeighbors[w]!++;
      inArcs[w] = inArcs[w]!.filter((a) => arcFrom[a] !== v);
    }
  };

  const priority = (v: number, shortcuts: number): number =>
    2 * shortcuts - inArcs[v]!.length - outArcs[v]!.length + deletedNeighbors[v]!;

  // Lazy priority queue: pop the least important node, re-evaluate it, contract it if it is still the least.
  const queue = new MinQueue();
  for (let v = 0; v < nodeCount; v++) queue.push(v, priority(v, shortcutsFor(v).length));
  const rank = new Int32Array(nodeCount);
  let order = 0;
  while (!queue.isEmpty) {
    const v = queue.pop();
    const shortcuts = shortcutsFor(v);
    const current = priority(v, shortcuts.length);
    if (!queue.isEmpty && current > queue.minKey) {
      queue.push(v, current);
      continue;
    }
    contractNode(v, shortcuts);
    rank[v] = order++;
  }

  const arcCount = arcFrom.length;
  const upLists: number[][] = Array.from({ length: nodeCount }, () => []);
  const downLists: number[][] = Array.from({ length: nodeCount }, () => []);
  const loopArc = new Int32Array(nodeCount).fill(-1);
  for (let arc = 0; arc < arcCount; arc++) {
    const from = arcFrom[arc]!;
    const to = arcTo[arc]!;
    if (from === to) {
      if (loopArc[from] === -1 || arcWeight[arc]! < arcWeight[loopArc[from]!]!) loopArc[from] = arc;
      continue;
    }
    if (rank[from]! < rank[to]!) upLists[from]!.push(arc);
    else downLists[to]!.push(arc);
  }
  const [upFirst, upArc] = toCsr(upLists);
  const [downFirst, downArc] = toCsr(downLists);
  return {
    rank,
    arcFrom: Int32Array.from(arcFrom),
    arcTo: Int32Array.from(arcTo),
    arcWeight: Float64Array.from(arcWeight),
    arcSeconds: Float64Array.from(arcSeconds),
    arcMeters: Float64Array.from(arcMeters),
    arcFirstChild: Int32Array.from(firstChild),
    arcSecondChild: Int32Array.from(secondChild),
    upFirst,
    upArc,
    downFirst,
    downArc,
    loopArc,
  };
}

function toCsr(lists: number[][]): [Int32Array, Int32Array] {
  const first = new Int32Array(lists.length + 1);
  for (let v = 0; v < lists.length; v++) first[v + 1] = first[v]! + lists[v]!.length;
  const items = new Int32Array(first[lists.length]!);
  for (let v = 0; v < lists.length; v++) items.set(lists[v]!, first[v]!);
  return [first, items];
}

/** A plain binary heap of (node, priority) with stale entries allowed; only the contraction order uses it. */
class MinQueue {
  private readonly nodes: number[] = [];
  private readonly keys: number[] = [];

  get isEmpty(): boolean {
    return this.nodes.length === 0;
  }

  get minKey(): number {
    return this.keys[0]!;
  }

  push(node: number, key: number): void {
    const { nodes, keys } = this;
    let i = nodes.length;
    nodes.push(node);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      nodes[i] = nodes[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    nodes[i] = node;
    keys[i] = key;
  }

  pop(): number {
    const { nodes, keys } = this;
    const top = nodes[0]!;
    const lastNode = nodes.pop()!;
    const lastKey = keys.pop()!;
    if (nodes.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= nodes.length) break;
        if (child + 1 < nodes.length && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= lastKey) break;
        nodes[i] = nodes[child]!;
        keys[i] = keys[child]!;
        i = child;
      }
      nodes[i] = lastNode;
      keys[i] = lastKey;
    }
    return top;
  }
}
