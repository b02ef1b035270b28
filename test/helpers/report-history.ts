/**
 * A generated delivery history with known outcomes, written straight into the tables (depots, fleet, orders,
 * order events, plans, routes, stops, outcomes, ratings, GPS fixes) without the service's code, so the report
 * tests can compare the service's KPIs with ones computed here from the plain records.
 *
 * Europe/Berlin, `days` days from 2026-10-12 (across the end of summer time on 25 October), `vehicles` vans a
 * day with `ordersPerRoute` orders each in five two-hour windows 08–18 local. Outcomes from a seeded PRNG:
 * ~2 % never planned, ~8 % failed once and left failed, ~4 % failed and delivered later on the same route, the
 * rest delivered; deliveries up to 40 min before and 150 min after their window opens; ETAs given at dispatch
 * within ±20 min of the arrival, the last live ETA within ±5 min; 40 % of deliveries rated.
 */
import type { Knex } from 'knex';
import { seededRandom } from '../../src/seed/random';

export const historyTimeZone = 'Europe/Berlin';
export const firstHistoryDay = '2026-10-12';
export const failureReasonsUsed = ['not_home', 'address_not_found', 'refused', 'damaged', 'no_access'] as const;
export const areas = ['69115', '69117', '69120', '69121', '69123'] as const;
/** Each GPS fix is this many degrees of latitude north of the one before (same meridian). */
export const fixStepDegrees = 0.02;
export const fixSpacingSeconds = 2400;

export interface HistoryStop {
  routeId: number;
  sequence: number;
  outcome: 'delivered' | 'failed';
  windowStart: number;
  windowEnd: number;
  dispatchedEta: number;
  liveEta: number;
  arrival: number;
  completedAt: number;
  reason: string | null;
}

export interface HistoryOrder {
  id: number;
  day: string;
  vehicleId: number | null;
  driverId: number | null;
  area: string;
  windowLabel: string;
  windowStart: number;
  windowEnd: number;
  received: number;
  dispatched: number | null;
  /** Attempts in the order they happened. */
  stops: HistoryStop[];
  rating: number | null;
  comment: string | null;
}

export interface HistoryRoute {
  id: number;
  day: string;
  vehicleId: number;
  driverId: number;
  plannedMeters: number;
  departure: number;
  arrival: number;
  costs: { fixed: number; perHour: number; perKm: number };
  /** Fixes on one meridian, `fixStepDegrees` apart, `fixSpacingSeconds` apart in time. */
  fixCount: number;
  firstFixAt: number;
  stops: { sequence: number; outcome: 'delivered' | 'failed'; completedAt: number }[];
}

export interface History {
  depotId: number;
  days: string[];
  orders: HistoryOrder[];
  routes: HistoryRoute[];
  vehicles: { id: number; name: string; driverId: number }[];
  events: number;
}


function addDays(day: string, count: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + count)).toISOString().slice(0, 10);
}

/** Epoch of local `hours` (may be fractional) on `day` in Berlin: UTC+2 until 25 October 2026 03:00, then UTC+1. */
function berlin(day: string, hours: number): number {
  const offsetHours = day < '2026-10-25' ? 2 : 1;
  return Date.parse(`${day}T00:00:00Z`) / 1000 + Math.round((hours - offsetHours) * 3600);
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString();
const pad = (hours: number) => `${String(hours).padStart(2, '0')}:00`;

async function insertChunks(db: Knex, table: string, rows: Record<string, unknown>[], returning?: string): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    if (returning) ids.push(...(await db(table).insert(chunk).returning(returning)).map((row: Record<string, number>) => row[returning]!));
    else await db(table).insert(chunk);
  }
  return ids;
}

export async function buildReportHistory(db: Knex, options: { days?: number; vehicles?: number; ordersPerRoute?: number; seed?: number } = {}): Promise<History> {
  const dayCount = options.days ?? 30;
  const vehicleCount = options.vehicles ?? 10;
  const perRoute = options.ordersPerRoute ?? 30;
  const random = seededRandom(options.seed ?? 14);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const depotLon = 8.67;
  const depotLat = 49.4;

  const [depot] = await db('depots')
    .insert({ name: 'History depot', lon: depotLon, lat: depotLat, address: 'Depotstraße 1, 69115 Heidelberg', time_zone: historyTimeZone, opening_hours: JSON.stringify({}) })
    .returning('id');
  const depotId = (depot as { id: number }).id;
  const vehicles: History['vehicles'] = [];
  const costsOf = new Map<number, HistoryRoute['costs']>();
  for (let index = 0; index < vehicleCount; index++) {
    const costs = { fixed: 80 + index * 5, perHour: 25 + index, perKm: 0.3 + index * 0.02 };
    const [vehicle] = await db('vehicles')
      .insert({
        name: `History van ${index + 1}`,
        start_depot_id: depotId,
        end_depot_id: depotId,
        capacity_weight_kg: 1000,
        capacity_volume_l: 5000,
        capacity_items: 200,
        skills: JSON.stringify([]),
        shift_start_seconds: 7 * 3600,
        shift_end_seconds: 19 * 3600,
        cost_fixed: costs.fixed,
        cost_per_hour: costs.perHour,
        cost_per_km: costs.perKm,
        breaks: JSON.stringify([]),
      })
      .returning('id');
    const vehicleId = (vehicle as { id: number }).id;
    const [user] = await db('users').insert({ username: `history-driver-${depotId}-${index}`, name: `Driver ${index + 1}`, role: 'driver' }).returning('id');
    const [driver] = await db('drivers').insert({ name: `Driver ${index + 1}`, vehicle_id: vehicleId, user_id: (user as { id: number }).id }).returning('id');
    vehicles.push({ id: vehicleId, name: `History van ${index + 1}`, driverId: (driver as { id: number }).id });
    costsOf.set(vehicleId, costs);
  }

  const days = Array.from({ length: dayCount }, (_, index) => addDays(firstHistoryDay, index));
  const orders: HistoryOrder[] = [];
  const routes: HistoryRoute[] = [];
  let events = 0;
  let serial = 0;

  for (const day of days) {
    const dispatchedAt = berlin(day, 7);
    const [plan] = await db('plans')
      .insert({
        depot_id: depotId,
        plan_date: day,
        status: 'dispatched',
        vehicle_ids: JSON.stringify(vehicles.map((vehicle) => vehicle.id)),
        order_ids: JSON.stringify([]),
        time_limit_seconds: 1,
        created_by: 'system',
        dispatched_at: iso(dispatchedAt),
        finished_at: iso(dispatchedAt - 600),
      })
      .returning('id');
    const planId = (plan as { id: number }).id;

    for (const vehicle of vehicles) {
      // Orders of this route, generated before any row is written.
      const drafts = Array.from({ length: perRoute }, (_, index) => {
        serial++;
        const slot = Math.floor((index * 5) / perRoute);
        const startHour = 8 + slot * 2;
        const windowStart = berlin(day, startHour);
        const windowEnd = berlin(day, startHour + 2);
        const draw = random();
        const kind = draw < 0.02 ? 'unplanned' : draw < 0.1 ? 'failed' : draw < 0.14 ? 'retried' : 'delivered';
        const area = areas[between(0, areas.length - 1)]!;
        return {
          serial,
          kind,
          windowStart,
          windowEnd,
          windowLabel: `${pad(startHour)}-${pad(startHour + 2)}`,
          area,
          received: berlin(day, 0) - between(2 * 3600, 40 * 3600),
          address: `Teststraße ${serial}, ${area} Heidelberg`,
        };
      });
      const orderRows = drafts.map((draft) => ({
        display_id: `H-${depotId}-${draft.serial}`,
        // Any unique code and some hash: the reports never open a link.
        tracking_code: `H-${depotId}-${draft.serial}`,
        tracking_secret_hash: `history-${depotId}-${draft.serial}`,
        source: 'history',
        external_ref: `${depotId}-${draft.serial}`,
        status: draft.kind === 'unplanned' ? 'ready' : draft.kind === 'failed' ? 'failed' : 'delivered',
        depot_id: depotId,
        assigned_vehicle_id: draft.kind === 'unplanned' ? null : vehicle.id,
        customer_name: `Customer ${draft.serial}`,
        address_text: draft.address,
        lon: depotLon,
        lat: depotLat,
        time_windows: JSON.stringify([[draft.windowStart, draft.windowEnd]]),
        window_start_epoch: draft.windowStart,
        window_end_epoch: draft.windowEnd,
        service_seconds: 240,
        weight_kg: 1,
        volume_l: 1,
        items: 1,
        priority: 0,
        required_skills: JSON.stringify([]),
        content_hash: `h${draft.serial}`,
      }));
      const orderIds = await insertChunks(db, 'orders', orderRows, 'id');

      const plannedMeters = between(40_000, 80_000);
      const departure = berlin(day, 7.5);
      const fixCount = between(8, 16);
      const [route] = await db('routes')
        .insert({
          plan_id: planId,
          vehicle_id: vehicle.id,
          driver_id: vehicle.driverId,
          status: 'completed',
          start_lon: depotLon,
          start_lat: depotLat,
          end_lon: depotLon,
          end_lat: depotLat,
          returns_to_depot: true,
          departure_epoch: departure,
          arrival_epoch: berlin(day, 18) + between(0, 5400),
          distance_meters: plannedMeters,
          driving_seconds: 0,
          service_seconds: 0,
          waiting_seconds: 0,
          cost: 0,
          initial_load: JSON.stringify([0, 0, 0]),
          breaks: JSON.stringify([]),
          violations: JSON.stringify([]),
          geometry: JSON.stringify({ type: 'LineString', coordinates: [] }),
        })
        .returning(['id', 'arrival_epoch']);
      const routeRow = route as { id: number; arrival_epoch: number };
      const historyRoute: HistoryRoute = {
        id: routeRow.id,
        day,
        vehicleId: vehicle.id,
        driverId: vehicle.driverId,
        plannedMeters,
        departure,
        arrival: Number(routeRow.arrival_epoch),
        costs: costsOf.get(vehicle.id)!,
        fixCount,
        firstFixAt: departure,
        stops: [],
      };
      routes.push(historyRoute);

      const stopRows: Record<string, unknown>[] = [];
      const outcomeStops: { orderId: number; attempt: number; sequence: number; outcome: 'delivered' | 'failed'; reason: string | null; completedAt: number }[] = [];
      const eventRows: Record<string, unknown>[] = [];
      const ratingRows: Record<string, unknown>[] = [];
      drafts.forEach((draft, index) => {
        const orderId = orderIds[index]!;
        const event = (type: string, at: number, from: string | null, to: string | null, data: Record<string, unknown> = {}) =>
          eventRows.push({ order_id: orderId, type, actor: 'system', from_status: from, to_status: to, occurred_at: iso(at), data: JSON.stringify(data) });
        event('created', draft.received, null, 'received');
        const order: HistoryOrder = {
          id: orderId,
          day,
          vehicleId: draft.kind === 'unplanned' ? null : vehicle.id,
          driverId: draft.kind === 'unplanned' ? null : vehicle.driverId,
          area: draft.area,
          windowLabel: draft.windowLabel,
          windowStart: draft.windowStart,
          windowEnd: draft.windowEnd,
          received: draft.received,
          dispatched: null,
          stops: [],
          rating: null,
          comment: null,
        };
        orders.push(order);
        if (draft.kind === 'unplanned') return;
        order.dispatched = dispatchedAt;
        event('status_changed', dispatchedAt, 'planned', 'dispatched');
        event('status_changed', departure, 'dispatched', 'out_for_delivery');
        // A type the reports do not know: they must pass it by.
        if (index % 7 === 0) event('customer_note', draft.received + 60, null, null, { note: 'ring twice' });
        const attempt = (sequence: number, outcome: 'delivered' | 'failed', earliest: number) => {
          const arrival = Math.max(earliest, draft.windowStart + between(-40 * 60, 150 * 60));
          const completedAt = arrival + between(120, 420);
          const reason = outcome === 'failed' ? failureReasonsUsed[Math.min(failureReasonsUsed.length - 1, Math.floor(random() ** 2 * failureReasonsUsed.length))]! : null;
          const stop: HistoryStop = {
            routeId: historyRoute.id,
            sequence,
            outcome,
            windowStart: draft.windowStart,
            windowEnd: draft.windowEnd,
            dispatchedEta: arrival + between(-20 * 60, 20 * 60),
            liveEta: arrival + between(-5 * 60, 5 * 60),
            arrival,
            completedAt,
            reason,
          };
          order.stops.push(stop);
          historyRoute.stops.push({ sequence, outcome, completedAt });
          // Each attempt of an order keeps its own outcome, numbered per order.
          outcomeStops.push({ orderId, attempt: order.stops.length, sequence, outcome, reason, completedAt });
          stopRows.push({
            route_id: historyRoute.id,
            plan_id: planId,
            order_id: orderId,
            sequence,
            status: outcome === 'delivered' ? 'completed' : 'failed',
            lon: depotLon,
            lat: depotLat,
            promised_windows: JSON.stringify([[draft.windowStart, draft.windowEnd]]),
            planned_arrival_epoch: draft.windowStart,
            service_start_epoch: draft.windowStart,
            planned_departure_epoch: draft.windowStart + 240,
            waiting_seconds: 0,
            service_seconds: 240,
            distance_from_start_meters: 0,
            driving_from_start_seconds: 0,
            load_after: JSON.stringify([0, 0, 0]),
            violations: JSON.stringify([]),
            dispatched_eta_epoch: stop.dispatchedEta,
            live_eta_epoch: stop.liveEta,
            actual_arrival_epoch: arrival,
            completed_at_epoch: completedAt,
          });
          event('status_changed', completedAt, 'out_for_delivery', outcome, { stopId: null });
          return completedAt;
        };
        if (draft.kind === 'failed') attempt(index + 1, 'failed', 0);
        else if (draft.kind === 'retried') {
          const failedAt = attempt(index + 1, 'failed', 0);
          event('status_changed', failedAt + 600, 'failed', 'out_for_delivery');
          attempt(perRoute + index + 1, 'delivered', failedAt + 3600);
        } else attempt(index + 1, 'delivered', 0);
        if (draft.kind !== 'failed' && random() < 0.4) {
          order.rating = between(1, 5);
          order.comment = random() < 0.35 ? `Van ${vehicle.name}, "quick", ${order.rating} stars` : null;
          ratingRows.push({ order_id: orderId, rating: order.rating, rating_comment: order.comment, rated_at: iso(order.stops[order.stops.length - 1]!.completedAt + 3600) });
        }
      });
      const stopIds = await insertChunks(db, 'stops', stopRows, 'id');
      await insertChunks(
        db,
        'stop_outcomes',
        outcomeStops.map((stop, index) => ({
          stop_id: stopIds[index],
          order_id: stop.orderId,
          attempt: stop.attempt,
          outcome: stop.outcome,
          failure_reason: stop.reason,
          actor: 'system',
          recorded_at_epoch: stop.completedAt,
        })),
      );
      await insertChunks(db, 'order_events', eventRows);
      await insertChunks(db, 'tracking_links', ratingRows);
      events += eventRows.length;
      await insertChunks(
        db,
        'positions',
        Array.from({ length: fixCount }, (_, index) => ({
          vehicle_id: vehicle.id,
          recorded_at: historyRoute.firstFixAt + index * fixSpacingSeconds,
          lon: depotLon,
          lat: depotLat + index * fixStepDegrees,
          accuracy_meters: 8,
        })),
      );
    }
  }
  return { depotId, days, orders, routes, vehicles, events };
}
