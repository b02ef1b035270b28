/** All SQL over `delivery_instructions`: what a customer tells the driver, one row per order at most. */
import type { Executor } from '../executor';
import type { DeliveryInstructions } from '../../domain/model/order';

interface DeliveryInstructionsRow {
  order_id: number;
  gate_code: string | null;
  safe_place: string | null;
  leave_with_neighbour: boolean;
  neighbour_name: string | null;
  note: string | null;
  updated_at: Date;
}

const toInstructions = (row: DeliveryInstructionsRow): DeliveryInstructions => ({
  gateCode: row.gate_code,
  safePlace: row.safe_place,
  leaveWithNeighbour: row.leave_with_neighbour,
  neighbourName: row.neighbour_name,
  note: row.note,
});

export class DeliveryInstructionsRepository {
  constructor(private readonly db: Executor) {}

  async find(orderId: number): Promise<DeliveryInstructions | null> {
    const row = await this.db<DeliveryInstructionsRow>('delivery_instructions').where({ order_id: orderId }).first();
    return row ? toInstructions(row) : null;
  }

  /** Those of the orders that have instructions, in one query. */
  async findMany(orderIds: Iterable<number>): Promise<Map<number, DeliveryInstructions>> {
    const wanted = [...new Set(orderIds)];
    if (wanted.length === 0) return new Map();
    const rows: DeliveryInstructionsRow[] = await this.db<DeliveryInstructionsRow>('delivery_instructions').whereIn('order_id', wanted);
    return new Map(rows.map((row) => [row.order_id, toInstructions(row)]));
  }

  async save(orderId: number, instructions: DeliveryInstructions, at: Date): Promise<void> {
    const row = {
      gate_code: instructions.gateCode,
      safe_place: instructions.safePlace,
      leave_with_neighbour: instructions.leaveWithNeighbour,
      neighbour_name: instructions.neighbourName,
      note: instructions.note,
      updated_at: at,
    };
    await this.db('delivery_instructions')
      .insert({ order_id: orderId, ...row })
      .onConflict('order_id')
      .merge(row);
  }
}
