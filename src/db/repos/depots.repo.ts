/** All SQL over `depots`. */
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination';
import type { ArrivingSoonRule, Depot, DepotContent, OpeningHours } from '../../domain/model/fleet';
import type { ServiceArea } from '../../domain/model/geometry';
import { defaultSlotCalendar, type SlotCalendar } from '../../domain/model/slot-calendar';
import { resolveFailurePolicy, type FailurePolicyInput } from '../../domain/failure-policy';

interface DepotRow {
  id: number;
  name: string;
  lon: number;
  lat: number;
  address: string;
  time_zone: string;
  opening_hours: OpeningHours;
  service_area: ServiceArea | null;
  slot_calendar: SlotCalendar;
  arriving_soon_minutes: number | null;
  arriving_soon_stops: number | null;
  failure_policy: FailurePolicyInput | null;
  created_at: Date;
  updated_at: Date;
}

const toDepot = (row: DepotRow): Depot => ({
  id: row.id,
  name: row.name,
  location: [row.lon, row.lat],
  address: row.address,
  timeZone: row.time_zone,
  openingHours: row.opening_hours,
  serviceArea: row.service_area ?? null,
  slotCalendar: row.slot_calendar,
  arrivingSoon: row.arriving_soon_minutes === null || row.arriving_soon_stops === null ? null : { minutes: row.arriving_soon_minutes, stops: row.arriving_soon_stops },
  failurePolicy: resolveFailurePolicy(row.failure_policy),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const toRow = (content: DepotContent) => ({
  name: content.name,
  lon: content.location[0],
  lat: content.location[1],
  address: content.address,
  time_zone: content.timeZone,
  opening_hours: JSON.stringify(content.openingHours),
  service_area: content.serviceArea ? JSON.stringify(content.serviceArea) : null,
  slot_calendar: JSON.stringify(content.slotCalendar ?? defaultSlotCalendar),
  arriving_soon_minutes: content.arrivingSoon?.minutes ?? null,
  arriving_soon_stops: content.arrivingSoon?.stops ?? null,
  // Stored whole, so a later change of the defaults does not change a depot's policy behind its back.
  failure_policy: content.failurePolicy ? JSON.stringify(resolveFailurePolicy(content.failurePolicy)) : null,
});

export class DepotsRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  async findById(id: number): Promise<Depot | null> {
    const row = await this.db<DepotRow>('depots').where({ id }).first();
    return row ? toDepot(row) : null;
  }

  /** Those of `ids` that exist, in the order asked, in one query. */
  async findByIds(ids: Iterable<number>): Promise<Depot[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const rows: DepotRow[] = await this.db<DepotRow>('depots').whereIn('id', wanted);
    const byId = new Map(rows.map((row) => [row.id, toDepot(row)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async list(page: PageRequest): Promise<Page<Depot>> {
    const query = this.db<DepotRow>('depots').orderBy('id').limit(page.limit + 1);
    if (page.cursor) query.where('id', '>', decodeCursor(page.cursor));
    return toPage(((await query) as DepotRow[]).map(toDepot), page.limit);
  }

  /** The depot an order without an explicit one belongs to: the only depot, if there is exactly one. */
  async soleDepotId(): Promise<number | null> {
    const rows = await this.db('depots').select('id').orderBy('id').limit(2);
    return rows.length === 1 ? (rows[0].id as number) : null;
  }

  /** The arriving-soon rule of the depot a plan belongs to; null: the defaults. */
  async arrivingSoonOfPlan(planId: number): Promise<ArrivingSoonRule | null> {
    const row: Pick<DepotRow, 'arriving_soon_minutes' | 'arriving_soon_stops'> | undefined = await this.db('plans')
      .join('depots', 'depots.id', 'plans.depot_id')
      .where('plans.id', planId)
      .first('depots.arriving_soon_minutes', 'depots.arriving_soon_stops');
    return !row || row.arriving_soon_minutes === null || row.arriving_soon_stops === null ? null : { minutes: row.arriving_soon_minutes, stops: row.arriving_soon_stops };
  }

  async timeZones(ids: number[]): Promise<Map<number, string>> {
    const rows = await this.db<DepotRow>('depots').select('id', 'time_zone').whereIn('id', [...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, row.time_zone]));
  }

  /**
   * One round trip for several days, each day's digest changing whenever what it promises may have: the depot, its
   * vans, the day's plan, its orders still to drive (windows starting in [fromEpoch, toEpoch)) and the reservations
   * held at `nowEpoch`. A quote over three dates asks once, not once a date.
   */
  async promiseDigests(depotId: number, days: { date: string; fromEpoch: number; toEpoch: number }[], nowEpoch: number): Promise<Map<string, string>> {
    if (days.length === 0) return new Map();
    const rows = (await this.db.raw(
      `select d.day,
        (select updated_at::text from depots where id = ?) as depot,
        (select count(*) || ':' || coalesce(max(updated_at)::text, '') from vehicles where start_depot_id = ?) as vehicles,
        (select coalesce(max(id || ':' || version || ':' || status), '') from plans where depot_id = ? and plan_date = d.day and status in ('succeeded', 'dispatched')) as plan,
        (select count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(sum(id), 0) from orders
          where depot_id = ? and window_start_epoch >= d.from_epoch and window_start_epoch < d.to_epoch and status not in ('cancelled', 'returned', 'delivered', 'failed')) as orders,
        (select count(*) || ':' || coalesce(max(created_at_epoch), 0) || ':' || coalesce(sum(expires_at_epoch), 0) from slot_reservations
          where depot_id = ? and window_start_epoch >= d.from_epoch and window_start_epoch < d.to_epoch and expires_at_epoch > ? and used_at_epoch is null) as held
      from (values ${days.map(() => '(?::text, ?::bigint, ?::bigint)').join(', ')}) as d(day, from_epoch, to_epoch)`,
      [depotId, depotId, depotId, depotId, depotId, nowEpoch, ...days.flatMap((day) => [day.date, day.fromEpoch, day.toEpoch])],
    )) as { rows: Record<string, string | null>[] };
    return new Map(rows.rows.map((row) => [row.day!, [row.depot, row.vehicles, row.plan, row.orders, row.held].join('|')]));
  }

  /** Locks the depot's row: bookings into its windows take turns, so a window's capacity holds. */
  async lockForBooking(id: number): Promise<Depot | null> {
    const row = await this.db<DepotRow>('depots').where({ id }).forUpdate().first();
    return row ? toDepot(row) : null;
  }

  async insert(content: DepotContent): Promise<Depot> {
    const [row] = await this.db('depots').insert({ ...toRow(content), created_at: this.now() }).returning('*');
    return toDepot(row as DepotRow);
  }

  async update(id: number, content: DepotContent): Promise<Depot> {
    const [row] = await this.db('depots')
      .where({ id })
      .update({ ...toRow(content), updated_at: this.db.fn.now() })
      .returning('*');
    return toDepot(row as DepotRow);
  }

  /** Vehicles and orders that still point at the depot, which keep it from being deleted. */
  async references(id: number): Promise<{ vehicles: number; orders: number }> {
    const [vehicles] = await this.db('vehicles').where({ start_depot_id: id }).orWhere({ end_depot_id: id }).orWhere({ reload_depot_id: id }).count({ count: '*' });
    const [orders] = await this.db('orders').where({ depot_id: id }).count({ count: '*' });
    return { vehicles: Number(vehicles!.count), orders: Number(orders!.count) };
  }

  async delete(id: number): Promise<void> {
    await this.db('depots').where({ id }).delete();
  }
}
