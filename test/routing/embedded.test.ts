import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import osrmTextInstructions from 'osrm-text-instructions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingError } from '../../src/routing/provider';
import { haversineMeters } from '../../src/routing/embedded/geo';
import { loadEmbeddedRouting, type EmbeddedRouting } from '../../src/routing/embedded/index';
import { readOsmPbf } from '../../src/routing/embedded/pbf';
import { carWay } from '../../src/routing/embedded/car-profile';
import type { LonLat } from '../../src/domain/model/geometry';

const pbfPath = 'data/osm/heidelberg.osm.pbf';
const demo = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat; street: string }[]).map(
  (entry) => entry.location,
);
let cacheDir: string;
let routing: EmbeddedRouting;

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-embedded-'));
  routing = await loadEmbeddedRouting({ pbfPath, cacheDir });
}, 120_000);

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const midpoint = (a: LonLat, b: LonLat): LonLat => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
const meters = (a: LonLat, b: LonLat): number => haversineMeters(a[0], a[1], b[0], b[1]);

/** OSM facts read straight from the PBF, independently of the graph builder. */
function readOsm() {
  const coordinates = new Map<number, LonLat>();
  const ways = new Map<number, { nodeIds: number[]; tags: Record<string, string> }>();
  const restrictions: { restriction: string; from: number; via: number; to: number }[] = [];
  readOsmPbf(readFileSync(pbfPath), {
    node: (id, lon, lat) => void coordinates.set(id, [lon, lat]),
    way: (id, nodeIds, tags) => void (tags.highway && ways.set(id, { nodeIds, tags })),
    relation(_id, members, tags) {
      const role = (name: string) => members.filter((m) => m.role === name);
      if (tags.type !== 'restriction' || !tags.restriction) return;
      const [from, via, to] = [role('from'), role('via'), role('to')];
      if (from.length === 1 && via.length === 1 && to.length === 1 && via[0]!.type === 'node') {
        restrictions.push({ restriction: tags.restriction, from: from[0]!.id, via: via[0]!.id, to: to[0]!.id });
      }
    },
  });
  return { coordinates, ways, restrictions };
}

describe('embedded routing on Heidelberg', () => {
  it('builds a graph of the expected size and reports it', () => {
    const stats = routing.stats();
    expect(stats.loadedFromCache).toBe(false);
    expect(stats.nodes).toBeGreaterThan(15_000);
    expect(stats.edges).toBeGreaterThan(stats.nodes);
    expect(stats.shortcuts).toBeGreaterThan(0);
    expect(stats.memoryBytes).toBeGreaterThan(0);
  });

  it('reloads from the cache with identical answers', async () => {
    const reloaded = await loadEmbeddedRouting({ pbfPath, cacheDir });
    expect(reloaded.stats().loadedFromCache).toBe(true);
    expect(reloaded.stats().nodes).toBe(routing.stats().nodes);
    const coordinates = demo.slice(0, 15);
    expect(await reloaded.table({ coordinates })).toEqual(await routing.table({ coordinates }));
    const request = { coordinates: [demo[20]!, demo[21]!], steps: true, annotations: true };
    expect(await reloaded.route(request)).toEqual(await routing.route(request));
  });

  it('answers the same from its kept search spaces, snaps and legs as a fresh instance does', async () => {
    const warm = await loadEmbeddedRouting({ pbfPath, cacheDir });
    const fresh = await loadEmbeddedRouting({ pbfPath, cacheDir });
    // Overlapping requests: the second table and route reuse most of what the first ones searched.
    await warm.table({ coordinates: demo.slice(30, 60) });
    await warm.route({ coordinates: demo.slice(100, 110), overview: 'full' });
    const table = { coordinates: demo.slice(40, 75), sources: [0, 3, 7], destinations: [...Array(35).keys()] };
    expect(await warm.table(table)).toEqual(await fresh.table(table));
    const route = { coordinates: [...demo.slice(100, 104), demo[150]!, ...demo.slice(104, 110)], overview: 'full' as const };
    expect(await warm.route(route)).toEqual(await fresh.route(route));
    expect(await warm.route(route)).toEqual(await fresh.route(route));
  });

  it('snaps onto the middle of a road segment, not only to its nodes, and reports the distance', async () => {
    const { coordinates, ways } = readOsm();
    // A long straight piece of a two-way residential street: its midpoint is far from both nodes.
    const piece = [...ways.values()]
      .filter((way) => way.tags.highway === 'residential' && !way.tags.oneway && way.tags.name)
      .flatMap((way) => way.nodeIds.slice(1).map((id, i) => [coordinates.get(way.nodeIds[i]!)!, coordinates.get(id)!] as const))
      .find(([a, b]) => a && b && meters(a, b) > 120 && a[0] > 8.6 && a[0] < 8.75 && a[1] > 49.37 && a[1] < 49.43)!;
    const middle = midpoint(piece[0], piece[1]);
    const snapped = await routing.nearest(middle);
    expect(snapped.distance).toBeLessThan(0.5);
    expect(meters(snapped.location, piece[0])).toBeGreaterThan(50);
    expect(meters(snapped.location, piece[1])).toBeGreaterThan(50);

    // 25 m north of a demo address: snapped back to a road no farther than that street.
    const [lon, lat] = demo[3]!;
    const away = await routing.nearest([lon, lat + 25 / 111_195]);
    expect(away.distance).toBeGreaterThan(0);
    expect(away.distance).toBeLessThanOrEqual(25.1);
  });

  it('refuses points far from any road with NoSegment naming the coordinate', async () => {
    await expect(routing.nearest([10.5, 50.5], 1000)).rejects.toMatchObject({ code: 'NoSegment' });
    const error = await routing.table({ coordinates: [demo[0]!, demo[1]!, [10.5, 50.5]] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoutingError);
    expect(error).toMatchObject({ code: 'NoSegment', coordinateIndex: 2 });
    await expect(routing.route({ coordinates: [demo[0]!, [0, 95]] })).rejects.toMatchObject({ code: 'InvalidValue', coordinateIndex: 1 });
  });

  it('answers tables that agree with routes and look symmetric on average', async () => {
    const coordinates = demo.slice(100, 112);
    const table = await routing.table({ coordinates });
    const ratios: number[] = [];
    for (let i = 0; i < coordinates.length; i++) {
      expect(table.durations[i]![i]).toBe(0);
      for (let j = 0; j < coordinates.length; j++) {
        if (i === j) continue;
        expect(table.durations[i]![j]).toBeGreaterThan(0);
        ratios.push(table.durations[i]![j]! / table.durations[j]![i]!);
      }
    }
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(0.8);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeLessThan(1.25);

    for (const [i, j] of [[0, 5], [3, 9], [11, 2], [7, 1]] as const) {
      const { route } = await routing.route({ coordinates: [coordinates[i]!, coordinates[j]!] });
      expect(Math.abs(route.duration - table.durations[i]![j]!)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(route.distance - table.distances[i]![j]!)).toBeLessThanOrEqual(0.1);
    }
  });

  it('honours sources and destinations', async () => {
    const coordinates = demo.slice(0, 6);
    const full = await routing.table({ coordinates });
    const part = await routing.table({ coordinates, sources: [4, 1], destinations: [0, 5, 2] });
    expect(part.durations).toEqual([4, 1].map((i) => [0, 5, 2].map((j) => full.durations[i]![j])));
    expect(part.sources).toHaveLength(2);
    expect(part.destinations).toHaveLength(3);
  });

  it('agrees with OSRM on the recorded 50 × 50 Heidelberg table', async () => {
    const fixture = JSON.parse(readFileSync('test/fixtures/osrm/heidelberg/table-50.json', 'utf8'));
    const points = JSON.parse(readFileSync('test/fixtures/osrm/heidelberg/table-points.json', 'utf8')).points.slice(0, 50);
    const table = await routing.table({ coordinates: points.map((p: { lon: number; lat: number }) => [p.lon, p.lat]) });
    const durationDiffs: number[] = [];
    const distanceDiffs: number[] = [];
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 50; j++) {
        if (i === j) continue;
        expect(table.durations[i]![j]).not.toBeNull();
        durationDiffs.push(Math.abs(table.durations[i]![j]! / fixture.response.durations[i][j] - 1));
        distanceDiffs.push(Math.abs(table.distances[i]![j]! / fixture.response.distances[i][j] - 1));
      }
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(median(durationDiffs)).toBeLessThan(0.1);
    expect(median(distanceDiffs)).toBeLessThan(0.05);
  });

  it('matches OSRM on pairs where OSM tagging is subtle', async () => {
    const points = JSON.parse(readFileSync('test/fixtures/osrm/heidelberg/table-points.json', 'utf8')).points as { lon: number; lat: number }[];
    const osrm = JSON.parse(readFileSync('test/fixtures/osrm/heidelberg/table-200.json', 'utf8')).response;
    const cases: [from: number, to: number, rule: string][] = [
      [83, 162, 'a point on an intersection may leave on any road there (only_straight_on at that node)'],
      [196, 8, 'a two-way link whose backward direction only leads out of the main component'],
      [107, 165, 'a lift gate with motor_vehicle=private lets traffic through'],
      [98, 100, 'vehicle:backward=agricultural closes one direction only'],
      [35, 109, 'no cutting through a destination-only street'],
    ];
    for (const [from, to, rule] of cases) {
      const coordinates: LonLat[] = [from, to].map((i) => [points[i]!.lon, points[i]!.lat]);
      const table = await routing.table({ coordinates });
      const ratio = table.durations[0]![1]! / osrm.durations[from][to];
      expect(Math.abs(ratio - 1), rule).toBeLessThan(0.2);
    }
  });

  it('respects one-way streets', async () => {
    const { coordinates, ways } = readOsm();
    // A one-way residential street in town with a long first piece.
    const way = [...ways.values()].find((w) => {
      const car = carWay(w.tags);
      const [a, b] = [coordinates.get(w.nodeIds[0]!), coordinates.get(w.nodeIds[1]!)];
      return car && car.highway === 'residential' && car.backwardKmh === 0 && a && b && meters(a, b) > 80 && a[0] > 8.66 && a[0] < 8.72 && a[1] > 49.39 && a[1] < 49.42;
    })!;
    const [a, b] = [coordinates.get(way.nodeIds[0]!)!, coordinates.get(way.nodeIds[1]!)!];
    const along: LonLat = [a[0] + 0.25 * (b[0] - a[0]), a[1] + 0.25 * (b[1] - a[1])];
    const further: LonLat = [a[0] + 0.75 * (b[0] - a[0]), a[1] + 0.75 * (b[1] - a[1])];
    const forward = await routing.route({ coordinates: [along, further] });
    const backward = await routing.route({ coordinates: [further, along] });
    expect(forward.route.distance).toBeCloseTo(meters(along, further), -1);
    // Against the one-way the car has to drive round the block.
    expect(backward.route.distance).toBeGreaterThan(2 * meters(along, further));
  });

  it('respects a real no_left_turn restriction', async () => {
    const { coordinates, ways, restrictions } = readOsm();
    // A no_left_turn between two two-way streets that meet at their ends: only the restriction forbids the turn.
    /** The point `distance` metres along the way from its end at `via`, or undefined when via is not an end. */
    const pointFrom = (wayId: number, via: number, distance: number): LonLat | undefined => {
      const ids = ways.get(wayId)?.nodeIds;
      if (!ids || (ids[0] !== via && ids[ids.length - 1] !== via)) return undefined;
      const line = (ids[0] === via ? ids : [...ids].reverse()).map((id) => coordinates.get(id)!);
      let left = distance;
      for (let i = 1; i < line.length; i++) {
        const piece = meters(line[i - 1]!, line[i]!);
        if (piece >= left) {
          const t = left / piece;
          return [line[i - 1]![0] + t * (line[i]![0] - line[i - 1]![0]), line[i - 1]![1] + t * (line[i]![1] - line[i - 1]![1])];
        }
        left -= piece;
      }
      return undefined;
    };
    const twoWay = (wayId: number) => {
      const car = carWay(ways.get(wayId)?.tags ?? {});
      return car !== null && car.forwardKmh > 0 && car.backwardKmh > 0;
    };
    const restricted = (from: number, via: number, to: number) => restrictions.some((r) => r.from === from && r.via === via && r.to === to);
    const found = restrictions.find(
      (r) =>
        r.restriction === 'no_left_turn' && twoWay(r.from) && twoWay(r.to) && !restricted(r.to, r.via, r.from) &&
        pointFrom(r.from, r.via, 20) !== undefined && pointFrom(r.to, r.via, 20) !== undefined,
    );
    expect(found).toBeDefined();
    const start = pointFrom(found!.from, found!.via, 20)!;
    const end = pointFrom(found!.to, found!.via, 20)!;
    const direct = 40;
    const { route, waypoints } = await routing.route({ coordinates: [start, end], steps: true });
    expect(waypoints.every((w) => w.distance < 1)).toBe(true);
    expect(route.distance).toBeGreaterThan(direct + 50);
    // The reverse movement is a right turn, which stays allowed.
    const reverse = await routing.route({ coordinates: [end, start] });
    expect(reverse.route.distance).toBeLessThan(direct + 5);
  });

  it('produces OSRM v5 steps that osrm-text-instructions renders with street names', async () => {
    const { route } = await routing.route({ coordinates: [demo[0]!, demo[1]!, demo[2]!], steps: true, annotations: true });
    expect(route.legs).toHaveLength(2);
    const compiler = osrmTextInstructions('v5');
    for (const [legIndex, leg] of route.legs.entries()) {
      const steps = leg.steps;
      expect(steps[0]!.maneuver.type).toBe('depart');
      expect(steps[steps.length - 1]!.maneuver.type).toBe('arrive');
      const middle = steps.slice(1, -1);
      expect(middle.length).toBeGreaterThan(0);
      for (const step of middle) {
        expect(step.maneuver.modifier).toBeDefined();
        expect(step.intersections.length).toBeGreaterThan(0);
        const intersection = step.intersections[0]!;
        expect(intersection.bearings).toHaveLength(intersection.entry.length);
        expect(intersection.out).toBeGreaterThanOrEqual(0);
      }
      expect(middle.some((step) => step.name !== '')).toBe(true);
      const stepMeters = steps.reduce((sum, step) => sum + step.distance, 0);
      expect(Math.abs(stepMeters - leg.distance)).toBeLessThan(1);
      const stepSeconds = steps.reduce((sum, step) => sum + step.duration, 0);
      expect(Math.abs(stepSeconds - leg.duration)).toBeLessThan(1);
      expect(leg.annotation!.distance.reduce((a, b) => a + b, 0)).toBeCloseTo(leg.distance, -1);
      const sentences = steps.map((step) => compiler.compile('en', step, { legCount: route.legs.length, legIndex }));
      expect(sentences[0]).toMatch(/^Head (north|south|east|west|northeast|northwest|southeast|southwest) on /);
      expect(sentences.some((s) => / onto [A-ZÄÖÜ]/.test(s))).toBe(true);
    }
    expect(route.geometry!.coordinates.length).toBeGreaterThan(2);
  });

  it('announces a roundabout with its exit number', async () => {
    const { coordinates, ways } = readOsm();
    const roundabout = [...ways.values()].find(
      (w) => w.tags.junction === 'roundabout' && w.tags.highway !== 'service' && w.nodeIds[0] === w.nodeIds[w.nodeIds.length - 1] && w.nodeIds.length > 8,
    )!;
    // Enter from one side and leave on the other: start and end 150 m beyond opposite points of the ring.
    const ring = roundabout.nodeIds.map((id) => coordinates.get(id)!);
    const centre: LonLat = [ring.reduce((s, c) => s + c[0], 0) / ring.length, ring.reduce((s, c) => s + c[1], 0) / ring.length];
    const westEnd: LonLat = [centre[0] - 0.003, centre[1]];
    const eastEnd: LonLat = [centre[0] + 0.003, centre[1]];
    const { route } = await routing.route({ coordinates: [westEnd, eastEnd], steps: true });
    const step = route.legs[0]!.steps.find((s) => s.maneuver.type === 'roundabout');
    expect(step).toBeDefined();
    expect(step!.maneuver.exit).toBeGreaterThanOrEqual(1);
    expect(osrmTextInstructions('v5').compile('en', step!, { legCount: 1, legIndex: 0 })).toMatch(/roundabout/i);
  });
});
