/**
 * A tiny typed in-process event bus. Commands publish facts after their transaction commits;
 * the realtime layer (and anything else) subscribes. A failing listener never fails the command.
 */
import type { Alert } from './model/alert';
import type { OrderStatus, Order } from './model/order';
import type { PlanProgress, PlanStatus } from './model/plan';
import type { Position } from './model/position';
import type { StopStatus } from './model/route';
import type { EpochWindow } from './model/time-window';

export interface DomainEvents {
  /** `byPolicy`: the depot's failure policy took the step, not a person. */
  'order.status_changed': { order: Order; from: OrderStatus; to: OrderStatus; reason: string | null; actor: string; byPolicy?: boolean };
  /** An order was given new time windows; `leftPlanId` when it no longer fitted its route and left it. */
  /** Its arriving-soon message was written (live ETA close enough). */
  'order.arriving_soon': { orderId: number; stopId: number; etaEpoch: number };
  'order.rescheduled': { order: Order; previousWindows: EpochWindow[]; leftPlanId: number | null; reason: string | null; actor: string };
  /** The customer rated (or re-rated) a delivered order. */
  'order.rated': { orderId: number; stars: number };
  'fleet.changed': { entity: 'depot' | 'vehicle' | 'driver'; id: number; change: 'created' | 'updated' | 'deleted'; actor: string };
  /** A plan run's best so far, a few times a second while it runs (forwarded to dispatchers). */
  'plan.progress': { planId: number; depotId: number; progress: PlanProgress };
  'plan.status_changed': { planId: number; depotId: number; status: PlanStatus; actor: string };
  /** Routes of a plan were recomputed (edit, re-optimization, live insertion, removal): new version, new ETAs. */
  'plan.changed': { planId: number; depotId: number; version: number; routeIds: number[]; actor: string };
  /** A vehicle's newest position advanced (late, older points are stored but never published). */
  'vehicle.moved': { position: Position };
  /** A driver (or the geofence) moved a stop: arrived, completed or failed. */
  'stop.status_changed': {
    stopId: number;
    orderId: number;
    vehicleId: number;
    status: StopStatus;
    actualArrivalEpoch: number | null;
    completedAtEpoch: number | null;
    actor: string;
  };
  /** Multi-trip: the driver confirmed a reload (at the depot, or loaded for trip `trip`). */
  'route.reload_changed': { routeId: number; planId: number; vehicleId: number; trip: number; arrivedAtEpoch: number; reloadedAtEpoch: number | null; actor: string };
  /** A stop's live ETA moved by a minute or more. */
  /** `serviceStartEpoch` and `delayMinutes` follow from the ETA by `stop-times.ts`. */
  'stop.eta_changed': { stopId: number; orderId: number; vehicleId: number; etaEpoch: number; serviceStartEpoch: number; delayMinutes: number | null; dispatchedEtaEpoch: number | null };
  /**
   * The live ETAs of a vehicle's remaining stops put these stops past their promised windows (none: every stop on
   * time). Published when the set or a stop's whole minutes late changed, and on the first check after a restart.
   */
  'vehicle.delays_changed': { vehicleId: number; lateStops: { stopId: number; orderId: number; secondsLate: number }[]; atEpoch: number };
  /** A vehicle left its planned road (offRoute) or came back to it; `meters` from the road. */
  'vehicle.deviation_changed': { vehicleId: number; offRoute: boolean; meters: number; atEpoch: number };
  /** The road network cannot route a vehicle from where it is to its next stop (off the network), or can again. */
  'vehicle.routability_changed': { vehicleId: number; unroutable: boolean; atEpoch: number };
  /** An alert was stored: raised, updated (raised again with new facts), resolved or acknowledged. */
  'alert.raised': { alert: Alert };
  'alert.updated': { alert: Alert };
  'alert.resolved': { alert: Alert };
  'alert.acknowledged': { alert: Alert };
}

export type DomainEventName = keyof DomainEvents;
type Listener<K extends DomainEventName> = (payload: DomainEvents[K]) => void;

export class EventBus {
  private readonly listeners = new Map<DomainEventName, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown, event: DomainEventName) => void = () => {}) {}

  /** Subscribes; returns the unsubscribe function. */
  on<K extends DomainEventName>(event: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<never>);
  }

  publish<K extends DomainEventName>(event: K, payload: DomainEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
