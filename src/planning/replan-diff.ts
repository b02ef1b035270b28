/**
 * What a re-plan changes, per vehicle: stops moved in from or out to another van, orders new to the plan, orders
 * taken off it, stops kept whose order changed; and the totals before and after. Pure: sequences and routes in,
 * the comparison out.
 */
import type { ProposalTotals, VehicleChanges } from '../domain/model/proposal';
import type { RouteDraft } from '../domain/model/route';

export interface VehicleSides {
  vehicleId: number;
  newRoute: boolean;
  /** Pending order ids in order, before and after. */
  beforeOrderIds: number[];
  afterOrderIds: number[];
  /** The whole route (done part included) before and after. */
  before: RouteDraft;
  after: RouteDraft;
}

const isLate = (stop: RouteDraft['stops'][number]) => stop.violations.some((violation) => violation.cause === 'delay');

export function routeTotals(route: RouteDraft): Omit<ProposalTotals, 'unassigned'> {
  return {
    distanceMeters: Math.round(route.distanceMeters),
    durationSeconds: route.drivingSeconds + route.serviceSeconds + route.waitingSeconds,
    lateStops: route.stops.filter(isLate).length,
    stops: route.stops.length,
  };
}

export function sumTotals(routes: Omit<ProposalTotals, 'unassigned'>[], unassigned: number): ProposalTotals {
  const total: ProposalTotals = { distanceMeters: 0, durationSeconds: 0, lateStops: 0, stops: 0, unassigned };
  for (const route of routes) {
    total.distanceMeters += route.distanceMeters;
    total.durationSeconds += route.durationSeconds;
    total.lateStops += route.lateStops;
    total.stops += route.stops;
  }
  return total;
}

/** `removedReasons`: the orders the re-plan leaves out, with why. Vehicles with nothing to show are omitted. */
export function vehicleChanges(sides: VehicleSides[], removedReasons: Map<number, string>): VehicleChanges[] {
  const vehicleBefore = new Map(sides.flatMap((side) => side.beforeOrderIds.map((orderId) => [orderId, side.vehicleId] as const)));
  const vehicleAfter = new Map(sides.flatMap((side) => side.afterOrderIds.map((orderId) => [orderId, side.vehicleId] as const)));
  return sides.flatMap((side): VehicleChanges[] => {
    const { vehicleId } = side;
    const movedIn = side.afterOrderIds.flatMap((orderId) => {
      const from = vehicleBefore.get(orderId);
      return from !== undefined && from !== vehicleId ? [{ orderId, fromVehicleId: from }] : [];
    });
    const added = side.afterOrderIds.filter((orderId) => !vehicleBefore.has(orderId));
    const movedOut = side.beforeOrderIds.flatMap((orderId) => {
      const to = vehicleAfter.get(orderId);
      return to !== undefined && to !== vehicleId ? [{ orderId, toVehicleId: to }] : [];
    });
    const removed = side.beforeOrderIds.filter((orderId) => !vehicleAfter.has(orderId)).map((orderId) => ({ orderId, reason: removedReasons.get(orderId) ?? 'unassigned' }));
    const staying = new Set(side.afterOrderIds.filter((orderId) => vehicleBefore.get(orderId) === vehicleId));
    const keptBefore = side.beforeOrderIds.filter((orderId) => staying.has(orderId));
    const keptAfter = side.afterOrderIds.filter((orderId) => staying.has(orderId));
    const reordered = keptAfter.filter((orderId, index) => keptBefore[index] !== orderId);
    const changes = { vehicleId, newRoute: side.newRoute, movedIn, movedOut, added, removed, reordered, before: routeTotals(side.before), after: routeTotals(side.after) };
    const unchanged = movedIn.length + movedOut.length + added.length + removed.length + reordered.length === 0;
    return unchanged ? [] : [changes];
  });
}
