/**
 * The console's state: what it shows (depot, day, order filter), the day's orders, the fleet and where each
 * van was last seen, the plan and its route lines, the depot's open alerts (kept by the server). Every change goes through a named function
 * here, which tells the subscribers of that topic; panels and map layers render from what they read here.
 */
import type { MessageResponse } from '../../src/protocol/notifications';
import type { z } from 'zod';
import { clock, localIso } from '../common/format';
import { routeColors } from '../common/map';
import { timesWithEta, timesWithStatus } from '../common/stop-times';
import type { Feed } from '../layers/keyed';
import type { DepotResponse } from '../../src/protocol/depots';
import type { DriverResponse } from '../../src/protocol/drivers';
import type { OrderEventResponse, OrderOutcomeResponse, OrderResponse } from '../../src/protocol/orders-api';
import type { planSchema, ProposalResponse } from '../../src/protocol/plans';
import type { AlertResponse } from '../../src/protocol/alerts';
import type { EtaView, ReloadStatusView, StopStatusView, VehiclePositionView } from '../../src/protocol/socket';
import type { VehicleResponse } from '../../src/protocol/vehicles';

export type Plan = z.infer<typeof planSchema>;
export type PlanRoute = Plan['routes'][number];
export type PlanStop = PlanRoute['stops'][number];
export type Proposal = ProposalResponse;
export type Order = OrderResponse;
export type Vehicle = VehicleResponse;
export type Driver = DriverResponse;
export type Depot = DepotResponse;
export type Alert = AlertResponse;

export interface OrderFilter {
  status: string;
  /** "HH:MM": orders whose first window ends before it are left out. */
  from: string;
  /** "HH:MM": orders whose first window starts after it are left out. */
  to: string;
  minPriority: number;
}

/** What the order list asks the server for; the filter's window and priority then apply to the rows read. */
export interface OrderQuery {
  /** Searched in customer, address, external ref and display id. */
  text: string;
  status: string;
  /** Every day, not only the day shown. */
  allDays: boolean;
}

/** The order open in the drawer: the order, its timeline, its delivery, the messages sent about it. */
export interface OrderDetails {
  order: Order;
  events: OrderEventResponse[];
  outcome: OrderOutcomeResponse;
  messages: MessageResponse[];
}

/** What changed, by topic; `stop` says which stop (its status or ETA). */
export interface Changes {
  /** The depot or the day shown. */
  selection: undefined;
  fleet: undefined;
  orders: undefined;
  filter: undefined;
  plan: undefined;
  /** A plan run was queued and is being computed. */
  planRun: undefined;
  /** A "Plan again" proposal is shown, or was accepted or discarded. */
  proposal: undefined;
  /** The plan's km driven were read again. */
  driven: undefined;
  routeLines: undefined;
  stop: { stopId: number };
  positions: undefined;
  alerts: undefined;
  /** The order list's query or its rows. */
  orderList: undefined;
  /** The order drawer opened, closed or its order changed. */
  drawer: undefined;
}
export type Topic = keyof Changes;
type Listener<T extends Topic> = (change: Changes[T]) => void;

export interface RouteLine {
  vehicleId: number;
  coordinates: [number, number][];
}

const noFilter: OrderFilter = { status: '', from: '', to: '', minPriority: 0 };

export class ConsoleState {
  depots: Depot[] = [];
  vehicles: Vehicle[] = [];
  drivers: Driver[] = [];
  depotId: number | null = null;
  date = '';
  filter: OrderFilter = noFilter;
  orders = new Map<number, Order>();
  plan: Plan | null = null;
  /** The plan run last queued from this console. */
  planRun: { planId: number; status: string } | null = null;
  routeLines: RouteLine[] = [];
  /** "Plan again" on the dispatched plan: the change it proposes, until accepted or discarded. */
  proposal: Proposal | null = null;
  /** Where each vehicle was last seen, from the depot's room. */
  positions = new Map<number, { location: [number, number]; recordedAt: number }>();
  /** Vehicles' last fixes (epoch seconds), for the fleet table: kept across snapshots. */
  lastSeen = new Map<number, number>();
  orderQuery: OrderQuery = { text: '', status: '', allDays: false };
  /** The rows of the order list read so far, and the cursor of the next page (null: no more). */
  orderList: Order[] = [];
  orderListNext: string | null = null;
  drawer: OrderDetails | null = null;
  /** The depot's open alerts by id, as the server keeps them. */
  alerts = new Map<number, Alert>();

  private readonly listeners = new Map<Topic, Set<Listener<never>>>();

  /** Calls `listener` after each change of `topic`; returns the unsubscribe. */
  subscribe<T extends Topic>(topic: T, listener: Listener<T>): () => void {
    const set = this.listeners.get(topic) ?? new Set();
    this.listeners.set(topic, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** A feed for a map layer: `select()` of the state, fresh after any of `topics` changed. */
  feed<T>(topics: Topic[], select: () => T): Feed<T> {
    return {
      get: select,
      subscribe: (listener) => {
        const unsubscribes = topics.map((topic) => this.subscribe(topic, listener));
        return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
      },
    };
  }

  private notify<T extends Topic>(topic: T, ...[change]: Changes[T] extends undefined ? [] : [Changes[T]]): void {
    for (const listener of [...(this.listeners.get(topic) ?? [])]) (listener as Listener<T>)(change as Changes[T]);
  }

  // ---- reading --------------------------------------------------------------------------------

  depot(): Depot | undefined {
    return this.depots.find((depot) => depot.id === this.depotId);
  }

  /** Times are shown on the depot's wall clock, as the API's ISO strings are. */
  timeZone(): string {
    return this.depot()?.timeZone ?? 'UTC';
  }

  depotIso(epochSeconds: number): string {
    return localIso(epochSeconds, this.timeZone());
  }

  depotClock(epochSeconds: number): string {
    return clock(this.depotIso(epochSeconds));
  }

  colorOfVehicle(vehicleId: number): string {
    return routeColors[Math.max(0, this.vehicles.findIndex((vehicle) => vehicle.id === vehicleId)) % routeColors.length]!;
  }

  nameOfVehicle(vehicleId: number): string {
    return this.vehicles.find((vehicle) => vehicle.id === vehicleId)?.name ?? `Vehicle ${vehicleId}`;
  }

  /** The order's display id, or its number when the order is not among the day's. */
  orderLabel(orderId: number): string {
    return this.orders.get(orderId)?.displayId ?? String(orderId);
  }

  filteredOrders(): Order[] {
    return [...this.orders.values()].filter((order) => this.matchesFilter(order));
  }

  /** The order list's rows that pass the filter's window and priority (the server did the rest). */
  listedOrders(): Order[] {
    return this.orderList.filter((order) => this.matchesFilter(order));
  }

  private matchesFilter(order: Order): boolean {
    const { status, from, to, minPriority } = this.filter;
    const window = order.timeWindows[0];
    if (status && order.status !== status) return false;
    if (order.priority < minPriority) return false;
    if (from && window && clock(window.end) < from) return false;
    if (to && window && clock(window.start) > to) return false;
    return true;
  }

  stops(): PlanStop[] {
    return this.plan?.routes.flatMap((route) => route.stops) ?? [];
  }

  findStop(stopId: number): PlanStop | undefined {
    return this.stops().find((stop) => stop.id === stopId);
  }

  /** The depot's vans that have no route in the plan shown: they can be given stops. */
  vehiclesWithoutRoute(): Vehicle[] {
    if (!this.plan) return [];
    const routed = new Set(this.plan.routes.map((route) => route.vehicleId));
    return this.vehicles.filter((vehicle) => vehicle.startDepotId === this.depotId && !routed.has(vehicle.id));
  }

  // ---- changing -------------------------------------------------------------------------------

  setFleet(depots: Depot[], vehicles: Vehicle[], drivers: Driver[]): void {
    Object.assign(this, { depots, vehicles, drivers });
    this.notify('fleet');
  }

  selectDepot(depotId: number | null): void {
    this.depotId = depotId;
    this.notify('selection');
  }

  selectDate(date: string): void {
    this.date = date;
    this.notify('selection');
  }

  setFilter(filter: OrderFilter): void {
    this.filter = filter;
    this.notify('filter');
  }

  setOrders(orders: Order[]): void {
    this.orders = new Map(orders.map((order) => [order.id, order]));
    this.notify('orders');
  }

  setOrderStatus(orderId: number, status: string): void {
    // The socket's view carries the status as a string: it is one of the order's statuses.
    for (const order of this.copiesOf(orderId)) order.status = status as Order['status'];
    this.notify('orders');
    this.notify('orderList');
    if (this.drawer?.order.id === orderId) this.notify('drawer');
  }

  /** An order as the server answered after a change: wherever the console shows it. */
  replaceOrder(changed: Order): void {
    if (this.orders.has(changed.id)) this.orders.set(changed.id, changed);
    this.orderList = this.orderList.map((order) => (order.id === changed.id ? changed : order));
    if (this.drawer?.order.id === changed.id) this.drawer = { ...this.drawer, order: changed };
    this.notify('orders');
    this.notify('orderList');
    this.notify('drawer');
  }

  private copiesOf(orderId: number): Order[] {
    return [this.orders.get(orderId), this.orderList.find((order) => order.id === orderId), this.drawer?.order.id === orderId ? this.drawer.order : undefined].filter((order): order is Order => !!order);
  }

  setOrderQuery(query: OrderQuery): void {
    this.orderQuery = query;
    this.notify('orderList');
  }

  /** A page of the order list: the first (replacing the rows) or the next (appended). */
  setOrderList(items: Order[], next: string | null, append: boolean): void {
    this.orderList = append ? [...this.orderList, ...items] : items;
    this.orderListNext = next;
    this.notify('orderList');
  }

  openDrawer(details: OrderDetails | null): void {
    this.drawer = details;
    this.notify('drawer');
  }

  /** The plan shown; its orders are assigned to its routes' vehicles. A different plan's route lines and proposal go with it. */
  setPlan(plan: Plan | null): void {
    if (plan?.id !== this.plan?.id) {
      this.setRouteLines([]);
      this.setProposal(null);
    }
    this.plan = plan;
    if (plan) {
      for (const order of this.orders.values()) order.assignedVehicleId = null;
      for (const route of plan.routes) for (const stop of route.stops) {
        const order = this.orders.get(stop.orderId);
        if (order) order.assignedVehicleId = route.vehicleId;
      }
    }
    this.notify('plan');
    this.notify('orders');
  }

  setProposal(proposal: Proposal | null): void {
    this.proposal = proposal;
    this.notify('proposal');
  }

  planQueued(planId: number): void {
    this.planRun = { planId, status: 'queued' };
    this.notify('planRun');
  }

  setRouteLines(lines: RouteLine[]): void {
    this.routeLines = lines;
    this.notify('routeLines');
  }

  setDrivenMeters(planId: number, drivenMeters: number | null): void {
    if (this.plan?.id !== planId) return;
    this.plan.drivenMeters = drivenMeters;
    this.notify('driven');
  }

  setStopStatus(change: StopStatusView): void {
    const stop = this.findStop(change.stopId);
    if (!stop) return;
    stop.status = change.status;
    if (change.completedAtEpoch) stop.completedAt = new Date(change.completedAtEpoch * 1000).toISOString();
    stop.times = timesWithStatus(stop.times, change, stop.promisedWindows, this.timeZone());
    this.notify('stop', { stopId: change.stopId });
  }

  /** Multi-trip: the driver confirmed a reload; the route card shows it. */
  setReloadStatus(change: ReloadStatusView): void {
    const reload = this.plan?.routes.find((route) => route.id === change.routeId)?.reloads.find((candidate) => candidate.trip === change.trip);
    if (!reload) return;
    reload.arrivedAt = this.depotIso(change.arrivedAtEpoch);
    reload.reloadedAt = change.reloadedAtEpoch === null ? null : this.depotIso(change.reloadedAtEpoch);
    this.notify('plan');
  }

  setStopEta(eta: EtaView): void {
    const stop = this.findStop(eta.stopId);
    if (!stop) return;
    stop.liveEta = this.depotIso(eta.etaEpoch);
    stop.times = timesWithEta(stop.times, eta, this.timeZone());
    this.notify('stop', { stopId: eta.stopId });
  }

  /** A room's snapshot: exactly these vehicles are on the road. */
  setPositions(vehicles: VehiclePositionView[]): void {
    this.positions = new Map(vehicles.map((vehicle) => [vehicle.vehicleId, { location: vehicle.location, recordedAt: vehicle.recordedAt }]));
    for (const vehicle of vehicles) this.lastSeen.set(vehicle.vehicleId, vehicle.recordedAt);
    this.notify('positions');
    this.notify('fleet');
  }

  /** A frame of fixes, oldest first: the map redraws once for all of them. */
  moveVehicles(vehicles: VehiclePositionView[]): void {
    for (const vehicle of vehicles) {
      this.positions.set(vehicle.vehicleId, { location: vehicle.location, recordedAt: vehicle.recordedAt });
      this.lastSeen.set(vehicle.vehicleId, vehicle.recordedAt);
    }
    this.notify('positions');
  }

  /** The open alerts, newest first. */
  openAlerts(): Alert[] {
    return [...this.alerts.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.id - a.id);
  }

  /** The depot's open alerts as the API lists them. */
  setAlerts(alerts: Alert[]): void {
    this.alerts = new Map(alerts.filter((alert) => alert.depotId === this.depotId && alert.status === 'open').map((alert) => [alert.id, alert]));
    this.notify('alerts');
  }

  /** An alert raised, updated, resolved or acknowledged: only open ones stay in the list. */
  putAlert(alert: Alert): void {
    if (alert.depotId !== this.depotId) return;
    if (alert.status === 'open') this.alerts.set(alert.id, alert);
    else this.alerts.delete(alert.id);
    this.notify('alerts');
  }
}
