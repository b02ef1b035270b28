/** Orders leave the service in this shape and no other; times carry the depot's UTC offset. */
import { allowedTransitions } from '../../domain/order-lifecycle';
import { toIsoInZone } from '../../domain/time';
import type { OrderEventResponse, OrderResponse } from '../../protocol/orders-api';
import type { Order, OrderEvent } from '../../domain/model/order';

export function presentOrder(order: Order, timeZone = 'UTC'): OrderResponse {
  return {
    id: order.id,
    displayId: order.displayId,
    trackingCode: order.trackingCode,
    source: order.source,
    externalRef: order.externalRef,
    status: order.status,
    allowedTransitions: [...allowedTransitions(order.status)],
    depotId: order.depotId,
    assignedVehicleId: order.assignedVehicleId,
    customerName: order.customerName,
    customerPhone: order.customerPhone,
    customerEmail: order.customerEmail,
    addressText: order.addressText,
    location: order.location,
    geocodeConfidence: order.geocodeConfidence,
    geocodeAlternatives: order.geocodeAlternatives.map((alternative) => ({ addressText: alternative.addressText, location: alternative.location })),
    timeWindows: order.timeWindows.map((window) => ({
      start: toIsoInZone(window.startEpochSeconds, timeZone),
      end: toIsoInZone(window.endEpochSeconds, timeZone),
    })),
    serviceSeconds: order.serviceSeconds,
    demand: order.demand,
    priority: order.priority,
    requiredSkills: order.requiredSkills,
    notes: order.notes,
    kind: order.kind,
    pickup: order.pickup,
    returnOfOrderId: order.returnOfOrderId,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export function presentOrderEvent(event: OrderEvent): OrderEventResponse {
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    type: event.type,
    actor: event.actor,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    reason: event.reason,
    data: event.data,
  };
}
