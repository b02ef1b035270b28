/** A plan's totals after some of its routes were recomputed: the old routes' share out, the new routes' in. */
import type { PlanTotals } from '../domain/model/plan';
import type { RouteDraft } from '../domain/model/route';

export const emptyTotals: PlanTotals = { routes: 0, stops: 0, unassigned: 0, distanceMeters: 0, drivingSeconds: 0, serviceSeconds: 0, waitingSeconds: 0, paidSeconds: 0, cost: 0 };

export function adjustTotals(totals: PlanTotals | null, before: RouteDraft[], after: RouteDraft[], unassignedChange = 0): PlanTotals {
  const next = { ...emptyTotals, ...totals };
  const apply = (route: RouteDraft, sign: 1 | -1) => {
    next.routes += sign * (route.stops.length > 0 ? 1 : 0);
    next.stops += sign * route.stops.length;
    next.distanceMeters += sign * route.distanceMeters;
    next.drivingSeconds += sign * route.drivingSeconds;
    next.serviceSeconds += sign * route.serviceSeconds;
    next.waitingSeconds += sign * route.waitingSeconds;
    next.paidSeconds += sign * (route.stops.length > 0 ? route.arrivalEpoch - route.departureEpoch : 0);
    next.cost += sign * route.cost;
  };
  for (const route of before) apply(route, -1);
  for (const route of after) apply(route, 1);
  next.unassigned += unassignedChange;
  return next;
}
