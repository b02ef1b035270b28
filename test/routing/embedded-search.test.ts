import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedRouting } from '../../src/routing/embedded/index';
import { contract } from '../../src/routing/embedded/contraction';
import { NodeHeap } from '../../src/routing/embedded/heap';
import { buildRoadNetwork, type RoadNetwork } from '../../src/routing/embedded/road-network';
import { HierarchySearch, type Phantom } from '../../src/routing/embedded/search';

let network: RoadNetwork;
let search: HierarchySearch;
let routable: number[];
/** Edges of the largest strongly connected component: every one reaches every other. */
let main: number[];

beforeAll(() => {
  network = buildRoadNetwork(readFileSync('data/osm/monaco.osm.pbf'));
  search = new HierarchySearch(network, contract(network));
  routable = [];
  for (let e = 0; e < network.edgeSeconds.length; e++) if (network.edgeSeconds[e]! >= 0) routable.push(e);
  main = routable.filter((e) => network.edgeInMain[e] === 1);
}, 60_000);

/**
 * Reference answer: plain Dijkstra over every turn of the edge-based graph, no hierarchy. Minimises weight
 * (seconds plus the penalty for entering restricted roads) and returns the seconds of that path.
 */
function dijkstraSeconds(source: number, sourceFraction: number, target: number, targetFraction: number): number {
  const { edgeSeconds, turnFirst, turnTarget, turnCostSeconds, turnPenaltySeconds } = network;
  const heap = new NodeHeap(edgeSeconds.length);
  const seconds = new Map<number, number>();
  let bestWeight = Infinity;
  let bestSeconds = Infinity;
  if (source === target && targetFraction >= sourceFraction) {
    bestWeight = bestSeconds = (targetFraction - sourceFraction) * edgeSeconds[source]!;
  }
  heap.pushOrDecrease(source, (1 - sourceFraction) * edgeSeconds[source]!);
  seconds.set(source, (1 - sourceFraction) * edgeSeconds[source]!);
  while (!heap.isEmpty && heap.minKey < bestWeight) {
    const weight = heap.minKey;
    const edge = heap.pop();
    for (let t = turnFirst[edge]!; t < turnFirst[edge + 1]!; t++) {
      const next = turnTarget[t]!;
      const nextSeconds = seconds.get(edge)! + turnCostSeconds[t]! + edgeSeconds[next]!;
      const nextWeight = weight + turnCostSeconds[t]! + turnPenaltySeconds[t]! + edgeSeconds[next]!;
      const beyond = (1 - targetFraction) * edgeSeconds[next]!;
      if (next === target && nextWeight - beyond < bestWeight) [bestWeight, bestSeconds] = [nextWeight - beyond, nextSeconds - beyond];
      if (heap.pushOrDecrease(next, nextWeight)) seconds.set(next, nextSeconds);
    }
  }
  return bestSeconds;
}

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('contraction hierarchy search on Monaco', () => {
  it('keeps the largest strongly connected component, and other edges only where they connect to it', () => {
    expect(main.length).toBeGreaterThan(network.edgeSeconds.length / 2);
    // Within the main component every edge has a way in and a way out that stay inside it.
    const entered = new Uint8Array(network.edgeSeconds.length);
    for (const e of main) {
      const next = Array.from(network.turnTarget.subarray(network.turnFirst[e]!, network.turnFirst[e + 1]!)).filter((f) => network.edgeInMain[f]);
      expect(next.length).toBeGreaterThan(0);
      for (const f of next) entered[f] = 1;
    }
    expect(main.every((e) => entered[e] === 1)).toBe(true);
    // Any other routable edge leads into the component or is reached from it.
    for (const e of routable.filter((x) => !network.edgeInMain[x]).slice(0, 30)) {
      const anyMain = main[0]!;
      const out = search.shortestPath({ edges: [{ edge: e, fraction: 0.5 }] }, { edges: [{ edge: anyMain, fraction: 0.5 }] });
      const back = search.shortestPath({ edges: [{ edge: anyMain, fraction: 0.5 }] }, { edges: [{ edge: e, fraction: 0.5 }] });
      expect(out !== null || back !== null).toBe(true);
    }
  });

  it('finds the same fastest times as a plain Dijkstra, with a path that adds up', () => {
    const random = stream(42);
    for (let i = 0; i < 150; i++) {
      const a = main[Math.floor(random() * main.length)]!;
      const b = main[Math.floor(random() * main.length)]!;
      const [f, g] = [random(), random()];
      const path = search.shortestPath({ edges: [{ edge: a, fraction: f }] }, { edges: [{ edge: b, fraction: g }] });
      expect(path!.seconds).toBeCloseTo(dijkstraSeconds(a, f, b, g), 6);
      // The unpacked edges are consecutive turns and their times sum to the total.
      let seconds = (1 - f) * network.edgeSeconds[a]! - (1 - g) * network.edgeSeconds[b]!;
      for (let k = 1; k < path!.edges.length; k++) seconds += path!.turnSeconds[k]! + network.edgeSeconds[path!.edges[k]!]!;
      expect(path!.edges[0]).toBe(a);
      expect(path!.edges[path!.edges.length - 1]).toBe(b);
      expect(seconds).toBeCloseTo(path!.seconds, 6);
    }
  });

  it('drives round the block when the target lies just behind the start on a one-way edge', () => {
    const oneWay = main.filter((e) => network.edgeSeconds[e ^ 1]! < 0).slice(0, 60);
    for (const edge of oneWay) {
      const path = search.shortestPath({ edges: [{ edge, fraction: 0.7 }] }, { edges: [{ edge, fraction: 0.3 }] });
      expect(path!.seconds).toBeCloseTo(dijkstraSeconds(edge, 0.7, edge, 0.3), 6);
      expect(path!.seconds).toBeGreaterThan(0.6 * network.edgeSeconds[edge]!);
    }
  });

  it('gives many-to-many tables equal to the one-to-one searches', () => {
    const random = stream(7);
    const phantoms: Phantom[] = Array.from({ length: 25 }, () => ({
      edges: [{ edge: main[Math.floor(random() * main.length)]!, fraction: random() }],
    }));
    const { seconds, meters } = search.manyToMany(phantoms, phantoms);
    for (let i = 0; i < phantoms.length; i++) {
      for (let j = 0; j < phantoms.length; j++) {
        const path = search.shortestPath(phantoms[i]!, phantoms[j]!)!;
        expect(seconds[i * phantoms.length + j]).toBeCloseTo(path.seconds, 6);
        if (i !== j) expect(meters[i * phantoms.length + j]).toBeGreaterThan(0);
      }
    }
    // Fewer sources than targets puts the sources in the buckets instead: the same cells come out.
    const few = [0, 4, 9];
    const narrow = search.manyToMany(few.map((i) => phantoms[i]!), phantoms);
    few.forEach((i, row) => {
      expect(Array.from(narrow.seconds.subarray(row * phantoms.length, (row + 1) * phantoms.length))).toEqual(Array.from(seconds.subarray(i * phantoms.length, (i + 1) * phantoms.length)));
      expect(Array.from(narrow.meters.subarray(row * phantoms.length, (row + 1) * phantoms.length))).toEqual(Array.from(meters.subarray(i * phantoms.length, (i + 1) * phantoms.length)));
    });
  });
});

describe('graph cache', () => {
  it('rebuilds, instead of failing, when the cache file was cut short', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-embedded-cache-'));
    try {
      const options = { pbfPath: 'data/osm/monaco.osm.pbf', cacheDir };
      const first = await loadEmbeddedRouting(options);
      const [file] = readdirSync(cacheDir);
      const path = join(cacheDir, file!);
      truncateSync(path, Math.floor(statSync(path).size / 2));
      // An older builder's cache of the same extract goes; another extract's cache stays.
      const older = file!.replace(/-v\d+\.bin$/, '-v0.bin');
      writeFileSync(join(cacheDir, older), 'old');
      writeFileSync(join(cacheDir, 'road-graph-0000000000000000-v0.bin'), 'other');
      const messages: string[] = [];
      const second = await loadEmbeddedRouting({ ...options, log: (message) => messages.push(message) });
      expect(second.stats().loadedFromCache).toBe(false);
      expect(readdirSync(cacheDir).sort()).toEqual([file!, 'road-graph-0000000000000000-v0.bin'].sort());
      expect(messages.some((m) => m.includes('ignoring unreadable road graph cache'))).toBe(true);
      const coordinates: [number, number][] = [[7.4197, 43.7325], [7.4285, 43.7405], [7.4137, 43.7302]];
      expect(await second.table({ coordinates })).toEqual(await first.table({ coordinates }));
      expect((await loadEmbeddedRouting(options)).stats().loadedFromCache).toBe(true);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says which file is missing when the OSM extract does not exist', async () => {
    await expect(loadEmbeddedRouting({ pbfPath: 'data/osm/nowhere.osm.pbf', cacheDir: tmpdir() })).rejects.toThrow(/nowhere\.osm\.pbf/);
  });
});
