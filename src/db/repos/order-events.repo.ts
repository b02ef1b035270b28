/** All SQL over `order_events`, the timeline of every order. */
import { systemClock, type Clock } from '../../domain/clock';
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

const toOrderEvent = (row: OrderEventRow): OrderEvent => ({
  id: row.id,
  orderId: row.order_id,
  occurredAt: new Date(row.occurred_at),
  type: row.type as OrderEventType,
  actor: row.actor,
  fromStatus: row.from_status as OrderStatus | null,
  toStatus: row.to_status as OrderStatus | null,
  reason: row.reason,
  data: row.data,
});

const insertChunkRows = 500;

export class OrderEventsRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  /** Writes the events and returns them as stored, with their ids. */
  async insertMany(events: OrderEventInput[]): Promise<OrderEvent[]> {
    const rows = events.map((event) => ({
      order_id: event.orderId,
      type: event.type,
      actor: event.actor,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus ?? null,
      reason: event.reason ?? null,
      data: JSON.stringify(event.data ?? {}),
      occurred_at: this.now(),
    }));
    const written: OrderEvent[] = [];
    for (let start = 0; start < rows.length; start += insertChunkRows) {
      const stored: OrderEventRow[] = await this.db('order_events').insert(rows.slice(start, start + insertChunkRows)).returning('*');
      written.push(...stored.map(toOrderEvent));
    }
    return written;
  }

  /** The `created` events of these orders. */
  async createdOf(orderIds: number[]): Promise<OrderEvent[]> {
    if (orderIds.length === 0) return [];
    const rows: OrderEventRow[] = await this.db('order_events').whereIn('order_id', orderIds).andWhere({ type: 'created' }).orderBy('id');
    return rows.map(toOrderEvent);
  }

  async listForOrder(orderId: number): Promise<OrderEvent[]> {
    const rows = await this.db<OrderEventRow>('order_events').where({ order_id: orderId }).orderBy('id');
    return rows.map(toOrderEvent);
  }

  /** The order's latest event of this type, or null. */
  async lastOfType(orderId: number, type: OrderEventType): Promise<OrderEvent | null> {
    const row = await this.db<OrderEventRow>('order_events').where({ order_id: orderId, type }).orderBy('id', 'desc').first();
    return row ? toOrderEvent(row) : null;
  }
}
