/** All SQL over `order_events`, the timeline of every order. */
import type { Executor } from '../executor';
import type { OrderStatus, OrderEvent, OrderEventInput, OrderEventType } from '../../domain/model/order';

interface OrderEventRow {
  id: number;
  order_id: number;
  occurred_at: Date;
  type: string;
  actor: string;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

const insertChunkRows = 500;

export class OrderEventsRepository {
  constructor(private readonly db: Executor) {}

  async insertMany(events: OrderEventInput[]): Promise<void> {
    const rows = events.map((event) => ({
      order_id: event.orderId,
      type: event.type,
      actor: event.actor,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus ?? null,
      reason: event.reason ?? null,
      data: JSON.stringify(event.data ?? {}),
    }));
    for (let start = 0; start < rows.length; start += insertChunkRows) {
      await this.db('order_events').insert(rows.slice(start, start + insertChunkRows));
    }
  }

  async listForOrder(orderId: number): Promise<OrderEvent[]> {
    const rows = await this.db<OrderEventRow>('order_events').where({ order_id: orderId }).orderBy('id');
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      occurredAt: new Date(row.occurred_at),
      type: row.type as OrderEventType,
      actor: row.actor,
      fromStatus: row.from_status as OrderStatus | null,
      toStatus: row.to_status as OrderStatus | null,
      reason: row.reason,
      data: row.data,
    }));
  }
}
