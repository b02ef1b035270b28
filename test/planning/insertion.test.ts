import { describe, expect, it } from 'vitest';
import { ProbeRoads, rankInsertions, RouteRoads } from '../../src/planning/insertion';
import type { LiveRoute } from '../../src/planning/live-routes';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { RoutingProvider, TableRequest, TableResult } from '../../src/routing/provider';
import type { Vehicle } from '../../src/domain/model/fleet';
import type { LonLat } from '../../src/domain/model/geometry';
import type { Order } from '../../src/domain/model/order';
import type { RouteRecord, StopRecord } from '../../src/domain/model/route';

const t0 = 1_800_000_000;
const depot: LonLat = [8.6, 49.4];
const empty = { weightKg: 0, volumeL: 0, items: 0 };
const legSeconds = 226;

const items = (count: number) => ({ weightKg: count, volumeL: count, items: count });

/**
 * Three pending stops east of the depot, one an hour apart, leaving 5 minutes after arriving. Multi-trip: `trips`
 * gives the parcels of each trip's stops, a reload between the trips, the van holding `capacity` of each.
 */
function route(trips?: { parcels: number[][]; capacity: number }): LiveRoute {
  const parcels = trips?.parcels.flat() ?? [0, 0, 0];
  // On board after each stop: what its trip still has to deliver.
  const loadAfter = (trips?.parcels ?? [parcels]).flatMap((trip) => trip.map((_, k) => items(trip.slice(k + 1).reduce((sum, count) => sum + count, 0))));
  const tripStarts = (trips?.parcels ?? [parcels]).map((_, t, all) => all.slice(0, t).reduce((sum, trip) => sum + trip.length, 0));
  const reloads = tripStarts.slice(1).map((afterSequence, t) => ({
    afterSequence,
    location: depot,
    arrivalEpochSeconds: t0 + 3600 * afterSequence + 600,
    durationSeconds: 600,
    load: items(trips!.parcels[t + 1]!.reduce((sum, count) => sum + count, 0)),
  }));
  const stops: StopRecord[] = [0, 1, 2].map((k) => ({
    id: k + 1,
    orderId: k + 1,
    sequence: k + 1,
    status: 'pending',
    locked: false,
    location: [8.62 + 0.02 * k, 49.4],
    promisedWindows: [],
    plannedArrivalEpoch: t0 + 3600 * (k + 1),
    serviceStartEpoch: t0 + 3600 * (k + 1),
    plannedDepartureEpoch: t0 + 3600 * (k + 1) + 300,
    waitingSeconds: 0,
    serviceSeconds: 300,
    distanceFromStartMeters: 1450 * (k + 1),
    drivingFromStartSeconds: legSeconds * (k + 1),
    loadAfter: loadAfter[k]!,
    violations: [],
    dispatchedEtaEpoch: null,
    liveEtaEpoch: null,
    actualArrivalEpoch: null,
    completedAtEpoch: null,
  }));
  const record = {
    id: 1,
    vehicleId: 1,
    startLocation: depot,
    endLocation: depot,
    returnsToDepot: true,
    departureEpoch: t0,
    arrivalEpoch: t0 + 4 * 3600,
    drivingSeconds: legSeconds * 6,
    initialLoad: trips ? items(trips.parcels[0]!.reduce((sum, count) => sum + count, 0)) : empty,
    reloads,
    violations: [],
    stops,
  } as unknown as RouteRecord;
  const vehicle = { id: 1, capacity: items(trips?.capacity ?? 100), skills: [], maxStops: null } as unknown as Vehicle;
  return { route: record, vehicle, fixed: [], pending: stops, fixedReloads: [] };
}

const order = (windows: { startEpochSeconds: number; endEpochSeconds: number }[]) =>
  ({ id: 99, location: [8.63, 49.4], timeWindows: windows, serviceSeconds: 300, demand: { weightKg: 1, volumeL: 1, items: 1 }, requiredSkills: [] }) as unknown as Order;

/** Haversine routing that remembers how many places each table was asked about. */
function countingRouting(): { routing: RoutingProvider; places: number[] } {
  const inner = createHaversineProvider();
  const places: number[] = [];
  const routing = { ...inner, table: (request: TableRequest) => (places.push(request.coordinates.length), inner.table(request)) } as RoutingProvider;
  return { routing, places };
}

const shiftEnd = () => t0 + 10 * 3600;

describe('rankInsertions', () => {
  it('offers every gap of the pending stops to an order without a window, cheapest detour first', async () => {
    const { routing, places } = countingRouting();
    const candidates = await rankInsertions(order([]), [route()], shiftEnd, new ProbeRoads(order([]).location, routing));
    expect(candidates.map((candidate) => candidate.gap).sort()).toEqual([0, 1, 2, 3]);
    const detours = candidates.map((candidate) => candidate.detourSeconds);
    expect(detours).toEqual([...detours].sort((a, b) => a - b));
    // The order, the depot (start and end), the three stops.
    expect(places).toEqual([5, 5]);
  });

  it('leaves out the gaps after a stop that departs once the order window has closed, and asks the road tables nothing about them', async () => {
    const { routing, places } = countingRouting();
    const closesAfterFirstStop = [{ startEpochSeconds: t0, endEpochSeconds: t0 + 2 * 3600 }];
    const candidates = await rankInsertions(order(closesAfterFirstStop), [route()], shiftEnd, new ProbeRoads(order([]).location, routing));
    expect(candidates.map((candidate) => candidate.gap).sort()).toEqual([0, 1]);
    for (const candidate of candidates) expect(candidate.gap === 0 ? t0 : candidate.live.pending[candidate.gap - 1]!.plannedDepartureEpoch).toBeLessThanOrEqual(t0 + 2 * 3600);
    // The order, the start, the first stop, and the second stop (the far end of gap 1).
    expect(places).toEqual([4, 4]);
  });

  it('asks no road table when every gap starts after the order window closed', async () => {
    const { routing, places } = countingRouting();
    const candidates = await rankInsertions(order([{ startEpochSeconds: t0 - 3600, endEpochSeconds: t0 - 60 }]), [route()], shiftEnd, new ProbeRoads(order([]).location, routing));
    expect(candidates).toEqual([]);
    expect(places).toEqual([]);
  });

  it('asks the road tables only about places a window before did not, when the windows share the probe\'s legs', async () => {
    const { routing, places } = countingRouting();
    const roads = new ProbeRoads(order([]).location, routing);
    const morning = await rankInsertions(order([{ startEpochSeconds: t0, endEpochSeconds: t0 + 2 * 3600 }]), [route()], shiftEnd, roads);
    const allDay = await rankInsertions(order([]), [route()], shiftEnd, roads);
    // Morning: the order, the depot and two stops; all day adds the third stop only.
    expect(places).toEqual([4, 4, 2, 2]);
    const alone = await rankInsertions(order([]), [route()], shiftEnd, new ProbeRoads(order([]).location, createHaversineProvider()));
    expect(allDay).toEqual(alone);
    expect(morning.map((candidate) => candidate.gap).sort()).toEqual([0, 1]);
  });

  it('takes an order into the second trip of a van whose first trip is full, only in the gaps of that trip', async () => {
    // Holds 2 parcels: trip 1 delivers 2 (full), then a reload, trip 2 delivers 1.
    const full = route({ parcels: [[1, 1], [1]], capacity: 2 });
    const candidates = await rankInsertions(order([]), [full], shiftEnd, new ProbeRoads(order([]).location, createHaversineProvider()));
    // Gap 2 begins trip 2 (after the reload), gap 3 ends it.
    expect(candidates.map((candidate) => candidate.gap).sort()).toEqual([2, 3]);
  });

  it('keeps an order out of a full second trip even when the first has room', async () => {
    // Trip 1 delivers 1 of 2, trip 2 delivers 2 of 2.
    const secondFull = route({ parcels: [[1], [1, 1]], capacity: 2 });
    const candidates = await rankInsertions(order([]), [secondFull], shiftEnd, new ProbeRoads(order([]).location, createHaversineProvider()));
    expect(candidates.map((candidate) => candidate.gap)).toEqual([0]);
  });

  it('counts from where the van is: the parcels of stops done are off the van', async () => {
    // One trip of 3 parcels in a van for 3, the first stop delivered: a fourth parcel fits after it.
    const live = route({ parcels: [[1, 1, 1]], capacity: 3 });
    const [done, ...pending] = live.route.stops;
    const started = { ...live, fixed: [{ ...done!, status: 'completed' as const }], pending };
    const candidates = await rankInsertions(order([]), [started], shiftEnd, new ProbeRoads(order([]).location, createHaversineProvider()));
    expect(candidates.map((candidate) => candidate.gap).sort()).toEqual([0, 1, 2]);
    expect(await rankInsertions(order([]), [live], shiftEnd, new ProbeRoads(order([]).location, createHaversineProvider()))).toEqual([]);
  });
});

/** Roads whose legs differ by direction and whose places snap at different distances, counting the tables asked. */
function oneWayRouting(): { routing: RoutingProvider; asked: TableRequest[] } {
  const asked: TableRequest[] = [];
  const seconds = (a: LonLat, b: LonLat) => (a === b ? 0 : Math.round((Math.abs(a[0] - b[0]) * 7000 + Math.abs(a[1] - b[1]) * 11000 + (a[0] < b[0] ? 37 : 5)) * 10) / 10);
  const waypoint = (place: LonLat) => ({ location: place, name: '', distance: Math.round(place[0] * 1000) % 17 });
  const routing = {
    ...createHaversineProvider(),
    table: async (request: TableRequest): Promise<TableResult> => {
      asked.push(request);
      const all = request.coordinates.map((_, index) => index);
      const sources = (request.sources ?? all).map((index) => request.coordinates[index]!);
      const destinations = (request.destinations ?? all).map((index) => request.coordinates[index]!);
      return {
        durations: sources.map((a) => destinations.map((b) => seconds(a, b))),
        distances: sources.map((a) => destinations.map((b) => seconds(a, b) * 9)),
        sources: sources.map(waypoint),
        destinations: destinations.map(waypoint),
      };
    },
  } as RoutingProvider;
  return { routing, asked };
}

describe('RouteRoads', () => {
  const places: LonLat[] = [depot, [8.62, 49.41], [8.64, 49.39], [8.66, 49.42]];
  const probe: LonLat = [8.63, 49.4];

  it('answers a route with a new place from the route\'s last table and the place\'s legs, as the network would', async () => {
    const { routing, asked } = oneWayRouting();
    const first = new RouteRoads(null, null, routing);
    await first.table({ coordinates: places });
    expect(asked).toHaveLength(1);
    const roads = new ProbeRoads(probe, routing);
    const withProbe = [places[0]!, places[2]!, probe, places[1]!, places[3]!];
    const composed = await new RouteRoads(first.last, roads, routing).table({ coordinates: withProbe });
    // Only the probe's one-to-many and many-to-one legs were asked, no square table.
    expect(asked.slice(1).every((request) => request.sources?.length === 1 || request.destinations?.length === 1)).toBe(true);
    const direct = await routing.table({ coordinates: withProbe });
    expect(composed).toEqual(direct);
  });

  it('answers a route that lost places from its table alone', async () => {
    const { routing, asked } = oneWayRouting();
    const first = new RouteRoads(null, null, routing);
    await first.table({ coordinates: places });
    const fewer = [places[0]!, places[3]!, places[1]!];
    const subset = new RouteRoads(first.last, null, routing);
    expect(await subset.table({ coordinates: fewer })).toEqual(await routing.table({ coordinates: fewer }));
    expect(asked).toHaveLength(2);
    expect(subset.last!.index.size).toBe(3);
  });
});
