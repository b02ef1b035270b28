/**
 * "Arriving soon" for stops the live ETAs put close: the stop is marked and its order event written in one
 * transaction (the outbox messages with it), and only stops not marked before get one, so a stop-attempt is told
 * once however its ETA wobbles and whichever process computed it.
 */
import type { OrderEvent } from '../domain/model/order';
import { inTransaction, type CommandContext } from './context';
import { writeOrderEvents } from './order-timeline';

export interface ArrivingSoonStop {
  stopId: number;
  orderId: number;
  etaEpoch: number;
}

export const arrivingSoonActor = 'system:eta';

export async function notifyArrivingSoon(context: CommandContext, stops: ArrivingSoonStop[]): Promise<OrderEvent[]> {
  if (stops.length === 0) return [];
  const etaOf = new Map(stops.map((stop) => [stop.stopId, stop.etaEpoch]));
  const events = await inTransaction(context, async (repos) => {
    const marked = await repos.etas.markArrivingSoon([...etaOf.keys()], context.clock.nowMs());
    return writeOrderEvents(
      repos,
      marked.map(({ stopId, orderId }) => ({ orderId, type: 'arriving_soon' as const, actor: arrivingSoonActor, data: { stopId, etaEpoch: etaOf.get(stopId)! } })),
    );
  });
  for (const event of events) context.events.publish('order.arriving_soon', { orderId: event.orderId, stopId: event.data.stopId as number, etaEpoch: event.data.etaEpoch as number });
  return events;
}
