/**
 * Which order events customers and integrators hear about, in which language, and what a message carries.
 * Pure: the enqueueing command reads the rows, this decides.
 */
import type { OrderEvent, Order } from '../domain/model/order';
import type { NextStep } from '../domain/failure-policy';
import type { Locale, MessagePayload, NotificationKind } from '../domain/model/notification';

export function notificationKindOf(event: Pick<OrderEvent, 'type' | 'toStatus'> & { data?: OrderEvent['data'] }): NotificationKind | null {
  // A return or exchange is an order of its own: its customer hears when it is collected, not a new confirmation.
  if (event.type === 'created') return typeof event.data?.returnOfOrderId === 'number' ? 'return_scheduled' : 'confirmed';
  // A link issued again goes to the customer like the first one did.
  if (event.type === 'tracking_link_issued') return 'confirmed';
  if (event.type === 'rescheduled') return 'rescheduled';
  if (event.type === 'arriving_soon') return 'arriving_soon';
  if (event.type !== 'status_changed') return null;
  // Dispatched is when the van is loaded and leaves: for the customer the parcel is out for delivery.
  if (event.toStatus === 'dispatched') return 'out_for_delivery';
  if (event.toStatus === 'delivered') return 'delivered';
  if (event.toStatus === 'failed') return 'failed';
  return null;
}

const germanSpeaking = /^\+(49|43|41|423)/;

/** Orders carry no language: a German-speaking phone number or mail domain gets German, everyone else English. */
export function localeFor(order: Pick<Order, 'customerPhone' | 'customerEmail'>): Locale {
  if (order.customerPhone && germanSpeaking.test(order.customerPhone)) return 'de';
  if (order.customerEmail && /\.(de|at|ch|li)$/i.test(order.customerEmail)) return 'de';
  return 'en';
}

export function payloadOf(kind: NotificationKind, event: OrderEvent, order: Order, timeZone: string, proof: MessagePayload['proof'], trackingLink: string | null): MessagePayload {
  return {
    kind,
    eventId: event.id,
    occurredAt: event.occurredAt.toISOString(),
    orderId: order.id,
    displayId: order.displayId,
    externalRef: order.externalRef,
    customerName: order.customerName,
    trackingLink,
    timeZone,
    windows: order.timeWindows.map((window) => [window.startEpochSeconds, window.endEpochSeconds]),
    status: event.toStatus ?? order.status,
    reason: event.reason,
    nextStep: kind === 'failed' ? ((event.data.nextStep as NextStep | undefined) ?? null) : null,
    proof,
    etaEpoch: typeof event.data.etaEpoch === 'number' ? event.data.etaEpoch : null,
  };
}
