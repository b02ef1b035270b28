import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/index';
import { splitMatrices, withFlatMatrices } from '../../solver/worker-transfer';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { RoutingProvider } from '../../src/routing/provider';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { planToGeoJson } from '../../src/solving/plan-geojson';
import { buildPlan } from '../../src/solving/plan-result';
import { solvePlanning } from '../../src/solving/solve-planning';
import { buildPlanningProblem, capacityAmounts, demandAmounts, type PlanningInput, type PlanningOrder, type PlanningVehicle } from '../../src/solving/planning-problem';
import type { LonLat } from '../../src/domain/model/geometry';

const routing = createHaversineProvider();
const depot: LonLat = [8.6724, 49.4093];
const DAY = 1_795_000_000; // an epoch second; only differences matter here

const vehicle = (id: string, change: Partial<PlanningVehicle> = {}): PlanningVehicle => ({
  id,
  capacity: { weightKg: 100, volumeL: 500, items: 20 },
  skills: [],
  shift: { startEpochSeconds: DAY, endEpochSeconds: DAY + 10 * 3600 },
  startLocation: depot,
  endLocation: depot,
  costs: { fixed: 0, perHour: 3600, perKm: 0 },
  maxStops: null,
  maxShiftSeconds: null,
  maxDrivingSeconds: null,
  breaks: [],
  ...change,
});

const order = (id: string, location: LonLat, change: Partial<PlanningOrder> = {}): PlanningOrder => ({
  id,
  location,
  timeWindows: [],
  serviceSeconds: 300,
  demand: { weightKg: 5, volumeL: 10, items: 1 },
  priority: 0,
  requiredSkills: [],
  ...change,
});

const around = (k: number): LonLat => [8.6724 + 0.01 * Math.cos(k), 49.4093 + 0.008 * Math.sin(k)];

describe('planning inputs → VROOM problem', () => {
  it('shares one matrix index per place, depot first, and fills matrices from the road network', async () => {
    const input: PlanningInput = {
      depot: { id: 'hd', location: depot, timeZone: 'Europe/Berlin' },
      vehicles: [vehicle('van-1')],
      orders: [order('a', around(1)), order('b', around(2)), order('c', around(1))],
    };
    const problem = await buildPlanningProblem(input, routing);
    expect(problem.locations).toEqual([depot, around(1), around(2)]);
    expect(problem.vroom.vehicles[0]).toMatchObject({ start_index: 0, end_index: 0, description: 'van-1' });
    expect(problem.vroom.jobs!.map((job) => job.location_index)).toEqual([1, 2, 1]);
    const durations = problem.vroom.matrices!.car!.durations!;
    expect(durations).toHaveLength(3);
    expect(durations[0]![1]).toBeGreaterThan(0);
    expect(Number.isInteger(durations[0]![1])).toBe(true);
    expect(problem.vroom.matrices!.car!.distances![1]![2]).toBeGreaterThan(0);
  });

  it('counts weight in grams and volume in decilitres, demand rounded up and capacity down', () => {
    expect(demandAmounts({ weightKg: 0.1, volumeL: 1.25, items: 2 })).toEqual([100, 13, 2]);
    expect(capacityAmounts({ weightKg: 0.1, volumeL: 2.55, items: 2 })).toEqual([100, 25, 2]);
  });

  it('numbers skills, cuts the shift to maxShiftSeconds, and carries breaks, max stops and max driving time', async () => {
    const input: PlanningInput = {
      depot: { id: 'hd', location: depot, timeZone: 'Europe/Berlin' },
      vehicles: [
        vehicle('cold', {
          skills: ['fridge', 'adr'],
          maxShiftSeconds: 3600,
          maxStops: 4,
          maxDrivingSeconds: 1800,
          endLocation: null,
          breaks: [{ id: 'lunch', windows: [{ startEpochSeconds: DAY + 600, endEpochSeconds: DAY + 1200 }], durationSeconds: 900 }],
        }),
      ],
      orders: [order('a', around(1), { requiredSkills: ['fridge'], timeWindows: [{ startEpochSeconds: DAY + 60, endEpochSeconds: DAY + 3000 }] })],
    };
    const { vroom, skills, breakIds } = await buildPlanningProblem(input, routing);
    expect(skills).toEqual(['adr', 'fridge']);
    expect(vroom.vehicles[0]).toMatchObject({
      skills: [2, 1],
      time_window: [DAY, DAY + 3600],
      max_tasks: 4,
      max_travel_time: 1800,
      breaks: [{ id: 1, time_windows: [[DAY + 600, DAY + 1200]], service: 900 }],
    });
    expect(vroom.vehicles[0]).not.toHaveProperty('end_index');
    expect(breakIds).toEqual(['lunch']);
    expect(vroom.jobs![0]).toMatchObject({ skills: [2], time_windows: [[DAY + 60, DAY + 3000]], delivery: [5000, 100, 1] });
  });
});

describe('VROOM solution → plan', () => {
  const twoVans: PlanningInput = {
    depot: { id: 'hd', location: depot, timeZone: 'Europe/Berlin' },
    vehicles: [
      vehicle('van-1', { breaks: [{ id: 'pause', windows: [{ startEpochSeconds: DAY, endEpochSeconds: DAY + 4 * 3600 }], durationSeconds: 600 }] }),
      vehicle('van-2', { capacity: { weightKg: 12, volumeL: 500, items: 20 } }),
    ],
    orders: [
      ...Array.from({ length: 10 }, (_, k) =>
        order(`o${k}`, around(k), { timeWindows: [{ startEpochSeconds: DAY + 3600 + 600 * k, endEpochSeconds: DAY + 2 * 3600 + 600 * k }] }),
      ),
      order('needs-crane', around(20), { requiredSkills: ['crane'] }),
      order('too-heavy', around(21), { demand: { weightKg: 150, volumeL: 1, items: 1 } }),
    ],
  };

  it('lists stops in order with planned times, loads and distances, road geometry, totals and the unassigned with reasons', async () => {
    const problem = await buildPlanningProblem(twoVans, routing);
    const outcome = await createPoolSolver({ threads: 1 }).solve(problem.vroom, { timeLimitMs: 300 });
    if (outcome.status !== 'solved') throw new Error('expected solved');
    expect(checkSolution(problem.vroom, outcome.solution).issues).toEqual([]);
    const plan = await buildPlan(problem, outcome.solution, routing);

    expect(plan.unassigned.map(({ orderId, reason }) => ({ orderId, reason })).sort((a, b) => a.orderId.localeCompare(b.orderId))).toEqual([
      { orderId: 'needs-crane', reason: 'skills' },
      { orderId: 'too-heavy', reason: 'capacity' },
    ]);
    expect(plan.unassigned[0]!.location).toEqual(twoVans.orders.find((o) => o.id === plan.unassigned[0]!.orderId)!.location);

    const served = plan.routes.flatMap((route) => route.stops.map((stop) => stop.orderId)).sort();
    expect(served).toEqual(twoVans.orders.slice(0, 10).map((o) => o.id).sort());
    for (const route of plan.routes) {
      const van = twoVans.vehicles.find((v) => v.id === route.vehicleId)!;
      expect(route.startLocation).toEqual(depot);
      expect(route.geometry.type).toBe('LineString');
      expect(route.geometry.coordinates[0]).toEqual(depot);
      expect(route.geometry.coordinates.at(-1)).toEqual(depot);
      expect(route.departureEpochSeconds).toBeGreaterThanOrEqual(van.shift.startEpochSeconds);
      expect(route.arrivalEpochSeconds).toBeLessThanOrEqual(van.shift.endEpochSeconds);
      expect(route.initialLoad.weightKg).toBeLessThanOrEqual(van.capacity.weightKg);
      let previous = { departure: route.departureEpochSeconds, distance: 0, weightKg: route.initialLoad.weightKg };
      route.stops.forEach((stop, index) => {
        const ordered = twoVans.orders.find((o) => o.id === stop.orderId)!;
        expect(stop.sequence).toBe(index + 1);
        expect(stop.location).toEqual(ordered.location);
        expect(stop.arrivalEpochSeconds).toBeGreaterThanOrEqual(previous.departure);
        expect(stop.serviceStartEpochSeconds).toBe(stop.arrivalEpochSeconds + stop.waitingSeconds);
        expect(stop.serviceStartEpochSeconds).toBeGreaterThanOrEqual(ordered.timeWindows[0]!.startEpochSeconds);
        expect(stop.serviceStartEpochSeconds).toBeLessThanOrEqual(ordered.timeWindows[0]!.endEpochSeconds);
        expect(stop.departureEpochSeconds).toBe(stop.serviceStartEpochSeconds + ordered.serviceSeconds);
        expect(stop.distanceFromStartMeters).toBeGreaterThanOrEqual(previous.distance);
        expect(stop.loadAfter.weightKg).toBeCloseTo(previous.weightKg - ordered.demand.weightKg, 6);
        previous = { departure: stop.departureEpochSeconds, distance: stop.distanceFromStartMeters, weightKg: stop.loadAfter.weightKg };
      });
      expect(route.distanceMeters).toBeGreaterThanOrEqual(previous.distance);
    }
    // van-2 carries at most two orders (12 kg), so van-1 drives and takes its pause.
    const van1 = plan.routes.find((route) => route.vehicleId === 'van-1')!;
    expect(van1.breaks).toEqual([{ breakId: 'pause', startEpochSeconds: expect.any(Number), durationSeconds: 600 }]);
    expect(plan.totals).toMatchObject({ routes: plan.routes.length, stops: 10, unassigned: 2 });
    expect(plan.totals.distanceMeters).toBeCloseTo(plan.routes.reduce((sum, route) => sum + route.distanceMeters, 0), 6);
    expect(plan.totals.distanceMeters).toBe(outcome.solution.summary.distance);

    const geojson = planToGeoJson(plan);
    const kinds = geojson.features.map((feature) => feature.properties.kind);
    expect(kinds.filter((kind) => kind === 'route')).toHaveLength(plan.routes.length);
    expect(kinds.filter((kind) => kind === 'stop')).toHaveLength(10);
    expect(geojson.features.filter((feature) => feature.properties.kind === 'unassigned').map((f) => f.properties.reason).sort()).toEqual(['capacity', 'skills']);
    for (const feature of geojson.features) {
      for (const [lon, lat] of feature.geometry.type === 'Point' ? [feature.geometry.coordinates] : feature.geometry.coordinates) {
        expect(Math.abs(lon - 8.67)).toBeLessThan(0.1);
        expect(Math.abs(lat - 49.41)).toBeLessThan(0.1);
      }
    }
  });

  it('leaves an order the road network cannot reach unassigned as unroutable, with how far its road is', async () => {
    const island: LonLat = [8.7, 49.43];
    const withIsland: RoutingProvider = {
      ...routing,
      async table(request) {
        const table = await routing.table(request);
        const cut = request.coordinates.findIndex(([lon, lat]) => lon === island[0] && lat === island[1]);
        const unreachable = (rows: (number | null)[][]) => rows.map((row, i) => row.map((value, j) => (i !== j && (i === cut || j === cut) ? null : value)));
        return { ...table, durations: unreachable(table.durations), distances: unreachable(table.distances) };
      },
    };
    const input: PlanningInput = { ...twoVans, orders: [order('mainland', around(1)), order('island', island)] };
    const problem = await buildPlanningProblem(input, withIsland);
    const outcome = await createPoolSolver({ threads: 1 }).solve(problem.vroom, { timeLimitMs: 100 });
    if (outcome.status !== 'solved') throw new Error('expected solved');
    const plan = await buildPlan(problem, outcome.solution, withIsland);
    expect(plan.unassigned).toEqual([{ orderId: 'island', location: island, reason: 'unroutable', distanceToRoadMeters: 0 }]);
    expect(plan.routes.flatMap((route) => route.stops.map((stop) => stop.orderId))).toEqual(['mainland']);
  });

  it('runs end to end through a solver runner, and a cancelled run gives no plan', async () => {
    const solver = createPoolSolver({ threads: 1 });
    const outcome = await solvePlanning(twoVans, { routing, solver }, { timeLimitMs: 100 });
    if (outcome.status !== 'planned') throw new Error('expected planned');
    expect(outcome.plan.totals.stops).toBe(10);
    // The matrices came flat, as the solver's threads take them: the ones a plain build gives as rows, encoded.
    const nested = await buildPlanningProblem(twoVans, routing);
    expect(outcome.problem.flatMatrices).toEqual(splitMatrices(nested.vroom, { shared: true }).matrices);
    expect(checkSolution(withFlatMatrices(outcome.problem.vroom, outcome.problem.flatMatrices!), outcome.solution).issues).toEqual([]);
    expect(outcome.timings.matrixMs).toBeGreaterThanOrEqual(0);
    expect(await solvePlanning(twoVans, { routing, solver }, { timeLimitMs: 100, signal: AbortSignal.abort() })).toEqual({ status: 'cancelled' });
  });
});
