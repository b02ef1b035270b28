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

/** Three pending stops east of the depot, one an hour apart, leaving 5 minutes after arriving. */
function route(): LiveRoute {
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
    loadAfter: empty,
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
    initialLoad: empty,
    violations: [],
    stops,
  } as unknown as RouteRecord;
  const vehicle = { id: 1, capacity: { weightKg: 100, volumeL: 100, items: 100 }, skills: [], maxStops: null } as unknown as Vehicle;
  return { route: record, vehicle, fixed: [], pending: stops };
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
