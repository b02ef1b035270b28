/** All SQL over `vehicles`. Shift and break times are seconds after local midnight at the start depot. */
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination';
import type { Vehicle, VehicleBreak, VehicleContent } from '../../domain/model/fleet';

export interface VehicleFilter {
  depotId?: number;
  /** Only this vehicle (a driver's view). */
  id?: number;
}

interface VehicleRow {
  id: number;
  name: string;
  start_depot_id: number;
  end_depot_id: number | null;
  capacity_weight_kg: number;
  capacity_volume_l: number;
  capacity_items: number;
  skills: string[];
  shift_start_seconds: number;
  shift_end_seconds: number;
  cost_fixed: number;
  cost_per_hour: number;
  cost_per_km: number;
  max_stops: number | null;
  max_shift_seconds: number | null;
  breaks: VehicleBreak[];
  reload_depot_id: number | null;
  reload_service_seconds: number | null;
  reload_max_trips: number | null;
  created_at: Date;
  updated_at: Date;
}

const toVehicle = (row: VehicleRow): Vehicle => ({
  id: row.id,
  name: row.name,
  startDepotId: row.start_depot_id,
  endDepotId: row.end_depot_id,
  capacity: { weightKg: row.capacity_weight_kg, volumeL: row.capacity_volume_l, items: row.capacity_items },
  skills: row.skills,
  shiftStartSeconds: row.shift_start_seconds,
  shiftEndSeconds: row.shift_end_seconds,
  costs: { fixed: row.cost_fixed, perHour: row.cost_per_hour, perKm: row.cost_per_km },
  maxStops: row.max_stops,
  maxShiftSeconds: row.max_shift_seconds,
  breaks: row.breaks,
  reload: row.reload_service_seconds === null ? null : { depotId: row.reload_depot_id, serviceSeconds: row.reload_service_seconds, maxTrips: row.reload_max_trips },
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const toRow = (content: VehicleContent) => ({
  name: content.name,
  start_depot_id: content.startDepotId,
  end_depot_id: content.endDepotId,
  capacity_weight_kg: content.capacity.weightKg,
  capacity_volume_l: content.capacity.volumeL,
  capacity_items: content.capacity.items,
  skills: JSON.stringify(content.skills),
  shift_start_seconds: content.shiftStartSeconds,
  shift_end_seconds: content.shiftEndSeconds,
  cost_fixed: content.costs.fixed,
  cost_per_hour: content.costs.perHour,
  cost_per_km: content.costs.perKm,
  max_stops: content.maxStops,
  max_shift_seconds: content.maxShiftSeconds,
  breaks: JSON.stringify(content.breaks),
  reload_depot_id: content.reload?.depotId ?? null,
  reload_service_seconds: content.reload?.serviceSeconds ?? null,
  reload_max_trips: content.reload?.maxTrips ?? null,
});

export class VehiclesRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  async findById(id: number): Promise<Vehicle | null> {
    const row = await this.db<VehicleRow>('vehicles').where({ id }).first();
    return row ? toVehicle(row) : null;
  }

  /** Those of `ids` that exist, in the order asked, in one query. */
  async findByIds(ids: Iterable<number>): Promise<Vehicle[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const rows: VehicleRow[] = await this.db<VehicleRow>('vehicles').whereIn('id', wanted);
    const byId = new Map(rows.map((row) => [row.id, toVehicle(row)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async list(filter: VehicleFilter, page: PageRequest): Promise<Page<Vehicle>> {
    const query = this.db<VehicleRow>('vehicles').orderBy('id').limit(page.limit + 1);
    if (page.cursor) query.where('id', '>', decodeCursor(page.cursor));
    if (filter.depotId !== undefined) query.where('start_depot_id', filter.depotId);
    if (filter.id !== undefined) query.where('id', filter.id);
    return toPage(((await query) as VehicleRow[]).map(toVehicle), page.limit);
  }

  async insert(content: VehicleContent): Promise<Vehicle> {
    const [row] = await this.db('vehicles').insert({ ...toRow(content), created_at: this.now() }).returning('*');
    return toVehicle(row as VehicleRow);
  }

  async update(id: number, content: VehicleContent): Promise<Vehicle> {
    const [row] = await this.db('vehicles')
      .where({ id })
      .update({ ...toRow(content), updated_at: this.db.fn.now() })
      .returning('*');
    return toVehicle(row as VehicleRow);
  }

  async delete(id: number): Promise<void> {
    await this.db('vehicles').where({ id }).delete();
  }
}
