/**
 * The KPIs as docs/kpis.md defines them, put together from what the database aggregated over a slice's order
 * facts (counts, sums, nearest-rank percentiles) and from its route facts. Minutes and hours are unrounded;
 * presenting rounds.
 */
import type { RouteFact } from './facts';

/** The cycle-time measures: name, the fact's start and end epoch columns. */
export const cycleMeasures = [
  ['receivedToDelivered', 'received_epoch', 'delivered_epoch'],
  ['receivedToDispatched', 'received_epoch', 'dispatched_epoch'],
  ['dispatchedToDelivered', 'dispatched_epoch', 'delivered_epoch'],
] as const;
export type CycleMeasure = (typeof cycleMeasures)[number][0];
export type CycleCounts = Record<CycleMeasure, number>;

/** Cycle-time histogram edges in hours; the last bucket is open. */
export const cycleBucketHours = [0, 1, 2, 4, 8, 12, 24, 48] as const;

/** What the database sums up over order facts, for a slice or one day of it. */
export interface OrderAggregate {
  day: string;
  orders: number;
  delivered: number;
  early: number;
  late: number;
  earlyMeanSeconds: number | null;
  lateMeanSeconds: number | null;
  attempted: number;
  succeeded: number;
  cycles: Record<CycleMeasure, { count: number; p50Seconds: number | null; p90Seconds: number | null }>;
  dispatchedEta: { count: number; meanAbsSeconds: number | null; p90AbsSeconds: number | null };
  liveEta: { count: number; meanAbsSeconds: number | null; p90AbsSeconds: number | null };
  rated: number;
  ratingMean: number | null;
  /** Orders rated 1 … 5 stars. */
  stars: number[];
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const minutes = (seconds: number | null) => (seconds === null ? null : seconds / 60);

export const ratingStars = [1, 2, 3, 4, 5] as const;

const onTimeOf = (aggregate: OrderAggregate) => {
  const inside = aggregate.delivered - aggregate.early - aggregate.late;
  return {
    delivered: aggregate.delivered,
    onTime: inside,
    early: aggregate.early,
    late: aggregate.late,
    onTimeRate: ratio(inside, aggregate.delivered),
    earlyMinutesMean: minutes(aggregate.earlyMeanSeconds),
    lateMinutesMean: minutes(aggregate.lateMeanSeconds),
  };
};

const errorOf = (error: OrderAggregate['dispatchedEta']) => ({ count: error.count, meanAbsoluteMinutes: minutes(error.meanAbsSeconds), p90AbsoluteMinutes: minutes(error.p90AbsSeconds) });

const spreadOf = (spread: OrderAggregate['cycles'][CycleMeasure]) => ({ count: spread.count, p50Minutes: minutes(spread.p50Seconds), p90Minutes: minutes(spread.p90Seconds) });

export function ratingDistribution(aggregate: OrderAggregate) {
  return ratingStars.map((stars, index) => ({ stars, orders: aggregate.stars[index] ?? 0 }));
}

export function costs(routes: RouteFact[]) {
  const sum = (pick: (route: RouteFact) => number) => routes.reduce((total, route) => total + pick(route), 0);
  const actualCost = sum((route) => route.actualCost);
  const plannedCost = sum((route) => route.plannedCost);
  return {
    routes: routes.length,
    plannedCost,
    actualCost,
    plannedCostPerOrder: ratio(plannedCost, sum((route) => route.plannedStops)),
    actualCostPerOrder: ratio(actualCost, sum((route) => route.deliveredStops)),
  };
}

export function summary(aggregate: OrderAggregate, routes: RouteFact[]) {
  return {
    orders: aggregate.orders,
    onTime: onTimeOf(aggregate),
    firstAttempt: { attempted: aggregate.attempted, succeeded: aggregate.succeeded, rate: ratio(aggregate.succeeded, aggregate.attempted) },
    cycleTimes: {
      receivedToDelivered: spreadOf(aggregate.cycles.receivedToDelivered),
      receivedToDispatched: spreadOf(aggregate.cycles.receivedToDispatched),
      dispatchedToDelivered: spreadOf(aggregate.cycles.dispatchedToDelivered),
    },
    etaErrors: { dispatched: errorOf(aggregate.dispatchedEta), live: errorOf(aggregate.liveEta) },
    ratings: { count: aggregate.rated, average: aggregate.ratingMean, distribution: ratingDistribution(aggregate) },
    costs: costs(routes),
  };
}

export type Summary = ReturnType<typeof summary>;

/** One row per service day: the on-time trend and the day's first-attempt and ETA figures. */
export function dailyRow(aggregate: OrderAggregate) {
  const times = onTimeOf(aggregate);
  const dispatched = errorOf(aggregate.dispatchedEta);
  const live = errorOf(aggregate.liveEta);
  return {
    day: aggregate.day,
    orders: aggregate.orders,
    delivered: times.delivered,
    onTime: times.onTime,
    early: times.early,
    late: times.late,
    onTimeRate: times.onTimeRate,
    firstAttemptRate: ratio(aggregate.succeeded, aggregate.attempted),
    dispatchedEtaMeanAbsoluteMinutes: dispatched.meanAbsoluteMinutes,
    dispatchedEtaP90AbsoluteMinutes: dispatched.p90AbsoluteMinutes,
    liveEtaMeanAbsoluteMinutes: live.meanAbsoluteMinutes,
    liveEtaP90AbsoluteMinutes: live.p90AbsoluteMinutes,
  };
}

export function cycleTimeRows(buckets: CycleCounts[]) {
  return cycleBucketHours.map((fromHours, index) => ({ fromHours, toHours: cycleBucketHours[index + 1] ?? null, ...buckets[index]! }));
}

/** Failed attempts by reason, most frequent first (ties by reason). */
export function failureReasonRows(counts: { reason: string; attempts: number }[]) {
  const total = counts.reduce((sum, count) => sum + count.attempts, 0);
  return counts.map(({ reason, attempts }) => ({ reason, attempts, share: attempts / total })).sort((a, b) => b.attempts - a.attempts || a.reason.localeCompare(b.reason));
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Cost per order by van: its routes' planned and actual costs over the orders they carried and delivered. */
export function vehicleRows(routes: RouteFact[], vehicleNames: Map<number, string>) {
  return [...groupBy(routes, (route) => route.vehicleId)]
    .sort(([a], [b]) => a - b)
    .map(([vehicleId, list]) => {
      const cost = costs(list);
      const sum = (pick: (route: RouteFact) => number) => list.reduce((total, route) => total + pick(route), 0);
      return {
        vehicleId,
        vehicleName: vehicleNames.get(vehicleId) ?? `#${vehicleId}`,
        routes: list.length,
        plannedStops: sum((route) => route.plannedStops),
        deliveredOrders: sum((route) => route.deliveredStops),
        plannedKm: sum((route) => route.plannedMeters) / 1000,
        actualKm: sum((route) => route.actualMeters) / 1000,
        plannedCost: cost.plannedCost,
        actualCost: cost.actualCost,
        plannedCostPerOrder: cost.plannedCostPerOrder,
        actualCostPerOrder: cost.actualCostPerOrder,
      };
    });
}

/** Planned vs actual per route. */
export function routeRows(routes: RouteFact[]) {
  return [...routes]
    .sort((a, b) => a.serviceDay.localeCompare(b.serviceDay) || a.vehicleId - b.vehicleId || a.routeId - b.routeId)
    .map((route) => ({
      routeId: route.routeId,
      day: route.serviceDay,
      vehicleId: route.vehicleId,
      driverId: route.driverId,
      plannedKm: route.plannedMeters / 1000,
      actualKm: route.actualMeters / 1000,
      plannedHours: route.plannedSeconds / 3600,
      actualHours: route.actualSeconds / 3600,
      plannedStops: route.plannedStops,
      servedStops: route.servedStops,
      deliveredStops: route.deliveredStops,
      plannedCost: route.plannedCost,
      actualCost: route.actualCost,
      actualCostPerOrder: ratio(route.actualCost, route.deliveredStops),
      servedInOrder: route.servedInOrder,
      servedSequence: route.servedSequence.join(' '),
    }));
}
