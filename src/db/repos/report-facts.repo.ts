/** All SQL over the report facts (`order_facts`, `route_facts`) and the reads that gather their sources. */
import type { Executor } from '../executor';
import { rowsAsJson } from '../json-rows';
import type { OrderFact, OrderFactSource, RouteFact, RouteFactSource } from '../../domain/reports/facts';
import { cycleBucketHours, cycleMeasures, type CycleCounts, type OrderAggregate } from '../../domain/reports/kpis';
import type { ReportSlice } from '../../domain/reports/slice';
import type { StopStatus } from '../../domain/model/route';

type Pair = [number, number];
const windowsOf = (pairs: Pair[]) => pairs.map(([startEpochSeconds, endEpochSeconds]) => ({ startEpochSeconds, endEpochSeconds }));

const orderFactRow = (fact: OrderFact) => ({
  order_id: fact.orderId,
  depot_id: fact.depotId,
  service_day: fact.serviceDay,
  vehicle_id: fact.vehicleId,
  driver_id: fact.driverId,
  route_id: fact.routeId,
  area: fact.area,
  window_label: fact.windowLabel,
  window_start_epoch: fact.windowStartEpoch,
  window_end_epoch: fact.windowEndEpoch,
  status: fact.status,
  received_epoch: fact.receivedEpoch,
  dispatched_epoch: fact.dispatchedEpoch,
  delivered_epoch: fact.deliveredEpoch,
  attempts: fact.attempts,
  failure_reasons: JSON.stringify(fact.failureReasons),
  early_seconds: fact.earlySeconds,
  late_seconds: fact.lateSeconds,
  dispatched_eta_error_seconds: fact.dispatchedEtaErrorSeconds,
  live_eta_error_seconds: fact.liveEtaErrorSeconds,
  rating: fact.rating,
  rating_comment: fact.ratingComment,
  last_event_id: fact.lastEventId,
});

interface RouteFactRow {
  route_id: number;
  plan_id: number;
  depot_id: number;
  service_day: string;
  vehicle_id: number;
  driver_id: number | null;
  planned_meters: number;
  planned_seconds: number;
  planned_stops: number;
  planned_cost: number;
  actual_meters: number;
  actual_seconds: number;
  served_stops: number;
  delivered_stops: number;
  actual_cost: number;
  served_sequence: number[];
  served_in_order: boolean;
}

const routeFactRow = (fact: RouteFact) => ({
  route_id: fact.routeId,
  plan_id: fact.planId,
  depot_id: fact.depotId,
  service_day: fact.serviceDay,
  vehicle_id: fact.vehicleId,
  driver_id: fact.driverId,
  planned_meters: fact.plannedMeters,
  planned_seconds: fact.plannedSeconds,
  planned_stops: fact.plannedStops,
  planned_cost: fact.plannedCost,
  actual_meters: fact.actualMeters,
  actual_seconds: fact.actualSeconds,
  served_stops: fact.servedStops,
  delivered_stops: fact.deliveredStops,
  actual_cost: fact.actualCost,
  served_sequence: JSON.stringify(fact.servedSequence),
  served_in_order: fact.servedInOrder,
});

const toRouteFact = (row: RouteFactRow): RouteFact => ({
  routeId: row.route_id,
  planId: row.plan_id,
  depotId: row.depot_id,
  serviceDay: row.service_day,
  vehicleId: row.vehicle_id,
  driverId: row.driver_id,
  plannedMeters: row.planned_meters,
  plannedSeconds: row.planned_seconds,
  plannedStops: row.planned_stops,
  plannedCost: row.planned_cost,
  actualMeters: row.actual_meters,
  actualSeconds: row.actual_seconds,
  servedStops: row.served_stops,
  deliveredStops: row.delivered_stops,
  actualCost: row.actual_cost,
  servedSequence: row.served_sequence,
  servedInOrder: row.served_in_order,
});

/** A dispatched route, before its GPS trail is read. */
export type RouteFactBase = Omit<RouteFactSource, 'trail'> & { dispatchedAtEpoch: number; timeZone: string };

export class ReportFactsRepository {
  constructor(private readonly db: Executor) {}

  async orderSources(orderIds: number[]): Promise<OrderFactSource[]> {
    if (orderIds.length === 0) return [];
    const orders: { id: number; depot_id: number | null; time_zone: string | null; address_text: string; status: string; time_windows: Pair[]; rating: number | null; rating_comment: string | null }[] = await this.db('orders as o')
      .leftJoin('depots as d', 'd.id', 'o.depot_id')
      .leftJoin('tracking_links as t', 't.order_id', 'o.id')
      .whereIn('o.id', orderIds)
      .select('o.id', 'o.depot_id', 'd.time_zone', 'o.address_text', 'o.status', 'o.time_windows', 't.rating', 't.rating_comment');
    const events: { id: number; order_id: number; type: string; to_status: string | null; occurred_epoch: number }[] = await this.db('order_events')
      .whereIn('order_id', orderIds)
      .select('id', 'order_id', 'type', 'to_status', this.db.raw('extract(epoch from occurred_at)::float8 as occurred_epoch'))
      .orderBy('id');
    const stops: {
      order_id: number;
      route_id: number;
      vehicle_id: number;
      driver_id: number | null;
      status: StopStatus;
      promised_windows: Pair[];
      dispatched_eta_epoch: number | null;
      live_eta_epoch: number | null;
      actual_arrival_epoch: number | null;
      completed_at_epoch: number | null;
      failure_reason: string | null;
    }[] = await this.db('stops as s')
      .join('routes as r', 'r.id', 's.route_id')
      .leftJoin('stop_outcomes as so', 'so.stop_id', 's.id')
      .whereIn('s.order_id', orderIds)
      .select('s.order_id', 's.route_id', 'r.vehicle_id', 'r.driver_id', 's.status', 's.promised_windows', 's.dispatched_eta_epoch', 's.live_eta_epoch', 's.actual_arrival_epoch', 's.completed_at_epoch', 'so.failure_reason')
      .orderBy('s.id');
    return orders.map((order) => ({
      orderId: order.id,
      depotId: order.depot_id,
      timeZone: order.time_zone ?? 'UTC',
      addressText: order.address_text,
      status: order.status,
      windows: windowsOf(order.time_windows),
      events: events
        .filter((event) => event.order_id === order.id)
        .map((event) => ({ id: event.id, type: event.type, toStatus: event.to_status, occurredAtEpoch: Math.floor(event.occurred_epoch) })),
      stops: stops
        .filter((stop) => stop.order_id === order.id)
        .map((stop) => ({
          routeId: stop.route_id,
          vehicleId: stop.vehicle_id,
          driverId: stop.driver_id,
          status: stop.status,
          promisedWindows: windowsOf(stop.promised_windows),
          dispatchedEtaEpoch: stop.dispatched_eta_epoch,
          liveEtaEpoch: stop.live_eta_epoch,
          actualArrivalEpoch: stop.actual_arrival_epoch,
          completedAtEpoch: stop.completed_at_epoch,
          failureReason: stop.failure_reason,
        })),
      rating: order.rating,
      ratingComment: order.rating_comment,
    }));
  }

  /** Routes of dispatched plans among these, with their vehicle's costs and their stops. */
  async routeSources(routeIds: number[]): Promise<RouteFactBase[]> {
    if (routeIds.length === 0) return [];
    const routes: {
      id: number;
      plan_id: number;
      depot_id: number;
      plan_date: string;
      time_zone: string;
      dispatched_at_epoch: number;
      vehicle_id: number;
      driver_id: number | null;
      cost_fixed: number;
      cost_per_hour: number;
      cost_per_km: number;
      distance_meters: number;
      departure_epoch: number;
      arrival_epoch: number;
    }[] = await this.db('routes as r')
      .join('plans as p', 'p.id', 'r.plan_id')
      .join('depots as d', 'd.id', 'p.depot_id')
      .join('vehicles as v', 'v.id', 'r.vehicle_id')
      .whereIn('r.id', routeIds)
      .andWhere('p.status', 'dispatched')
      .select(
        'r.id',
        'r.plan_id',
        'p.depot_id',
        'p.plan_date',
        'd.time_zone',
        this.db.raw('extract(epoch from p.dispatched_at)::float8 as dispatched_at_epoch'),
        'r.vehicle_id',
        'r.driver_id',
        'v.cost_fixed',
        'v.cost_per_hour',
        'v.cost_per_km',
        'r.distance_meters',
        'r.departure_epoch',
        'r.arrival_epoch',
      );
    const stops: { route_id: number; sequence: number; status: StopStatus; completed_at_epoch: number | null }[] = routes.length
      ? await this.db('stops')
          .whereIn(
            'route_id',
            routes.map((route) => route.id),
          )
          .select('route_id', 'sequence', 'status', 'completed_at_epoch')
          .orderBy(['route_id', 'sequence'])
      : [];
    return routes.map((route) => ({
      routeId: route.id,
      planId: route.plan_id,
      depotId: route.depot_id,
      planDate: route.plan_date,
      timeZone: route.time_zone,
      dispatchedAtEpoch: Math.floor(route.dispatched_at_epoch),
      vehicleId: route.vehicle_id,
      driverId: route.driver_id,
      costs: { fixed: route.cost_fixed, perHour: route.cost_per_hour, perKm: route.cost_per_km },
      plannedMeters: route.distance_meters,
      departureEpoch: route.departure_epoch,
      arrivalEpoch: route.arrival_epoch,
      stops: stops.filter((stop) => stop.route_id === route.id).map((stop) => ({ sequence: stop.sequence, status: stop.status, completedAtEpoch: stop.completed_at_epoch })),
    }));
  }

  async routeIdsOfStops(stopIds: number[]): Promise<number[]> {
    if (stopIds.length === 0) return [];
    const rows: { route_id: number }[] = await this.db('stops').whereIn('id', stopIds).distinct('route_id');
    return rows.map((row) => row.route_id);
  }

  async routeIdsOfPlan(planId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db('routes').where({ plan_id: planId }).select('id');
    return rows.map((row) => row.id);
  }

  async upsertOrderFacts(facts: OrderFact[]): Promise<void> {
    if (facts.length === 0) return;
    await this.db('order_facts').insert(facts.map(orderFactRow)).onConflict('order_id').merge();
  }

  async upsertRouteFacts(facts: RouteFact[]): Promise<void> {
    if (facts.length === 0) return;
    await this.db('route_facts').insert(facts.map(routeFactRow)).onConflict('route_id').merge();
  }

  /** A plan replaced or cancelled after dispatch no longer counts. */
  async deleteRouteFactsOfPlan(planId: number): Promise<void> {
    await this.db('route_facts').where({ plan_id: planId }).delete();
  }

  /** Orders whose newest event is not in their facts yet (or that have none): the catch-up after a restart. */
  async staleOrderIds(limit: number): Promise<number[]> {
    const rows: { order_id: number }[] = await this.db
      .from(this.db('order_events').select('order_id').max('id as newest').groupBy('order_id').as('e'))
      .leftJoin('order_facts as f', 'f.order_id', 'e.order_id')
      .whereNull('f.order_id')
      .orWhereRaw('f.last_event_id < e.newest')
      .select('e.order_id')
      .orderBy('e.order_id')
      .limit(limit);
    return rows.map((row) => row.order_id);
  }

  /** Routes of dispatched plans without facts. */
  async routeIdsWithoutFacts(limit: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db('routes as r')
      .join('plans as p', 'p.id', 'r.plan_id')
      .leftJoin('route_facts as f', 'f.route_id', 'r.id')
      .where('p.status', 'dispatched')
      .whereNull('f.route_id')
      .select('r.id')
      .orderBy('r.id')
      .limit(limit);
    return rows.map((row) => row.id);
  }

  private orders(slice: ReportSlice) {
    const query = this.db('order_facts').whereBetween('service_day', [slice.from, slice.to]);
    if (slice.depotId !== undefined) query.andWhere('depot_id', slice.depotId);
    if (slice.vehicleId !== undefined) query.andWhere('vehicle_id', slice.vehicleId);
    if (slice.driverId !== undefined) query.andWhere('driver_id', slice.driverId);
    if (slice.window !== undefined) query.andWhere('window_label', slice.window);
    if (slice.area !== undefined) query.andWhere('area', slice.area);
    return query;
  }

  /**
   * The slice's order KPIs aggregated in the database (a month of facts is ~9,000 rows: summing them where they lie
   * is what keeps a report fast); per service day when `byDay`. percentile_disc is the nearest-rank percentile.
   */
  async orderAggregates(slice: ReportSlice, byDay: boolean): Promise<OrderAggregate[]> {
    const spread = (name: string, expression: string) =>
      `count(${expression}) as ${name}_count, percentile_disc(0.5) within group (order by ${expression}) as ${name}_p50, percentile_disc(0.9) within group (order by ${expression}) as ${name}_p90`;
    const error = (name: string, column: string) =>
      `count(${column}) as ${name}_count, avg(abs(${column}))::float8 as ${name}_mean_abs, percentile_disc(0.9) within group (order by abs(${column})) as ${name}_p90_abs`;
    const select = [
      byDay ? 'service_day' : `'' as service_day`,
      'count(*)::int as orders',
      'count(early_seconds)::int as delivered',
      'count(*) filter (where early_seconds > 0)::int as early',
      'count(*) filter (where late_seconds > 0)::int as late',
      'avg(early_seconds) filter (where early_seconds > 0)::float8 as early_mean',
      'avg(late_seconds) filter (where late_seconds > 0)::float8 as late_mean',
      'count(*) filter (where attempts > 0)::int as attempted',
      `count(*) filter (where attempts = 1 and delivered_epoch is not null and failure_reasons = '[]'::jsonb)::int as succeeded`,
      ...cycleMeasures.map(([, from, to], index) => spread(`cycle${index}`, `(${to} - ${from})`)),
      error('dispatched_eta', 'dispatched_eta_error_seconds'),
      error('live_eta', 'live_eta_error_seconds'),
      'count(rating)::int as rated',
      'avg(rating)::float8 as rating_mean',
      ...[1, 2, 3, 4, 5].map((stars) => `count(*) filter (where rating = ${stars})::int as stars_${stars}`),
    ].join(', ');
    const query = this.orders(slice).select(this.db.raw(select));
    if (byDay) query.groupBy('service_day').orderBy('service_day');
    const rows: Record<string, number | string | null>[] = await query;
    const number = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Number(value));
    return rows.map((row) => ({
        day: String(row.service_day),
        orders: Number(row.orders),
        delivered: Number(row.delivered),
        early: Number(row.early),
        late: Number(row.late),
        earlyMeanSeconds: number(row.early_mean),
        lateMeanSeconds: number(row.late_mean),
        attempted: Number(row.attempted),
        succeeded: Number(row.succeeded),
        cycles: Object.fromEntries(
          cycleMeasures.map(([name], index) => [name, { count: Number(row[`cycle${index}_count`]), p50Seconds: number(row[`cycle${index}_p50`]), p90Seconds: number(row[`cycle${index}_p90`]) }]),
        ) as OrderAggregate['cycles'],
        dispatchedEta: { count: Number(row.dispatched_eta_count), meanAbsSeconds: number(row.dispatched_eta_mean_abs), p90AbsSeconds: number(row.dispatched_eta_p90_abs) },
        liveEta: { count: Number(row.live_eta_count), meanAbsSeconds: number(row.live_eta_mean_abs), p90AbsSeconds: number(row.live_eta_p90_abs) },
        rated: Number(row.rated),
        ratingMean: number(row.rating_mean),
        stars: [1, 2, 3, 4, 5].map((stars) => Number(row[`stars_${stars}`])),
      }));
  }

  /** Orders per cycle-time bucket (cycleBucketHours), per measure. */
  async cycleHistogram(slice: ReportSlice): Promise<CycleCounts[]> {
    const columns = cycleBucketHours.flatMap((fromHours, index) => {
      const toHours = cycleBucketHours[index + 1];
      return cycleMeasures.map(
        ([, from, to], measure) => `count(*) filter (where ${to} - ${from} >= ${fromHours * 3600}${toHours === undefined ? '' : ` and ${to} - ${from} < ${toHours * 3600}`})::int as c${measure}_${index}`,
      );
    });
    const [row] = (await this.orders(slice).select(this.db.raw(columns.join(', ')))) as Record<string, number>[];
    return cycleBucketHours.map((_, index) => Object.fromEntries(cycleMeasures.map(([name], measure) => [name, Number(row![`c${measure}_${index}`])])) as CycleCounts);
  }

  async failureReasonCounts(slice: ReportSlice): Promise<{ reason: string; attempts: number }[]> {
    const rows: { reason: string; attempts: number }[] = await this.orders(slice)
      .crossJoin(this.db.raw('jsonb_array_elements_text(failure_reasons) as reason'))
      .select(this.db.raw('reason, count(*)::int as attempts'))
      .groupBy('reason');
    return rows;
  }

  async ratingComments(slice: ReportSlice): Promise<{ orderId: number; day: string; stars: number; comment: string }[]> {
    const rows: { order_id: number; service_day: string; rating: number; rating_comment: string }[] = await this.orders(slice)
      .whereNotNull('rating')
      .whereNotNull('rating_comment')
      .andWhere('rating_comment', '<>', '')
      .select('order_id', 'service_day', 'rating', 'rating_comment')
      .orderBy(['service_day', 'order_id']);
    return rows.map((row) => ({ orderId: row.order_id, day: row.service_day, stars: row.rating, comment: row.rating_comment }));
  }

  /** Routes of the slice; the time window and area slice orders, not routes, so they do not narrow these. */
  async routeFacts(slice: ReportSlice): Promise<RouteFact[]> {
    const query = this.db('route_facts').whereBetween('service_day', [slice.from, slice.to]).select('*');
    if (slice.depotId !== undefined) query.andWhere('depot_id', slice.depotId);
    if (slice.vehicleId !== undefined) query.andWhere('vehicle_id', slice.vehicleId);
    if (slice.driverId !== undefined) query.andWhere('driver_id', slice.driverId);
    return (await rowsAsJson<RouteFactRow>(this.db, query, ['route_id'])).map(toRouteFact);
  }

  async vehicleNames(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: number; name: string }[] = await this.db('vehicles').whereIn('id', ids).select('id', 'name');
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}
