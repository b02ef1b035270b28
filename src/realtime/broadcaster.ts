/**
 * Domain events → room facts. Dispatchers see everything in their depot, a driver their vehicle's stops and orders
 * (and when its route changes), a customer their order and, while it is on the road, the vehicle
 * bringing it (less often).
 */
import type { Repositories } from '../db/repositories';
import { presentAlert } from '../http/presenters/alert.presenter';
import type { Clock } from '../domain/clock';
import type { EventBus } from '../domain/events';
import type { Logger } from '../logger';
import { liveOrderStatuses, presentOrderStatus, presentPosition } from './snapshot';
import type { RoomFeed } from './feed';
import { depotRoom, orderRoom, vehicleRoom } from './rooms';
import type { Position } from '../domain/model/position';

/** Customers see their driver approach; once every few seconds is plenty and spares the event log. */
const customerPositionIntervalMs = 10_000;
/** How long a vehicle's list of live orders is trusted without a status change. */
const liveOrdersTtlMs = 30_000;

/**
 * `intervals` times the customers' throttle and the live-orders cache: a monotonic clock (they are rates, not dates),
 * passed in so tests step it.
 */
export interface Broadcasting {
  /** Resolves once the vehicle's latest position is in the feed for its depot (the depot looked up). */
  queued(vehicleId: number): Promise<void>;
  disconnect(): void;
}

export function connectBroadcaster(events: EventBus, feed: RoomFeed, repos: Repositories, logger: Logger, intervals: Clock): Broadcasting {
  const depotOfVehicle = new Map<number, Promise<number | null>>();
  const liveOrdersOfVehicle = new Map<number, { orderIds: Promise<number[]>; loadedAtMs: number }>();
  const customerPublishedAtMs = new Map<number, number>();
  /** Per vehicle, its latest position's publish to the depot: one settled promise each, the fleet's size. */
  const queuedForDepot = new Map<number, Promise<void>>();

  const depotOf = (vehicleId: number) => {
    let depot = depotOfVehicle.get(vehicleId);
    if (!depot) {
      depot = repos.vehicles.findById(vehicleId).then((vehicle) => vehicle?.startDepotId ?? null);
      depotOfVehicle.set(vehicleId, depot);
    }
    return depot;
  };
  const liveOrdersOf = (vehicleId: number, nowMs: number) => {
    let entry = liveOrdersOfVehicle.get(vehicleId);
    // Expiry is jittered so a fleet that started together does not reload together.
    if (!entry || nowMs - entry.loadedAtMs > liveOrdersTtlMs) {
      const orderIds = repos.orders
        .list({ assignedVehicleId: vehicleId, status: liveOrderStatuses }, { limit: 500 })
        .then((page) => page.items.map((order) => order.id));
      entry = { orderIds, loadedAtMs: nowMs - Math.random() * liveOrdersTtlMs * 0.5 };
      liveOrdersOfVehicle.set(vehicleId, entry);
    }
    return entry.orderIds;
  };

  const toDepotOf = (vehicleId: number, publish: (room: string) => void) => {
    depotOf(vehicleId).then(
      (depotId) => depotId !== null && publish(depotRoom(depotId)),
      (error: unknown) => logger.error({ err: error, vehicleId }, 'finding the depot of a vehicle failed'),
    );
  };
  // The driver's own device made the fix: its vehicle's room is not told (one stored event per fix spared).
  const vehicleMoved = async (position: Position) => {
    const frame = { positions: [presentPosition(position)] };
    const toDepot = depotOf(position.vehicleId).then((depotId) => {
      if (depotId !== null) feed.publish(depotRoom(depotId), 'vehicles:moved', frame);
    });
    queuedForDepot.set(position.vehicleId, toDepot.catch(() => {}));
    await toDepot;
    const nowMs = intervals.nowMs();
    // A vehicle seen for the first time waits a random part of the interval (customers have the
    // snapshot), so a fleet's customer updates spread out instead of arriving in one burst.
    if (!customerPublishedAtMs.has(position.vehicleId)) customerPublishedAtMs.set(position.vehicleId, nowMs - Math.random() * customerPositionIntervalMs);
    if (nowMs - customerPublishedAtMs.get(position.vehicleId)! < customerPositionIntervalMs) return;
    customerPublishedAtMs.set(position.vehicleId, nowMs);
    for (const orderId of await liveOrdersOf(position.vehicleId, nowMs)) feed.publish(orderRoom(orderId), 'vehicles:moved', frame);
  };

  /** Drivers re-read a route that changed; routes not on the road yet are nobody's business but the office's. */
  const routesChanged = async (planId: number, routeIds?: number[]) => {
    for (const { routeId, vehicleId } of await repos.routes.liveRoutesOfPlan(planId, routeIds)) {
      feed.publish(vehicleRoom(vehicleId), 'route:changed', { planId, routeId, vehicleId });
    }
  };

  const unsubscribers = [
    events.on('vehicle.moved', ({ position }) => {
      vehicleMoved(position).catch((error: unknown) => logger.error({ err: error, vehicleId: position.vehicleId }, 'broadcasting a position failed'));
    }),
    events.on('order.status_changed', ({ order, reason }) => {
      const view = presentOrderStatus(order, reason);
      feed.publish(orderRoom(order.id), 'order:status', view);
      if (order.depotId !== null) feed.publish(depotRoom(order.depotId), 'order:status', view);
      if (order.assignedVehicleId !== null) {
        feed.publish(vehicleRoom(order.assignedVehicleId), 'order:status', view);
        liveOrdersOfVehicle.delete(order.assignedVehicleId);
      }
    }),
    events.on('stop.status_changed', (change) => {
      const view = {
        stopId: change.stopId,
        orderId: change.orderId,
        vehicleId: change.vehicleId,
        status: change.status,
        actualArrivalEpoch: change.actualArrivalEpoch,
        completedAtEpoch: change.completedAtEpoch,
      };
      feed.publish(vehicleRoom(change.vehicleId), 'stop:status', view);
      feed.publish(orderRoom(change.orderId), 'stop:status', view);
      toDepotOf(change.vehicleId, (room) => feed.publish(room, 'stop:status', view));
    }),
    events.on('route.reload_changed', (change) => {
      const view = { routeId: change.routeId, vehicleId: change.vehicleId, trip: change.trip, arrivedAtEpoch: change.arrivedAtEpoch, reloadedAtEpoch: change.reloadedAtEpoch };
      feed.publish(vehicleRoom(change.vehicleId), 'reload:status', view);
      toDepotOf(change.vehicleId, (room) => feed.publish(room, 'reload:status', view));
    }),
    events.on('stop.eta_changed', (change) => {
      const view = {
        stopId: change.stopId,
        orderId: change.orderId,
        vehicleId: change.vehicleId,
        etaEpoch: change.etaEpoch,
        serviceStartEpoch: change.serviceStartEpoch,
        delayMinutes: change.delayMinutes,
        dispatchedEtaEpoch: change.dispatchedEtaEpoch,
      };
      feed.publish(vehicleRoom(change.vehicleId), 'eta:updated', view);
      feed.publish(orderRoom(change.orderId), 'eta:updated', view);
      toDepotOf(change.vehicleId, (room) => feed.publish(room, 'eta:updated', view));
    }),
    // Alerts are for the office only.
    ...(['raised', 'updated', 'resolved', 'acknowledged'] as const).map((change) =>
      events.on(`alert.${change}`, ({ alert }) => feed.publish(depotRoom(alert.depotId), `alert:${change}`, presentAlert(alert))),
    ),
    events.on('plan.progress', ({ planId, depotId, progress }) => {
      feed.publish(depotRoom(depotId), 'plan:progress', { planId, ...progress });
    }),
    events.on('plan.changed', ({ planId, routeIds }) => {
      routesChanged(planId, routeIds).catch((error: unknown) => logger.error({ err: error, planId }, 'telling drivers of changed routes failed'));
    }),
    events.on('plan.status_changed', ({ planId, status }) => {
      if (status !== 'dispatched') return;
      routesChanged(planId).catch((error: unknown) => logger.error({ err: error, planId }, 'telling drivers of dispatched routes failed'));
    }),
    events.on('fleet.changed', ({ entity, id }) => {
      if (entity === 'vehicle') depotOfVehicle.delete(id);
    }),
  ];
  return {
    queued: (vehicleId) => queuedForDepot.get(vehicleId) ?? Promise.resolve(),
    disconnect: () => unsubscribers.forEach((unsubscribe) => unsubscribe()),
  };
}
