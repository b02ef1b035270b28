/** All SQL over `drivers`; a driver logs in through the user row it owns. */
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination';
import type { Driver } from '../../domain/model/fleet';

export interface DriverFilter {
  vehicleId?: number;
  /** Only this driver (a driver's own view). */
  id?: number;
}

interface DriverRow {
  id: number;
  name: string;
  phone: string | null;
  vehicle_id: number | null;
  user_id: number;
  username: string;
  created_at: Date;
  updated_at: Date;
}

const toDriver = (row: DriverRow): Driver => ({
  id: row.id,
  name: row.name,
  phone: row.phone,
  vehicleId: row.vehicle_id,
  userId: row.user_id,
  username: row.username,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export class DriversRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  private select() {
    return this.db('drivers').join('users', 'users.id', 'drivers.user_id').select('drivers.*', 'users.username');
  }

  async findById(id: number): Promise<Driver | null> {
    const row = await this.select().where('drivers.id', id).first();
    return row ? toDriver(row as DriverRow) : null;
  }

  async findByUserId(userId: number): Promise<Driver | null> {
    const row = await this.select().where('drivers.user_id', userId).first();
    return row ? toDriver(row as DriverRow) : null;
  }

  async findByVehicleId(vehicleId: number): Promise<Driver | null> {
    const row = await this.select().where('drivers.vehicle_id', vehicleId).first();
    return row ? toDriver(row as DriverRow) : null;
  }

  async list(filter: DriverFilter, page: PageRequest): Promise<Page<Driver>> {
    const query = this.select().orderBy('drivers.id').limit(page.limit + 1);
    if (page.cursor) query.where('drivers.id', '>', decodeCursor(page.cursor));
    if (filter.vehicleId !== undefined) query.where('drivers.vehicle_id', filter.vehicleId);
    if (filter.id !== undefined) query.where('drivers.id', filter.id);
    return toPage(((await query) as DriverRow[]).map(toDriver), page.limit);
  }

  async insert(driver: { name: string; phone: string | null; vehicleId: number | null; userId: number }): Promise<Driver> {
    const [{ id }] = (await this.db('drivers')
      .insert({ name: driver.name, phone: driver.phone, vehicle_id: driver.vehicleId, user_id: driver.userId, created_at: this.now() })
      .returning('id')) as [{ id: number }];
    return (await this.findById(id))!;
  }

  async update(id: number, driver: { name: string; phone: string | null; vehicleId: number | null }): Promise<Driver> {
    await this.db('drivers')
      .where({ id })
      .update({ name: driver.name, phone: driver.phone, vehicle_id: driver.vehicleId, updated_at: this.db.fn.now() });
    return (await this.findById(id))!;
  }

  async delete(id: number): Promise<void> {
    await this.db('drivers').where({ id }).delete();
  }
}
