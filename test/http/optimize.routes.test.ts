import http from 'node:http';
import type { AddressInfo } from 'node:net';
import polyline from '@mapbox/polyline';
import express from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSolution, type VroomProblem, type VroomSolution } from '../../solver/index';
import { repositories } from '../../src/db/repositories';
import { systemClock } from '../../src/domain/clock';
import { errorHandler } from '../../src/http/middleware/errors';
import { optimizeMount, optimizeRouter, type OptimizeRouterOptions } from '../../src/http/routes/optimize.routes';
import { loadEmbeddedRouting } from '../../src/routing/embedded';
import { createHaversineProvider, haversineMeters } from '../../src/routing/haversine';
import type { RoutingProvider } from '../../src/routing/provider';
import { OptimizeJobs } from '../../src/solving/optimize-jobs';
import { createPoolSolver } from '../../src/solving/pool-solver';
import type { SolverRunner } from '../../src/solving/runner';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { adminToken, startTestApp, type TestApp } from '../helpers/http';
import type { LonLat } from '../../src/domain/model/geometry';

interface JobBody {
  id: string;
  status: string;
  href: string;
  progress?: { bestCost: number; unassigned: number };
  solution?: VroomSolution;
}
/** The parts of the answers these tests read: VROOM's error body (with details), a job, or (cast) a VROOM solution. */
interface ApiBody {
  code: number;
  error: string;
  details: { path: string }[];
  job: JobBody;
}

const allowAll: express.RequestHandler = (_req, _res, next) => next();

async function serve(options: Partial<OptimizeRouterOptions> & { solver: SolverRunner; routing: RoutingProvider }) {
  const app = express()
    .use(pinoHttp({ logger: pino({ level: 'silent' }) }))
    .use('/api/v1', optimizeRouter({ authorize: allowAll, ...options }))
    .use(errorHandler);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as ApiBody };
  };
  return { baseUrl, call, close: () => new Promise((resolve) => server.close(resolve)) };
}

const depot: LonLat = [8.6724, 49.4093];
const around = (k: number, radius = 0.02): LonLat => [depot[0] + radius * Math.cos(k * 2.4), depot[1] + 0.6 * radius * Math.sin(k * 2.4)];

/** Jobs by coordinates, as openrouteservice users send them. */
function locatedProblem(jobs: number, extra: Partial<VroomProblem> = {}): VroomProblem {
  return {
    vehicles: [1, 2].map((id) => ({ id, start: depot, end: depot, capacity: [Math.ceil(jobs / 2) + 1], time_window: [0, 36_000] })),
    jobs: Array.from({ length: jobs }, (_, k) => ({ id: 100 + k, location: around(k + 1, 0.005 + 0.002 * (k % 7)), service: 120, delivery: [1] })),
    ...extra,
  };
}

/** The same places as matrices, as VROOM users send them. */
function matrixProblem(located: VroomProblem): VroomProblem {
  const places = [depot, ...located.jobs!.map((job) => job.location!)];
  const meters = places.map((a) => places.map((b) => Math.round(haversineMeters(a, b))));
  return {
    vehicles: located.vehicles.map(({ start: _start, end: _end, ...vehicle }) => ({ ...vehicle, start_index: 0, end_index: 0 })),
    jobs: located.jobs!.map(({ location: _location, ...job }, k) => ({ ...job, location_index: k + 1 })),
    matrices: { car: { durations: meters.map((row) => row.map((m) => Math.round(m / 8))), distances: meters } },
  };
}

const haversine = createHaversineProvider();

describe('POST /api/v1/optimize (inline solver, straight-line roads)', () => {
  let api: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    api = await serve({ solver: createPoolSolver({ threads: 1 }), routing: haversine, defaultTimeLimitMs: 200 });
  });
  afterAll(() => api.close());

  it('answers a VROOM problem with matrices with a VROOM solution the checker accepts', async () => {
    const problem = matrixProblem(locatedProblem(12));
    const { status, body } = await api.call('POST', '/api/v1/optimize', problem);
    expect(status).toBe(200);
    const solution = body as unknown as VroomSolution;
    expect(solution.code).toBe(0);
    expect(checkSolution(problem, solution).issues).toEqual([]);
    expect(solution.summary.unassigned).toBe(0);
    expect(solution.routes.flatMap((route) => route.steps.filter((s) => s.type === 'job').map((s) => s.id)).sort()).toEqual(problem.jobs!.map((j) => j.id).sort());
    expect(solution.summary.computing_times).toMatchObject({ loading: 0, solving: expect.any(Number) });
  });

  it('fills the matrices from locations, and with options.g draws each route as a polyline through its stops', async () => {
    const problem = locatedProblem(10, { options: { g: true } });
    const { status, body } = await api.call('POST', '/api/v1/optimize', problem);
    expect(status).toBe(200);
    const solution = body as unknown as VroomSolution;
    expect(solution.summary.unassigned).toBe(0);
    expect(solution.summary.distance).toBeGreaterThan(0);
    for (const route of solution.routes) {
      expect(route.steps[0]!.location).toEqual(depot);
      for (const step of route.steps) expect(step).not.toHaveProperty('location_index');
      const line = polyline.decode(route.geometry!).map(([lat, lon]) => [lon, lat]);
      const stops = route.steps.map((step) => step.location!);
      for (const stop of stops) expect(Math.min(...line.map((point) => haversineMeters(point as LonLat, stop)))).toBeLessThan(2);
      // Distances in the answer are the road network's (haversine × 1.3 here), not straight lines.
      const straight = stops.slice(1).reduce((sum, stop, i) => sum + haversineMeters(stops[i]!, stop), 0);
      expect(route.distance!).toBeGreaterThan(straight);
    }
  });

  it('costs routes by working time and minimises vehicles when the options ask, and names a bad option in a 400', async () => {
    const problem = matrixProblem(locatedProblem(12));
    const paid = { ...problem, options: { route_cost: 'working_time' as const, minimize: 'vehicles' as const } };
    const { status, body } = await api.call('POST', '/api/v1/optimize', paid);
    expect(status).toBe(200);
    const solution = body as unknown as VroomSolution;
    expect(checkSolution(paid, solution).issues).toEqual([]);
    // By travel (VROOM's convention, the default) the same routes cost less: service and waiting are not counted.
    expect(checkSolution(problem, solution).issues.map((issue) => issue.code)).toContain('cost_mismatch');

    const bad = await api.call('POST', '/api/v1/optimize', { ...problem, options: { minimize: 'fastest', route_cost: 'hours' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((detail) => detail.path).sort()).toEqual(['options.minimize', 'options.route_cost']);
  });

  it('plans multi-trip routes with the vehicle.reload extension, by coordinates or matrices, and names a bad reload in a 400', async () => {
    // 12 units for one van that holds 4: three trips, the reload place routed like any other location.
    const located = locatedProblem(12);
    located.vehicles = [{ ...located.vehicles[0]!, capacity: [4], reload: { location: depot, service: 600 } }];
    const byCoordinates = await api.call('POST', '/api/v1/optimize', located);
    expect(byCoordinates.status).toBe(200);
    const solution = byCoordinates.body as unknown as VroomSolution;
    expect(solution.summary.unassigned).toBe(0);
    const reloads = solution.routes[0]!.steps.filter((step) => step.type === 'reload');
    expect(reloads).toHaveLength(2);
    for (const reload of reloads) expect(reload).toMatchObject({ location: depot, service: 600 });

    const problem = matrixProblem(located);
    problem.vehicles[0]!.reload = { location_index: 0, service: 600, max_trips: 3 };
    const byMatrices = await api.call('POST', '/api/v1/optimize', problem);
    expect(byMatrices.status).toBe(200);
    expect(checkSolution(problem, byMatrices.body as unknown as VroomSolution).issues).toEqual([]);

    const bad = await api.call('POST', '/api/v1/optimize', { ...problem, vehicles: [{ ...problem.vehicles[0]!, reload: { location_index: 99, max_trips: 0, service: 1.5 } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((detail) => detail.path).sort()).toEqual(['vehicles[0].reload.location_index', 'vehicles[0].reload.max_trips', 'vehicles[0].reload.service']);
  });

  it('lists every issue of a bad problem in one 400', async () => {
    const problem = locatedProblem(3) as unknown as { jobs: Record<string, unknown>[]; vehicles: Record<string, unknown>[] };
    problem.jobs[0]!.location = [200, 49];
    delete problem.jobs[1]!.location;
    problem.jobs[2]!.id = problem.jobs[0]!.id;
    problem.vehicles[1]!.capacity = ['lots'];
    const { status, body } = await api.call('POST', '/api/v1/optimize', problem);
    expect(status).toBe(400);
    expect(body.code).toBe(2);
    expect(body.error).toMatch(/^The problem has \d+ issues: /);
    const paths = body.details.map((detail) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['jobs[0].location', 'jobs[1].location', 'jobs[2].id', 'vehicles[1].capacity[0]']));

    const withMatrices = matrixProblem(locatedProblem(3));
    withMatrices.jobs![0]!.location_index = 99;
    withMatrices.matrices!.car!.durations![1]![2] = -5;
    const again = await api.call('POST', '/api/v1/optimize', withMatrices);
    expect(again.status).toBe(400);
    expect(again.body.details.map((detail) => detail.path)).toEqual(
      expect.arrayContaining(['jobs[0].location_index', 'matrices.car.durations[1][2]']),
    );
  });

  it('answers malformed JSON and bad query options with 400', async () => {
    const json = await api.call('POST', '/api/v1/optimize', '{"vehicles": [');
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ code: 2, error: expect.stringMatching(/^Malformed JSON body/) });
    const query = await api.call('POST', '/api/v1/optimize?timeLimitSeconds=forever', locatedProblem(2));
    expect(query.status).toBe(400);
    expect(query.body.details[0]!.path).toBe('query.timeLimitSeconds');
  });

  it('replays a time-limited answer exactly from its stats.runs sent as options.replay', async () => {
    const problem = matrixProblem(locatedProblem(30));
    const timed = await api.call('POST', '/api/v1/optimize?timeLimitSeconds=0.5', problem);
    expect(timed.status).toBe(200);
    const first = timed.body as unknown as VroomSolution;
    expect(first.stats!.runs).toEqual([{ seed: 1, iterations: first.stats!.iterations }]);
    const replayed = await api.call('POST', '/api/v1/optimize', { ...problem, options: { replay: first.stats!.runs } });
    expect(replayed.status).toBe(200);
    const second = replayed.body as unknown as VroomSolution;
    expect(checkSolution(problem, second).issues).toEqual([]);
    expect(second.routes).toEqual(first.routes);
    expect(second.summary.cost).toBe(first.summary.cost);

    const bad = await api.call('POST', '/api/v1/optimize', { ...problem, options: { replay: [{ seed: 1, iterations: -1 }, { seed: 1, iterations: 3, extra: 1 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((detail) => detail.path)).toEqual(expect.arrayContaining(['options.replay[0].iterations', 'options.replay[1].seed', 'options.replay[1].extra']));
  });

  it('answers 404 for an unknown job', async () => {
    const { status, body } = await api.call('GET', '/api/v1/optimize/jobs/nope');
    expect(status).toBe(404);
    expect(body.code).toBe(2);
  });
});

describe('how long a run searches', () => {
  it('stops a small problem once it stops improving, and searches as long as ?timeLimitSeconds asks', async () => {
    const api = await serve({ solver: createPoolSolver({ threads: 1 }), routing: haversine, defaultTimeLimitMs: 60_000 });
    try {
      let started = performance.now();
      const quick = await api.call('POST', '/api/v1/optimize', locatedProblem(8));
      expect(quick.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(5_000);
      started = performance.now();
      const timed = await api.call('POST', '/api/v1/optimize?timeLimitSeconds=1.5', locatedProblem(8));
      expect(timed.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_500);
    } finally {
      await api.close();
    }
  });
});

describe('a caller that hangs up', () => {
  it('cancels its run', async () => {
    let started!: () => void;
    const solving = new Promise<void>((resolve) => (started = resolve));
    let cancelled!: () => void;
    const cancellation = new Promise<void>((resolve) => (cancelled = resolve));
    // A runner that solves nothing and waits to be cancelled.
    const waiting: SolverRunner = {
      threads: 1,
      solve: (_problem, { signal }) =>
        new Promise((resolve) => {
          started();
          signal!.addEventListener('abort', () => {
            cancelled();
            resolve({ status: 'cancelled', elapsedMs: 0 });
          });
        }),
      close: async () => {},
    };
    const api = await serve({ solver: waiting, routing: haversine });
    try {
      const controller = new AbortController();
      const request = fetch(`${api.baseUrl}/api/v1/optimize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(locatedProblem(3)),
        signal: controller.signal,
      }).catch(() => 'hung up');
      await solving;
      controller.abort();
      expect(await request).toBe('hung up');
      await cancellation;
    } finally {
      await api.close();
    }
  });
});

describe('optimization jobs (pool solver, 2 threads, jobs on PGlite)', () => {
  const solver = createPoolSolver({ threads: 2 });
  let api: Awaited<ReturnType<typeof serve>>;
  let database: TestDatabase;
  let jobs: OptimizeJobs;
  beforeAll(async () => {
    database = await testDatabases()[0]!.open();
    jobs = new OptimizeJobs(repositories(database.knex).optimizeJobs, systemClock, { heartbeatMs: 50 });
    api = await serve({ solver, routing: haversine, defaultTimeLimitMs: 500, jobs });
  });
  afterAll(async () => {
    await api.close();
    jobs.close();
    await solver.close();
    await database.dispose();
  });

  const poll = async (href: string, until: (job: JobBody) => boolean) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { body } = await api.call('GET', href);
      if (until(body.job)) return body.job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job at ${href} never got there`);
  };

  it('answers a large problem synchronously by default, as VROOM, and with 202 and a job on ?async=true', async () => {
    const problem = locatedProblem(40);
    const direct = await api.call('POST', '/api/v1/optimize', problem);
    expect(direct.status).toBe(200);
    expect((direct.body as unknown as VroomSolution).summary.unassigned).toBe(0);
    const { status, body, location } = await api.call('POST', '/api/v1/optimize?async=true', problem);
    expect(status).toBe(202);
    expect(body.job).toMatchObject({ status: 'running', href: `/api/v1/optimize/jobs/${body.job.id}` });
    expect(location).toBe(body.job.href);
    const job = await poll(body.job.href, (j) => j.status !== 'running');
    expect(job.status).toBe('solved');
    expect(job.progress).toMatchObject({ bestCost: expect.any(Number), unassigned: 0 });
    expect(job.solution!.code).toBe(0);
    expect(job.solution!.summary.unassigned).toBe(0);
    expect(job.solution!.routes.reduce((n, route) => n + route.steps.filter((s) => s.type === 'job').length, 0)).toBe(40);
  });

  it('runs a small problem as a job on ?async=true, and DELETE cancels it', async () => {
    const { status, body } = await api.call('POST', '/api/v1/optimize?async=true&timeLimitSeconds=30', locatedProblem(12));
    expect(status).toBe(202);
    await poll(body.job.href, (j) => j.progress !== undefined);
    const cancelled = await api.call('DELETE', body.job.href);
    expect(cancelled.status).toBe(200);
    const job = await poll(body.job.href, (j) => j.status !== 'running');
    expect(job.status).toBe('cancelled');
    expect(job).not.toHaveProperty('solution');
  });
});

describe('POST /api/v1/optimize over the embedded Heidelberg road network', () => {
  let api: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const routing = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
    api = await serve({ solver: createPoolSolver({ threads: 1 }), routing, defaultTimeLimitMs: 300 });
  });
  afterAll(() => api.close());

  it('routes on real roads: durations and distances from the network, geometry along the streets', async () => {
    const problem = locatedProblem(8, { options: { g: true } });
    const { status, body } = await api.call('POST', '/api/v1/optimize', problem);
    expect(status).toBe(200);
    const solution = body as unknown as VroomSolution;
    expect(solution.summary.unassigned).toBe(0);
    expect(solution.summary.computing_times!.loading).toBeGreaterThanOrEqual(0);
    for (const route of solution.routes) {
      const line = polyline.decode(route.geometry!);
      // A street route bends: many more points than stops, and longer than the straight lines between them.
      expect(line.length).toBeGreaterThan(route.steps.length * 2);
      const stops = route.steps.map((step) => step.location!);
      const straight = stops.slice(1).reduce((sum, stop, i) => sum + haversineMeters(stops[i]!, stop), 0);
      expect(route.distance!).toBeGreaterThan(straight);
    }
  });
});

describe('mounted in the service app (PGlite)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(testDatabases()[0]!, { mounts: [optimizeMount({ solver: createPoolSolver({ threads: 1 }), routing: haversine, defaultTimeLimitMs: 100 })] });
  });
  afterAll(() => app.close());

  it('optimizes for a signed-in admin, refuses anonymous callers, and is in the OpenAPI document', async () => {
    const signedIn = await app.request('POST', '/api/v1/optimize', { body: locatedProblem(4) });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.summary.unassigned).toBe(0);
    const anonymous = await app.request('POST', '/api/v1/optimize', { body: locatedProblem(4), token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 2, error: expect.stringMatching(/Authentication required/) });
    // openrouteservice clients send the key bare, without "Bearer".
    const orsStyle = await app.request('POST', '/api/v1/optimize', { body: locatedProblem(4), token: null, headers: { authorization: adminToken } });
    expect(orsStyle.status).toBe(200);
    const otherScheme = await app.request('POST', '/api/v1/optimize', { body: locatedProblem(4), token: null, headers: { authorization: `Basic ${adminToken}` } });
    expect(otherScheme.status).toBe(401);
    const openApi = await app.request('GET', '/api/v1/openapi.json', { token: null });
    expect(Object.keys(openApi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/optimize', '/api/v1/optimize/jobs/{id}']));
  });
});
