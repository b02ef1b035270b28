/**
 * The KPIs over stored report facts (./facts.ts), as docs/kpis.md defines them. Pure: a report reads the facts
 * of its slice and hands them here. Minutes and hours are unrounded; presenting rounds.
 */
import type { OrderFact, RouteFact } from './facts';

/** Nearest-rank percentile (the smallest value with at least p of the values at or below it); null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const minutes = (seconds: number) => seconds / 60;
const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

export interface Spread {
  count: number;
  p50Minutes: number | null;
  p90Minutes: number | null;
}

export interface ErrorSpread {
  count: number;
  meanAbsoluteMinutes: number | null;
  p90AbsoluteMinutes: number | null;
}

function spread(secondsList: number[]): Spread {
  const values = secondsList.map(minutes);
  return { count: values.length, p50Minutes: percentile(values, 0.5), p90Minutes: percentile(values, 0.9) };
}

function errorSpread(secondsList: number[]): ErrorSpread {
  const values = secondsList.map((seconds) => Math.abs(minutes(seconds)));
  return { count: values.length, meanAbsoluteMinutes: mean(values), p90AbsoluteMinutes: percentile(values, 0.9) };
}

const delivered = (orders: OrderFact[]) => orders.filter((order) => order.earlySeconds !== null);

export function onTime(orders: OrderFact[]) {
  const done = delivered(orders);
  const early = done.filter((order) => order.earlySeconds! > 0);
  const late = done.filter((order) => order.lateSeconds! > 0);
  const inside = done.length - early.length - late.length;
  return {
    delivered: done.length,
    onTime: inside,
    early: early.length,
    late: late.length,
    onTimeRate: ratio(inside, done.length),
    earlyMinutesMean: mean(early.map((order) => minutes(order.earlySeconds!))),
    lateMinutesMean: mean(late.map((order) => minutes(order.lateSeconds!))),
  };
}

export function firstAttempt(orders: OrderFact[]) {
  const attempted = orders.filter((order) => order.attempts > 0);
  const succeeded = attempted.filter((order) => order.deliveredEpoch !== null && order.attempts === 1 && order.failureReasons.length === 0);
  return { attempted: attempted.length, succeeded: succeeded.length, rate: ratio(succeeded.length, attempted.length) };
}

const between = (from: number | null, to: number | null) => (from !== null && to !== null ? to - from : null);

export function cycleTimes(orders: OrderFact[]) {
  return {
    receivedToDelivered: spread(orders.map((order) => between(order.receivedEpoch, order.deliveredEpoch)).filter(present)),
    receivedToDispatched: spread(orders.map((order) => between(order.receivedEpoch, order.dispatchedEpoch)).filter(present)),
    dispatchedToDelivered: spread(orders.map((order) => between(order.dispatchedEpoch, order.deliveredEpoch)).filter(present)),
  };
}

export function etaErrors(orders: OrderFact[]) {
  return {
    dispatched: errorSpread(orders.map((order) => order.dispatchedEtaErrorSeconds).filter(present)),
    live: errorSpread(orders.map((order) => order.liveEtaErrorSeconds).filter(present)),
  };
}

export const ratingStars = [1, 2, 3, 4, 5] as const;

export function ratings(orders: OrderFact[]) {
  const rated = orders.map((order) => order.rating).filter(present);
  return {
    count: rated.length,
    average: mean(rated),
    distribution: ratingStars.map((stars) => ({ stars, orders: rated.filter((rating) => rating === stars).length })),
  };
}

export function costs(routes: RouteFact[]) {
  const sum = (pick: (route: RouteFact) => number) => routes.reduce((total, route) => total + pick(route), 0);
  const deliveredOrders = sum((route) => route.deliveredStops);
  const plannedOrders = sum((route) => route.plannedStops);
  const actualCost = sum((route) => route.actualCost);
  const plannedCost = sum((route) => route.plannedCost);
  return {
    routes: routes.length,
    plannedCost,
    actualCost,
    plannedCostPerOrder: ratio(plannedCost, plannedOrders),
    actualCostPerOrder: ratio(actualCost, deliveredOrders),
  };
}

export function summary(orders: OrderFact[], routes: RouteFact[]) {
  return {
    orders: orders.length,
    onTime: onTime(orders),
    firstAttempt: firstAttempt(orders),
    cycleTimes: cycleTimes(orders),
    etaErrors: etaErrors(orders),
    ratings: ratings(orders),
    costs: costs(routes),
  };
}

export type Summary = ReturnType<typeof summary>;

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** One row per service day: the on-time trend and the day's first-attempt and ETA figures. */
export function dailyRows(orders: OrderFact[]) {
  return [...groupBy(orders, (order) => order.serviceDay)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, dayOrders]) => {
      const times = onTime(dayOrders);
      const errors = etaErrors(dayOrders);
      return {
        day,
        orders: dayOrders.length,
        delivered: times.delivered,
        onTime: times.onTime,
        early: times.early,
        late: times.late,
        onTimeRate: times.onTimeRate,
        firstAttemptRate: firstAttempt(dayOrders).rate,
        dispatchedEtaMeanAbsoluteMinutes: errors.dispatched.meanAbsoluteMinutes,
        dispatchedEtaP90AbsoluteMinutes: errors.dispatched.p90AbsoluteMinutes,
        liveEtaMeanAbsoluteMinutes: errors.live.meanAbsoluteMinutes,
        liveEtaP90AbsoluteMinutes: errors.live.p90AbsoluteMinutes,
      };
    });
}

/** Cycle-time histogram edges in hours; the last bucket is open. */
export const cycleBucketHours = [0, 1, 2, 4, 8, 12, 24, 48] as const;

export function cycleTimeRows(orders: OrderFact[]) {
  const measures = {
    receivedToDelivered: orders.map((order) => between(order.receivedEpoch, order.deliveredEpoch)).filter(present),
    receivedToDispatched: orders.map((order) => between(order.receivedEpoch, order.dispatchedEpoch)).filter(present),
    dispatchedToDelivered: orders.map((order) => between(order.dispatchedEpoch, order.deliveredEpoch)).filter(present),
  };
  return cycleBucketHours.map((fromHours, index) => {
    const toHours = cycleBucketHours[index + 1] ?? null;
    const count = (values: number[]) => values.filter((seconds) => seconds >= fromHours * 3600 && (toHours === null || seconds < toHours * 3600)).length;
    return {
      fromHours,
      toHours,
      receivedToDelivered: count(measures.receivedToDelivered),
      receivedToDispatched: count(measures.receivedToDispatched),
      dispatchedToDelivered: count(measures.dispatchedToDelivered),
    };
  });
}

/** Failed attempts by reason, most frequent first (ties by reason). */
export function failureReasonRows(orders: OrderFact[]) {
  const reasons = orders.flatMap((order) => order.failureReasons);
  return [...groupBy(reasons, (reason) => reason)]
    .map(([reason, list]) => ({ reason, attempts: list.length, share: list.length / reasons.length }))
    .sort((a, b) => b.attempts - a.attempts || a.reason.localeCompare(b.reason));
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

export function ratingCommentRows(orders: OrderFact[]) {
  return orders
    .filter((order) => order.rating !== null && order.ratingComment)
    .sort((a, b) => a.serviceDay.localeCompare(b.serviceDay) || a.orderId - b.orderId)
    .map((order) => ({ orderId: order.orderId, day: order.serviceDay, stars: order.rating!, comment: order.ratingComment! }));
}
