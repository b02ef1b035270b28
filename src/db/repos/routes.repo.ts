/**
 * All SQL over `routes` and `stops`: a plan's routes, each with its stops in sequence. A recomputed route keeps
 * its id, and each stop keeps its id as long as its order stays in the plan (proofs, ETA history and the driver
 * app's replayed actions hang on it), all inside the caller's transaction so readers never see a mix.
 */
import { conflict } from '../../errors';
import type { Executor } from '../executor';
import { rowsAsJson } from '../json-rows';
import type { PlannedReload, RouteDraft, RouteEvent, RouteRecord, StopRecord } from '../../domain/model/route';

const toStop = (row: Record<string, any>): StopRecord => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
  id: row.id,
  orderId: row.order_id,
  sequence: row.sequence,
  status: row.status,
  locked: row.locked,
  location: [row.lon, row.lat],
  promisedWindows: row.promised_windows.map(([startEpochSeconds, endEpochSeconds]: [number, number]) => ({ startEpochSeconds, endEpochSeconds })),
  plannedArrivalEpoch: row.planned_arrival_epoch,
  serviceStartEpoch: row.service_start_epoch,
  plannedDepartureEpoch: row.planned_departure_epoch,
  waitingSeconds: row.waiting_seconds,
  serviceSeconds: row.service_seconds,
  distanceFromStartMeters: row.distance_from_start_meters,
  drivingFromStartSeconds: row.driving_from_start_seconds,
  loadAfter: row.load_after,
  violations: row.violations,
  dispatchedEtaEpoch: row.dispatched_eta_epoch,
  liveEtaEpoch: row.live_eta_epoch,
  actualArrivalEpoch: row.actual_arrival_epoch,
  completedAtEpoch: row.completed_at_epoch,
});

const toRoute = (row: Record<string, any>, stops: StopRecord[]): RouteRecord => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
  id: row.id,
  planId: row.plan_id,
  vehicleId: row.vehicle_id,
  driverId: row.driver_id,
  status: row.status,
  startLocation: [row.start_lon, row.start_lat],
  endLocation: [row.end_lon, row.end_lat],
  returnsToDepot: row.returns_to_depot,
  departureEpoch: row.departure_epoch,
  arrivalEpoch: row.arrival_epoch,
  distanceMeters: row.distance_meters,
  drivingSeconds: row.driving_seconds,
  serviceSeconds: row.service_seconds,
  waitingSeconds: row.waiting_seconds,
  cost: row.cost,
  initialLoad: row.initial_load,
  breaks: row.breaks,
  reloads: row.reloads.map((reload: Record<string, any>) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
    afterSequence: reload.afterSequence,
    location: [reload.lon, reload.lat],
    arrivalEpochSeconds: reload.arrivalEpoch,
    durationSeconds: reload.durationSeconds,
    load: reload.load,
    ...(reload.arrivedEpoch != null ? { arrivedEpochSeconds: reload.arrivedEpoch } : {}),
    ...(reload.reloadedEpoch != null ? { reloadedEpochSeconds: reload.reloadedEpoch } : {}),
  })),
  violations: row.violations,
  geometry: row.geometry,
  stops,
});

const reloadColumns = (reloads: PlannedReload[]) =>
  reloads.map((reload) => ({
    afterSequence: reload.afterSequence,
    lon: reload.location[0],
    lat: reload.location[1],
    arrivalEpoch: reload.arrivalEpochSeconds,
    durationSeconds: reload.durationSeconds,
    load: reload.load,
    arrivedEpoch: reload.arrivedEpochSeconds ?? null,
    reloadedEpoch: reload.reloadedEpochSeconds ?? null,
  }));

const routeColumns = (planId: number, route: RouteDraft) => ({
  plan_id: planId,
  vehicle_id: route.vehicleId,
  driver_id: route.driverId,
  status: route.status,
  start_lon: route.startLocation[0],
  start_lat: route.startLocation[1],
  end_lon: route.endLocation[0],
  end_lat: route.endLocation[1],
  returns_to_depot: route.returnsToDepot,
  departure_epoch: route.departureEpoch,
  arrival_epoch: route.arrivalEpoch,
  distance_meters: route.distanceMeters,
  driving_seconds: route.drivingSeconds,
  service_seconds: route.serviceSeconds,
  waiting_seconds: route.waitingSeconds,
  cost: route.cost,
  initial_load: route.initialLoad,
  breaks: route.breaks,
  reloads: reloadColumns(route.reloads),
  violations: route.violations,
  geometry: route.geometry,
});

/** As knex inserts it: jsonb columns as JSON text. */
const routeRow = (planId: number, route: RouteDraft) => {
  const columns = routeColumns(planId, route);
  return { ...columns, initial_load: JSON.stringify(columns.initial_load), breaks: JSON.stringify(columns.breaks), reloads: JSON.stringify(columns.reloads), violations: JSON.stringify(columns.violations), geometry: JSON.stringify(columns.geometry) };
};

/** What a computed route decides about a stop; the other columns belong to the order and to live tracking. */
const plannedStopColumns = (routeId: number, stop: Omit<StopRecord, 'id'>) => ({
  route_id: routeId,
  sequence: stop.sequence,
  locked: stop.locked,
  lon: stop.location[0],
  lat: stop.location[1],
  promised_windows: stop.promisedWindows.map((w) => [w.startEpochSeconds, w.endEpochSeconds]),
  planned_arrival_epoch: stop.plannedArrivalEpoch,
  service_start_epoch: stop.serviceStartEpoch,
  planned_departure_epoch: stop.plannedDepartureEpoch,
  waiting_seconds: stop.waitingSeconds,
  service_seconds: stop.serviceSeconds,
  distance_from_start_meters: stop.distanceFromStartMeters,
  driving_from_start_seconds: stop.drivingFromStartSeconds,
  load_after: stop.loadAfter,
  violations: stop.violations,
});

const stopColumns = (planId: number, routeId: number, stop: Omit<StopRecord, 'id'>) => ({
  ...plannedStopColumns(routeId, stop),
  plan_id: planId,
  order_id: stop.orderId,
  status: stop.status,
  dispatched_eta_epoch: stop.dispatchedEtaEpoch,
  live_eta_epoch: stop.liveEtaEpoch,
  actual_arrival_epoch: stop.actualArrivalEpoch,
  completed_at_epoch: stop.completedAtEpoch,
});

/** As knex inserts it: jsonb columns as JSON text. */
const stopRow = (planId: number, routeId: number, stop: Omit<StopRecord, 'id'>) => {
  const columns = stopColumns(planId, routeId, stop);
  return { ...columns, promised_windows: JSON.stringify(columns.promised_windows), load_after: JSON.stringify(columns.load_after), violations: JSON.stringify(columns.violations) };
};

const stopColumnTypes = `route_id integer, sequence integer, locked boolean, lon double precision, lat double precision, promised_windows jsonb,
  planned_arrival_epoch bigint, service_start_epoch bigint, planned_departure_epoch bigint, waiting_seconds integer, service_seconds integer,
  distance_from_start_meters double precision, driving_from_start_seconds integer, load_after jsonb, violations jsonb, dispatched_eta_epoch bigint`;

/**
 * Rewrites routes in one statement (one round trip however many routes and stops), from JSON arrays of
 * 1. routes `{ id, ...routeColumns }`, 2. kept stops `{ id, ...plannedStopColumns, dispatched_eta_epoch }` (a dispatched
 * ETA only replaces the stored one when set), 3. new stops as `stopColumns`, 4. ids of stops to delete. Answers the new
 * stops' ids. Parameters travel as JSON: a statement with thousands of bind parameters fails on PGlite.
 */
const rewriteRoutesSql = `
  with written_routes as (
    update routes as r set
      vehicle_id = v.vehicle_id, driver_id = v.driver_id, status = v.status, start_lon = v.start_lon, start_lat = v.start_lat,
      end_lon = v.end_lon, end_lat = v.end_lat, returns_to_depot = v.returns_to_depot, departure_epoch = v.departure_epoch,
      arrival_epoch = v.arrival_epoch, distance_meters = v.distance_meters, driving_seconds = v.driving_seconds,
      service_seconds = v.service_seconds, waiting_seconds = v.waiting_seconds, cost = v.cost, initial_load = v.initial_load,
      breaks = v.breaks, reloads = v.reloads, violations = v.violations, geometry = v.geometry
    from jsonb_to_recordset(?::jsonb) as v(
      id integer, plan_id integer, vehicle_id integer, driver_id integer, status text, start_lon double precision, start_lat double precision,
      end_lon double precision, end_lat double precision, returns_to_depot boolean, departure_epoch bigint, arrival_epoch bigint,
      distance_meters double precision, driving_seconds integer, service_seconds integer, waiting_seconds integer, cost double precision,
      initial_load jsonb, breaks jsonb, reloads jsonb, violations jsonb, geometry jsonb)
    where r.id = v.id and r.plan_id = v.plan_id
  ), kept_stops as (
    update stops as s set
      route_id = v.route_id, sequence = v.sequence, locked = v.locked, lon = v.lon, lat = v.lat, promised_windows = v.promised_windows,
      planned_arrival_epoch = v.planned_arrival_epoch, service_start_epoch = v.service_start_epoch, planned_departure_epoch = v.planned_departure_epoch,
      waiting_seconds = v.waiting_seconds, service_seconds = v.service_seconds, distance_from_start_meters = v.distance_from_start_meters,
      driving_from_start_seconds = v.driving_from_start_seconds, load_after = v.load_after, violations = v.violations,
      dispatched_eta_epoch = coalesce(v.dispatched_eta_epoch, s.dispatched_eta_epoch)
    from jsonb_to_recordset(?::jsonb) as v(id integer, ${stopColumnTypes})
    where s.id = v.id
  ), new_stops as (
    insert into stops (plan_id, order_id, status, live_eta_epoch, actual_arrival_epoch, completed_at_epoch, route_id, sequence, locked, lon, lat,
      promised_windows, planned_arrival_epoch, service_start_epoch, planned_departure_epoch, waiting_seconds, service_seconds,
      distance_from_start_meters, driving_from_start_seconds, load_after, violations, dispatched_eta_epoch)
    select plan_id, order_id, status, live_eta_epoch, actual_arrival_epoch, completed_at_epoch, route_id, sequence, locked, lon, lat,
      promised_windows, planned_arrival_epoch, service_start_epoch, planned_departure_epoch, waiting_seconds, service_seconds,
      distance_from_start_meters, driving_from_start_seconds, load_after, violations, dispatched_eta_epoch
    from jsonb_to_recordset(?::jsonb) as v(plan_id integer, order_id integer, status text, live_eta_epoch bigint, actual_arrival_epoch bigint,
      completed_at_epoch bigint, ${stopColumnTypes})
    returning id, order_id
  ), orphan_stops as (
    delete from stops where id = any(?::integer[])
  )
  select id, order_id from new_stops`;

/**
 * A digest of every stop of the plan, as a subquery on a `plans` row: computed inside the database, so a reader can
 * tell whether routes it holds in memory are still what is stored, whoever changed them, and in the same round trip
 * as the plan itself. Any write to a stop gives its row a new version whose xmin (the writing transaction's id) is
 * newer than the one it replaces, so the count and the sum of xmins change with every insert, update and delete;
 * summing xmins costs half of hashing the rows' columns. The routes' rows count too: a reload the driver confirms
 * changes its route and no stop.
 */
export const stopsDigestSql = `((select count(*) || ':' || coalesce(sum(s.xmin::text::bigint), 0) from stops s where s.plan_id = plans.id)
  || ':' || (select coalesce(sum(r.xmin::text::bigint), 0) from routes r where r.plan_id = plans.id))`;

export interface RouteReplacement {
  routeId: number;
  draft: RouteDraft;
}

// PGlite fails on very large statements; stops go in chunks.
const insertChunkRows = 200;

export class RoutesRepository {
  constructor(private readonly db: Executor) {}

  async listForPlan(planId: number): Promise<RouteRecord[]> {
    // One after the other: inside a transaction both would share its one connection.
    const routes = await this.db('routes').where({ plan_id: planId }).orderBy('vehicle_id');
    const stops = await rowsAsJson<Record<string, any>>(this.db, this.db('stops').where({ plan_id: planId }), ['route_id', 'sequence']); // eslint-disable-line @typescript-eslint/no-explicit-any
    const byRoute = new Map<number, StopRecord[]>();
    for (const row of stops) {
      const list = byRoute.get(row.route_id) ?? [];
      list.push(toStop(row));
      byRoute.set(row.route_id, list);
    }
    return routes.map((row) => toRoute(row, byRoute.get(row.id) ?? []));
  }

  async planIdOf(routeId: number): Promise<number | null> {
    const row: { plan_id: number } | undefined = await this.db('routes').where({ id: routeId }).first('plan_id');
    return row?.plan_id ?? null;
  }

  /** One route with its stops, its row locked until the transaction ends. */
  async findByIdForUpdate(routeId: number): Promise<RouteRecord | null> {
    const row = await this.db('routes').where({ id: routeId }).forUpdate().first();
    if (!row) return null;
    const stops = await rowsAsJson<Record<string, any>>(this.db, this.db('stops').where({ route_id: routeId }), ['sequence']); // eslint-disable-line @typescript-eslint/no-explicit-any
    return toRoute(row, stops.map(toStop));
  }

  /** Multi-trip: the reloads as the driver confirmed them (the plan's version is unchanged: nothing was re-planned). */
  async setReloads(routeId: number, reloads: PlannedReload[]): Promise<void> {
    await this.db('routes').where({ id: routeId }).update({ reloads: JSON.stringify(reloadColumns(reloads)) });
  }

  async insertEvent(event: RouteEvent): Promise<void> {
    await this.db('route_events').insert({ route_id: event.routeId, vehicle_id: event.vehicleId, type: event.type, data: JSON.stringify(event.data), actor: event.actor, at_epoch: event.atEpoch });
  }

  /** Oldest first. */
  async listEvents(routeId: number): Promise<RouteEvent[]> {
    const rows = await this.db('route_events').where({ route_id: routeId }).orderBy('id');
    return rows.map((row) => ({ routeId: row.route_id, vehicleId: row.vehicle_id, type: row.type, data: row.data, actor: row.actor, atEpoch: row.at_epoch }));
  }

  /** The orders a plan's routes hold. */
  async orderIdsOfPlan(planId: number): Promise<number[]> {
    const rows: { order_id: number }[] = await this.db('stops').where({ plan_id: planId }).select('order_id').orderBy('order_id');
    return rows.map((row) => row.order_id);
  }

  /** The plan's routes on the road (dispatched or started) with their vehicles: all of them, or those of `routeIds`. */
  async liveRoutesOfPlan(planId: number, routeIds?: number[]): Promise<{ routeId: number; vehicleId: number }[]> {
    const query = this.db('routes').where({ plan_id: planId }).whereIn('status', ['dispatched', 'in_progress']).orderBy('id').select('id', 'vehicle_id');
    const rows: { id: number; vehicle_id: number }[] = await (routeIds ? query.whereIn('id', routeIds) : query);
    return rows.map((row) => ({ routeId: row.id, vehicleId: row.vehicle_id }));
  }

  /** Writes routes and their stops; returns the new route ids in the order given. */
  async insertMany(planId: number, routes: RouteDraft[]): Promise<number[]> {
    const ids: number[] = [];
    const stops: ReturnType<typeof stopRow>[] = [];
    for (const route of routes) {
      const [row] = await this.db('routes').insert(routeRow(planId, route)).returning('id');
      const routeId = (row as { id: number }).id;
      ids.push(routeId);
      for (const stop of route.stops) stops.push(stopRow(planId, routeId, stop));
    }
    for (let start = 0; start < stops.length; start += insertChunkRows) await this.db('stops').insert(stops.slice(start, start + insertChunkRows));
    return ids;
  }

  /**
   * Rewrites routes in place, all at once so a stop moving between two of them is never lost on the way. A stop
   * whose order is already in the plan keeps its id and its live-tracking fields, wherever it moves; orders new to
   * the plan get new stops; stops of these routes whose order left the plan are deleted, unless they are done or
   * in progress (then nothing is written: 409). Returns the routes as stored, in the order given.
   */
  async replaceRoutes(planId: number, replacements: RouteReplacement[]): Promise<RouteRecord[]> {
    const routeIds = replacements.map(({ routeId }) => routeId);
    const orderIds = replacements.flatMap(({ draft }) => draft.stops.map((stop) => stop.orderId));
    // Locked, so live tracking cannot complete a stop between this read and the writes below.
    const existing: Record<string, any>[] = await this.db('stops') // eslint-disable-line @typescript-eslint/no-explicit-any
      .where({ plan_id: planId })
      .where((query) => query.whereIn('route_id', routeIds).orWhereIn('order_id', orderIds))
      .select('id', 'order_id', 'route_id', 'status', 'dispatched_eta_epoch', 'live_eta_epoch', 'actual_arrival_epoch', 'completed_at_epoch')
      .forUpdate();
    const byOrder = new Map(existing.map((row) => [row.order_id as number, row]));
    const kept = new Set(orderIds.flatMap((orderId) => (byOrder.has(orderId) ? [byOrder.get(orderId)!.id as number] : [])));
    const orphans = existing.filter((row) => routeIds.includes(row.route_id) && !kept.has(row.id));
    const done = orphans.filter((row) => row.status !== 'pending');
    if (done.length > 0) {
      throw conflict(
        `Stops done or in progress cannot leave plan ${planId}`,
        done.map((row) => ({ path: 'orderId', message: `the stop of order ${row.order_id} is ${row.status}`, orderId: row.order_id })),
      );
    }

    const keptStops: (ReturnType<typeof plannedStopColumns> & { id: number; dispatched_eta_epoch: number | null })[] = [];
    const newStops: ReturnType<typeof stopColumns>[] = [];
    for (const { routeId, draft } of replacements) {
      for (const stop of draft.stops) {
        const row = byOrder.get(stop.orderId);
        if (row) keptStops.push({ id: row.id, ...plannedStopColumns(routeId, stop), dispatched_eta_epoch: stop.dispatchedEtaEpoch });
        else newStops.push(stopColumns(planId, routeId, stop));
      }
    }
    const written = await this.db.raw<{ rows: { id: number; order_id: number }[] }>(rewriteRoutesSql, [
      JSON.stringify(replacements.map(({ routeId, draft }) => ({ id: routeId, ...routeColumns(planId, draft) }))),
      JSON.stringify(keptStops),
      JSON.stringify(newStops),
      orphans.map((row) => row.id as number),
    ]);
    const insertedIds = new Map(written.rows.map((row) => [row.order_id, row.id]));

    return replacements.map(({ routeId, draft }) => ({
      ...draft,
      id: routeId,
      planId,
      stops: draft.stops.map((stop) => {
        const row = byOrder.get(stop.orderId);
        if (!row) return { ...stop, id: insertedIds.get(stop.orderId)! };
        return {
          ...stop,
          id: row.id,
          status: row.status,
          dispatchedEtaEpoch: stop.dispatchedEtaEpoch ?? row.dispatched_eta_epoch,
          liveEtaEpoch: row.live_eta_epoch,
          actualArrivalEpoch: row.actual_arrival_epoch,
          completedAtEpoch: row.completed_at_epoch,
        };
      }),
    }));
  }

  async deleteForPlan(planId: number): Promise<void> {
    await this.db('stops').where({ plan_id: planId }).delete();
    await this.db('routes').where({ plan_id: planId }).delete();
  }

  /** Dispatch: each route gets its vehicle's driver, and each stop's ETA is frozen as planned. */
  async dispatch(planId: number, drivers: Map<number, number>): Promise<void> {
    const routes = await this.db('routes').where({ plan_id: planId }).select('id', 'vehicle_id');
    for (const route of routes) {
      await this.db('routes').where({ id: route.id }).update({ status: 'dispatched', driver_id: drivers.get(route.vehicle_id) ?? null });
    }
    await this.db('stops').where({ plan_id: planId }).update({ dispatched_eta_epoch: this.db.ref('planned_arrival_epoch') });
  }
}
