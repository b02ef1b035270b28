/**
 * The one way orders change status, inside a command's transaction: each step checked against the lifecycle
 * (a 409 naming where the order may go instead), the status and the assigned vehicle written at once, one
 * `status_changed` event per step in the order's timeline. The caller publishes the changes after commit.
 */
import type { Repositories } from '../db/repositories';
import type { DomainEvents, EventBus } from '../domain/events';
import type { Order, OrderEventInput, OrderStatus } from '../domain/model/order';
import { assertTransition, releasesVehicle } from '../domain/order-lifecycle';
import { writeOrderEvents } from './order-timeline';

export interface OrderMove {
  order: Order;
  /** The statuses to take in turn; steps up to the order's own status are already taken and skipped. */
  path: readonly OrderStatus[];
  /** The vehicle it is assigned to afterwards. Absent: kept, unless the order leaves its plan (then none). */
  vehicleId?: number | null;
  /** On the last step's event. */
  reason?: string | null;
  /** On the events of the steps before the last; the same as `reason` unless given. */
  earlierStepsReason?: string | null;
  data?: Record<string, unknown>;
  /** The depot's failure policy takes this step (a re-attempt or return right after a failure). */
  byPolicy?: boolean;
}

export type StatusChange = DomainEvents['order.status_changed'];

export async function moveOrders(repos: Repositories, moves: OrderMove[], actor: string): Promise<StatusChange[]> {
  const changes: StatusChange[] = [];
  const timeline: OrderEventInput[] = [];
  for (const move of moves) {
    const steps = move.path.slice(move.path.indexOf(move.order.status) + 1);
    if (steps.length === 0) continue;
    steps.reduce<OrderStatus>((from, to) => assertTransition(from, to), move.order.status);
    const last = steps[steps.length - 1]!;
    const vehicleId = move.vehicleId !== undefined ? move.vehicleId : releasesVehicle(last) ? null : move.order.assignedVehicleId;
    const moved = await repos.orders.setStatusAndVehicle(move.order.id, last, vehicleId);
    const reason = move.reason ?? null;
    const earlier = move.earlierStepsReason !== undefined ? move.earlierStepsReason : reason;
    let from = move.order.status;
    for (const to of steps) {
      const stepReason = to === last ? reason : earlier;
      changes.push({ order: { ...moved, status: to }, from, to, reason: stepReason, actor, ...(move.byPolicy ? { byPolicy: true } : {}) });
      timeline.push({ orderId: move.order.id, type: 'status_changed', actor, fromStatus: from, toStatus: to, reason: stepReason, data: move.data });
      from = to;
    }
  }
  await writeOrderEvents(repos, timeline);
  return changes;
}

export function publishStatusChanges(events: EventBus, changes: StatusChange[]): void {
  for (const change of changes) events.publish('order.status_changed', change);
}
