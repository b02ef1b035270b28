/**
 * The embedded network on worker threads answers exactly what it answers on the calling thread: tables, matrices,
 * routes, errors, and a whole plan built on them, with the graph shared, not copied.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitMatrices } from '../../solver/worker-transfer';
import { loadEmbeddedRouting, type EmbeddedRouting } from '../../src/routing/embedded/index';
import { onWorkerThreads } from '../../src/routing/embedded/threads';
import { RoutingError } from '../../src/routing/provider';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { buildPlan } from '../../src/solving/plan-result';
import { buildPlanningProblem, type PlanningInput } from '../../src/solving/planning-problem';
import type { LonLat } from '../../src/domain/model/geometry';

const demo = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((entry) => entry.location);
let cacheDir: string;
let here: EmbeddedRouting;
let threaded: EmbeddedRouting;

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-threads-'));
  here = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir });
  threaded = onWorkerThreads(here, { threads: 2 });
}, 120_000);

afterAll(async () => {
  await threaded.close!();
  rmSync(cacheDir, { recursive: true, force: true });
});

const DAY = 1_795_000_000;
const day = (places: LonLat[]): PlanningInput => ({
  depot: { id: 'hd', location: places[0]!, timeZone: 'Europe/Berlin' },
  vehicles: ['van-1', 'van-2'].map((id) => ({
    id,
    capacity: { weightKg: 500, volumeL: 2000, items: 100 },
    skills: [],
    shift: { startEpochSeconds: DAY, endEpochSeconds: DAY + 10 * 3600 },
    startLocation: places[0]!,
    endLocation: places[0]!,
    costs: { fixed: 0, perHour: 3600, perKm: 0 },
    maxStops: null,
    maxShiftSeconds: null,
    maxDrivingSeconds: null,
    breaks: [],
  })),
  orders: places.slice(1).map((location, index) => ({
    id: `o${index}`,
    location,
    timeWindows: [],
    serviceSeconds: 180,
    demand: { weightKg: 2, volumeL: 5, items: 1 },
    priority: 0,
    requiredSkills: [],
  })),
});

describe('embedded routing on worker threads', () => {
  it('routes on the graph the main thread loaded, on shared memory', () => {
    const { network, hierarchy } = here.sharedGraph();
    expect(network.edgeSeconds.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(hierarchy.arcFrom.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(threaded.stats()).toEqual(here.stats());
  });

  it('answers tables, matrices and routes exactly as the calling thread does', async () => {
    const places = demo.slice(0, 80);
    expect(await threaded.table({ coordinates: places, sources: [0, 5, 7] })).toEqual(await here.table({ coordinates: places, sources: [0, 5, 7] }));
    const matrix = await threaded.matrix(places);
    expect(matrix).toEqual(await here.matrix(places));
    expect(matrix.durations.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The flat matrix holds the table's numbers in whole units.
    const table = await here.table({ coordinates: places });
    expect(Array.from(matrix.durations.subarray(80, 160))).toEqual(table.durations[1]!.map((value) => (value === null ? NaN : Math.round(value))));
    const request = { coordinates: places.slice(0, 6), steps: true, annotations: true };
    expect(await threaded.route(request)).toEqual(await here.route(request));
  });

  it('gives routing errors back with their code and coordinate', async () => {
    const far: LonLat = [9.5, 48.0];
    const error = await threaded.matrix([demo[0]!, far]).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RoutingError);
    expect(error).toMatchObject({ code: 'NoSegment', coordinateIndex: 1 });
    await expect(threaded.route({ coordinates: [demo[0]!] })).rejects.toMatchObject({ code: 'InvalidQuery' });
  });

  it('plans a day identically: flat matrices, the solver pool and road geometry off the calling thread', async () => {
    const input = day(demo.slice(100, 160));
    const nested = await buildPlanningProblem(input, here);
    const flat = await buildPlanningProblem(input, threaded, { flatMatrices: true });
    expect(flat.vroom.matrices).toBeUndefined();
    const split = splitMatrices(nested.vroom, { shared: true });
    expect(flat.vroom).toEqual(split.problem);
    expect(flat.flatMatrices).toEqual(split.matrices);
    expect(flat.snapMeters).toEqual(nested.snapMeters);

    const pool = createPoolSolver({ threads: 2 });
    const inline = createPoolSolver({ threads: 1 });
    try {
      const run = { seeds: [3], maxIterations: 300 };
      const onPool = await pool.solve(flat.vroom, { ...run, flatMatrices: flat.flatMatrices });
      const inProcess = await inline.solve(nested.vroom, run);
      if (onPool.status !== 'solved' || inProcess.status !== 'solved') throw new Error('expected solved');
      expect(onPool.solution).toEqual(inProcess.solution);
      expect(await buildPlan(flat, onPool.solution, threaded)).toEqual(await buildPlan(nested, inProcess.solution, here));
    } finally {
      await Promise.all([pool.close(), inline.close()]);
    }
  });
});
