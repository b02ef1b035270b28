/** All SQL over `slot_reservations`: windows held at checkout. A reservation holds capacity while unused and unexpired. */
import { slotKey } from '../../domain/slots';
import type { Executor } from '../executor';
import type { SlotReservation, SlotReservationDraft } from '../../domain/model/slot-reservation';

interface ReservationRow {
  id: string;
  depot_id: number;
  window_start_epoch: string | number;
  window_end_epoch: string | number;
  expires_at_epoch: string | number;
  lon: number;
  lat: number;
  service_seconds: number;
  demand: SlotReservation['demand'] | string;
  required_skills: string[] | string;
  order_id: number | null;
  used_at_epoch: string | number | null;
  created_at_epoch: string | number;
  created_by: string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toReservation(row: ReservationRow): SlotReservation {
  return {
    id: row.id,
    depotId: row.depot_id,
    window: { startEpochSeconds: Number(row.window_start_epoch), endEpochSeconds: Number(row.window_end_epoch) },
    expiresAtEpoch: Number(row.expires_at_epoch),
    location: [row.lon, row.lat],
    serviceSeconds: row.service_seconds,
    demand: json(row.demand),
    requiredSkills: json(row.required_skills),
    orderId: row.order_id,
    usedAtEpoch: row.used_at_epoch === null ? null : Number(row.used_at_epoch),
    createdAtEpoch: Number(row.created_at_epoch),
    createdBy: row.created_by,
  };
}

export class SlotReservationsRepository {
  constructor(private readonly db: Executor) {}

  async insert(draft: SlotReservationDraft): Promise<SlotReservation> {
    const [row] = await this.db('slot_reservations')
      .insert({
        id: draft.id,
        depot_id: draft.depotId,
        window_start_epoch: draft.window.startEpochSeconds,
        window_end_epoch: draft.window.endEpochSeconds,
        expires_at_epoch: draft.expiresAtEpoch,
        lon: draft.location[0],
        lat: draft.location[1],
        service_seconds: draft.serviceSeconds,
        demand: JSON.stringify(draft.demand),
        required_skills: JSON.stringify(draft.requiredSkills),
        created_at_epoch: draft.createdAtEpoch,
        created_by: draft.createdBy,
      })
      .returning('*');
    return toReservation(row as ReservationRow);
  }

  async findById(id: string): Promise<SlotReservation | null> {
    const row = await this.db<ReservationRow>('slot_reservations').where({ id }).first();
    return row ? toReservation(row) : null;
  }

  async findByIdForUpdate(id: string): Promise<SlotReservation | null> {
    const row = await this.db<ReservationRow>('slot_reservations').where({ id }).forUpdate().first();
    return row ? toReservation(row) : null;
  }

  async markUsed(id: string, orderId: number, atEpoch: number): Promise<void> {
    await this.db('slot_reservations').where({ id }).update({ order_id: orderId, used_at_epoch: atEpoch });
  }

  /** Unused reservations not expired at `nowEpoch` of windows starting in [fromEpoch, toEpoch). */
  async listHeld(depotId: number, fromEpoch: number, toEpoch: number, nowEpoch: number): Promise<SlotReservation[]> {
    const rows: ReservationRow[] = await this.db<ReservationRow>('slot_reservations')
      .where({ depot_id: depotId })
      .where('window_start_epoch', '>=', fromEpoch)
      .where('window_start_epoch', '<', toEpoch)
      .where('expires_at_epoch', '>', nowEpoch)
      .whereNull('used_at_epoch')
      .orderBy('created_at_epoch')
      .orderBy('id');
    return rows.map(toReservation);
  }

  /** Held reservations per window span, by `slotKey`, as orders are counted. */
  async countHeldByWindow(depotId: number, fromEpoch: number, toEpoch: number, nowEpoch: number): Promise<Map<string, number>> {
    const rows: { window_start_epoch: string | number; window_end_epoch: string | number; count: string | number }[] = await this.db('slot_reservations')
      .select('window_start_epoch', 'window_end_epoch')
      .count({ count: '*' })
      .where({ depot_id: depotId })
      .where('window_start_epoch', '>=', fromEpoch)
      .where('window_start_epoch', '<', toEpoch)
      .where('expires_at_epoch', '>', nowEpoch)
      .whereNull('used_at_epoch')
      .groupBy('window_start_epoch', 'window_end_epoch');
    return new Map(rows.map((row) => [slotKey(Number(row.window_start_epoch), Number(row.window_end_epoch)), Number(row.count)]));
  }
}
