import { describe, expect, it } from 'vitest';
import { reusingMatrix } from '../../src/planning/matrix-reuse';
import { routeTotals, sumTotals, vehicleChanges } from '../../src/planning/replan-diff';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { RouteDraft } from '../../src/domain/model/route';

const route = (stops: { late?: boolean }[], distanceMeters = 1000): RouteDraft =>
  ({
    distanceMeters,
    drivingSeconds: 600,
    serviceSeconds: 300,
    waitingSeconds: 60,
    stops: stops.map((stop) => ({ violations: stop.late ? [{ cause: 'delay', duration: 120 }] : [] })),
  }) as unknown as RouteDraft;

describe('what a re-plan changes per van', () => {
  it('names stops moved between vans, new orders, orders taken off and stops reordered; vans without a change are left out', () => {
    const changes = vehicleChanges(
      [
        { vehicleId: 1, newRoute: false, beforeOrderIds: [10, 11, 12, 13], afterOrderIds: [12, 10, 13], before: route([{}, {}, {}, {}]), after: route([{}, {}, { late: true }]) },
        { vehicleId: 2, newRoute: false, beforeOrderIds: [20, 21], afterOrderIds: [20, 21, 11, 30], before: route([{}, {}]), after: route([{}, {}, {}, {}]) },
        { vehicleId: 3, newRoute: false, beforeOrderIds: [40], afterOrderIds: [40], before: route([{}]), after: route([{}]) },
        { vehicleId: 4, newRoute: true, beforeOrderIds: [], afterOrderIds: [31], before: route([]), after: route([{}]) },
      ],
      new Map([[99, 'capacity']]),
    );
    expect(changes.map((change) => change.vehicleId)).toEqual([1, 2, 4]);
    const [one, two, four] = changes;
    expect(one).toMatchObject({ movedIn: [], movedOut: [{ orderId: 11, toVehicleId: 2 }], added: [], reordered: [12, 10] });
    // Order 13 stays on van 1 and is not reported as removed.
    expect(one!.removed).toEqual([]);
    expect(one!.after.lateStops).toBe(1);
    expect(two).toMatchObject({ movedIn: [{ orderId: 11, fromVehicleId: 1 }], added: [30], reordered: [] });
    expect(four).toMatchObject({ newRoute: true, added: [31] });
  });

  it('lists an order taken off with its reason, and sums totals', () => {
    const [change] = vehicleChanges([{ vehicleId: 1, newRoute: false, beforeOrderIds: [1, 2], afterOrderIds: [1], before: route([{}, {}]), after: route([{}]) }], new Map([[2, 'time_window']]));
    expect(change!.removed).toEqual([{ orderId: 2, reason: 'time_window' }]);
    expect(routeTotals(route([{ late: true }, {}], 1234.6))).toEqual({ distanceMeters: 1235, durationSeconds: 960, lateStops: 1, stops: 2 });
    expect(sumTotals([routeTotals(route([{}])), routeTotals(route([{ late: true }]))], 3)).toEqual({ distanceMeters: 2000, durationSeconds: 1920, lateStops: 1, stops: 2, unassigned: 3 });
  });
});

describe('a matrix asked again over known places', () => {
  it('answers subsets from the first full table, and asks the network for places it does not know', async () => {
    const network = createHaversineProvider();
    let asked = 0;
    const counting = { ...network, name: network.name, table: (request: Parameters<typeof network.table>[0]) => (asked++, network.table(request)) };
    const reusing = reusingMatrix(counting);
    const places: [number, number][] = [[8.67, 49.41], [8.68, 49.4], [8.69, 49.42], [8.7, 49.41]];
    await reusing.table({ coordinates: places });
    const subset: [number, number][] = [places[3]!, places[1]!, places[0]!];
    const reused = await reusing.table({ coordinates: subset });
    expect(asked).toBe(1);
    const direct = await network.table({ coordinates: subset });
    expect(reused.durations).toEqual(direct.durations);
    expect(reused.distances).toEqual(direct.distances);
    await reusing.table({ coordinates: [places[0]!, [8.71, 49.43]] });
    expect(asked).toBe(2);
  });
});
