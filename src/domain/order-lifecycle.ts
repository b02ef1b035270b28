/**
 * The order lifecycle:
 *   received → ready → planned → dispatched → out_for_delivery → arrived → delivered | failed
 *   failed → rescheduled | returned;  rescheduled → planned (next attempt);  planned → ready (unplanned)
 *   cancelled from any state before out_for_delivery.
 * Pure: no I/O. An illegal transition is a 409 conflict that names the allowed targets.
 */
import { conflict } from '../errors';
import type { OrderStatus } from './model/order';

const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  received: ['ready', 'cancelled'],
  ready: ['planned', 'cancelled'],
  planned: ['dispatched', 'ready', 'cancelled'],
  dispatched: ['out_for_delivery', 'cancelled'],
  out_for_delivery: ['arrived'],
  arrived: ['delivered', 'failed'],
  failed: ['rescheduled', 'returned'],
  rescheduled: ['planned', 'cancelled'],
  delivered: [],
  returned: [],
  cancelled: [],
};

export function allowedTransitions(from: OrderStatus): readonly OrderStatus[] {
  return transitions[from];
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

/** Leaving the plan (back to ready, cancelled, to be rescheduled) releases the vehicle the order was assigned to. */
export function releasesVehicle(status: OrderStatus): boolean {
  return status === 'ready' || status === 'cancelled' || status === 'rescheduled';
}

export function isTerminal(status: OrderStatus): boolean {
  return transitions[status].length === 0;
}

/** Returns the target status, or throws a 409 conflict listing where the order may go instead. */
export function assertTransition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (canTransition(from, to)) return to;
  const allowed = transitions[from];
  const options = allowed.length === 0 ? `${from} is final` : `allowed from ${from}: ${allowed.join(', ')}`;
  throw conflict(`Cannot move an order from ${from} to ${to} (${options})`, [
    { path: 'status', message: `illegal transition ${from} → ${to}`, from, to, allowed: [...allowed] },
  ]);
}
