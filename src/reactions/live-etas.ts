/**
 * Live tracking on every position: arrival by geofence, deviation from the planned road, and
 * (throttled per vehicle) the ETAs of the remaining stops from where the vehicle actually is,
 * on the road network. ETAs that move by a minute or more are stored and published. What a dispatcher should hear
 * of is published when it changes — stops whose ETA passes their promised window, the vehicle off its route or off
 * the road network — and turned into stored alerts by `alerts.ts`. A fresh state (a restart, a changed plan)
 * publishes its first findings, so alerts raised before are confirmed or resolved. Stops the ETAs put close (the
 * depot's arriving-soon rule, or the defaults) get their "arriving soon" message, once per stop.
 */
import { distance, lineString, point, pointToLineDistance } from '@turf/turf';
import { systemPrincipal, type Principal } from '../auth/principal';
import { arriveAtStop } from '../commands/arrive-at-stop';
import { notifyArrivingSoon } from '../commands/notify-arriving-soon';
import { recordLiveEtas } from '../commands/record-live-etas';
import { arrivingSoonIndexes } from '../domain/arriving-soon';
import type { ArrivingSoonRule } from '../domain/model/fleet';
import type { CommandContext } from '../commands/context';
import { repositories } from '../db/repositories';
import type { DomainEvents } from '../domain/events';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { RoutingProvider } from '../routing/provider';
import { estimateArrivals } from '../tracking/eta';
import { delayMinutes, expectedServiceStart, minutesLate, secondsLate } from '../domain/stop-times';
import type { Position } from '../domain/model/position';
import type { RouteRecord, StopRecord } from '../domain/model/route';

export interface EtaEngineOptions {
  /** At most one ETA recomputation per vehicle in this many seconds. */
  throttleSeconds?: number;
  /** An ETA change smaller than this is not news. */
  publishStepSeconds?: number;
  /** Within this distance of its next stop, at walking pace or stopped, the vehicle has arrived. */
  geofenceMeters?: number;
  /** Further than this from the planned road is a deviation; back within half of it, recovered. */
  deviationMeters?: number;
  /** Positions less accurate than this are too vague for geofence or deviation. */
  maxAccuracyMeters?: number;
  /** For depots without their own rule. */
  arrivingSoon?: ArrivingSoonRule;
}

interface VehicleState {
  route: RouteRecord | null;
  loadedAtMs: number;
  lastEtaAtEpoch: number;
  publishedEta: Map<number, number>;
  /** Whole minutes late by stop, as last published; null: nothing published yet. */
  lateMinutes: Map<number, number> | null;
  /** As last published; null: not yet known. */
  deviating: boolean | null;
  unroutable: boolean | null;
  /** The route's depot's rule; null: the defaults. */
  arrivingSoon: ArrivingSoonRule | null;
  /** Stops told "arriving soon" (the database has the last word; this spares it the question). */
  toldArrivingSoon: Set<number>;
}

/** Route plans change rarely; a minute is short enough to see a re-optimization. */
const routeTtlMs = 60_000;
const geofencePrincipal: Principal = { ...systemPrincipal, username: 'geofence', actor: 'system:geofence' };

export class EtaEngine {
  private readonly states = new Map<number, VehicleState>();
  private readonly busy = new Set<number>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly options: Required<EtaEngineOptions>;

  constructor(
    private readonly context: CommandContext,
    private readonly routing: RoutingProvider,
    private readonly logger: Logger,
    options: EtaEngineOptions = {},
  ) {
    this.options = { throttleSeconds: 15, publishStepSeconds: 60, geofenceMeters: 40, deviationMeters: 300, maxAccuracyMeters: 100, arrivingSoon: { minutes: 15, stops: 2 }, ...options };
    const { events } = context;
    this.unsubscribers.push(
      events.on('vehicle.moved', ({ position }) => this.schedule(position)),
      events.on('stop.status_changed', ({ vehicleId }) => this.forget(vehicleId)),
      events.on('plan.changed', () => this.states.clear()),
      events.on('plan.status_changed', () => this.states.clear()),
    );
  }

  private forget(vehicleId: number): void {
    const state = this.states.get(vehicleId);
    if (state) state.loadedAtMs = 0;
  }

  /** One update per vehicle at a time; a position arriving meanwhile is superseded by the next. */
  private schedule(position: Position): void {
    if (this.busy.has(position.vehicleId)) return;
    this.busy.add(position.vehicleId);
    this.update(position)
      .catch((error: unknown) => this.logger.error({ err: error, vehicleId: position.vehicleId }, 'live ETA update failed'))
      .finally(() => this.busy.delete(position.vehicleId));
  }

  /** Runs every check for one position; exposed for tests and the simulator's clock. */
  async update(position: Position, nowEpoch = position.recordedAt): Promise<void> {
    const state = await this.stateOf(position.vehicleId);
    const route = state.route;
    if (!route) return;
    const remaining = route.stops.filter((stop) => stop.status === 'pending' || stop.status === 'arrived');
    if (remaining.length === 0) return;

    if (position.accuracyMeters <= this.options.maxAccuracyMeters) {
      if (await this.detectArrival(position, remaining)) return;
      this.checkDeviation(position, route, state, nowEpoch);
    }
    if (nowEpoch - state.lastEtaAtEpoch < this.options.throttleSeconds) return;
    state.lastEtaAtEpoch = nowEpoch;
    await this.recomputeEtas(position, route, remaining, state, nowEpoch);
  }

  private async stateOf(vehicleId: number): Promise<VehicleState> {
    let state = this.states.get(vehicleId);
    if (!state) {
      state = { route: null, loadedAtMs: 0, lastEtaAtEpoch: 0, publishedEta: new Map(), lateMinutes: null, deviating: null, unroutable: null, arrivingSoon: null, toldArrivingSoon: new Set() };
      this.states.set(vehicleId, state);
    }
    if (this.context.clock.nowMs() - state.loadedAtMs > routeTtlMs) {
      const repos = repositories(this.context.db, this.context.clock);
      state.route = await repos.etas.activeRoute(vehicleId);
      state.arrivingSoon = state.route ? await repos.depots.arrivingSoonOfPlan(state.route.planId) : null;
      // Jittered, so a fleet that started together does not reload together.
      state.loadedAtMs = this.context.clock.nowMs() - Math.random() * routeTtlMs * 0.5;
      state.lastEtaAtEpoch = 0;
    }
    return state;
  }

  private async detectArrival(position: Position, remaining: StopRecord[]): Promise<boolean> {
    const next = remaining[0]!;
    if (next.status !== 'pending') return false;
    const slow = position.speedMetersPerSecond === null || position.speedMetersPerSecond <= 3;
    const meters = distance(point(position.location), point(next.location), { units: 'meters' });
    if (!slow || meters > this.options.geofenceMeters) return false;
    try {
      await arriveAtStop(this.context, next.id, { idempotencyKey: `geofence:${next.id}` }, geofencePrincipal, Math.round(position.recordedAt));
    } catch (error) {
      // The driver's tap got there first: nothing to do.
      if (!(error instanceof AppError && error.status === 409)) throw error;
    }
    return true;
  }

  private checkDeviation(position: Position, route: RouteRecord, state: VehicleState, nowEpoch: number): void {
    if (route.geometry.coordinates.length < 2) return;
    const meters = pointToLineDistance(point(position.location), lineString(route.geometry.coordinates), { units: 'meters' });
    // Between half the threshold and the threshold it stays as it was, so a van on the edge does not flap.
    const offRoute = meters > this.options.deviationMeters ? true : meters < this.options.deviationMeters / 2 ? false : state.deviating;
    if (offRoute === null || offRoute === state.deviating) return;
    state.deviating = offRoute;
    this.context.events.publish('vehicle.deviation_changed', { vehicleId: route.vehicleId, offRoute, meters, atEpoch: nowEpoch });
  }

  private async recomputeEtas(position: Position, route: RouteRecord, remaining: StopRecord[], state: VehicleState, nowEpoch: number): Promise<void> {
    // At a stop (arrived, not yet done): the clock starts when its service ends, from there.
    const current = remaining[0]!.status === 'arrived' ? remaining[0]! : null;
    const ahead = current ? remaining.slice(1) : remaining;
    if (ahead.length === 0) return;
    const origin = current ? current.location : position.location;
    const readyEpoch = current ? Math.max(nowEpoch, (current.actualArrivalEpoch ?? nowEpoch) + current.serviceSeconds) : nowEpoch;

    const unroutableLegs = new Set<number>();
    const etas = await estimateArrivals(
      this.routing,
      origin,
      readyEpoch,
      ahead.map((stop) => ({
        location: stop.location,
        serviceSeconds: stop.serviceSeconds,
        promisedWindows: stop.promisedWindows,
      })),
      // Unroutable from here (off the network): the planned leg is the best guess.
      (index) => {
        unroutableLegs.add(index);
        return ahead[index]!.drivingFromStartSeconds - (index > 0 ? ahead[index - 1]!.drivingFromStartSeconds : (current?.drivingFromStartSeconds ?? 0));
      },
    );
    // Only a leg from the vehicle's own position says whether the vehicle can be routed from where it is.
    if (!current && state.unroutable !== unroutableLegs.has(0)) {
      state.unroutable = unroutableLegs.has(0);
      this.context.events.publish('vehicle.routability_changed', { vehicleId: route.vehicleId, unroutable: state.unroutable, atEpoch: nowEpoch });
    }

    const moved: DomainEvents['stop.eta_changed'][] = [];
    const lateStops: DomainEvents['vehicle.delays_changed']['lateStops'] = [];
    ahead.forEach((stop, index) => {
      const etaEpoch = etas[index]!;
      // The one rule every page shows: late while the expected service start is past the window.
      const serviceStartEpoch = expectedServiceStart(etaEpoch, stop.promisedWindows);
      const previous = state.publishedEta.get(stop.id) ?? stop.liveEtaEpoch;
      if (previous === null || Math.abs(etaEpoch - previous) >= this.options.publishStepSeconds) {
        state.publishedEta.set(stop.id, etaEpoch);
        moved.push({
          stopId: stop.id,
          orderId: stop.orderId,
          vehicleId: route.vehicleId,
          etaEpoch,
          serviceStartEpoch,
          delayMinutes: delayMinutes(serviceStartEpoch, stop.promisedWindows),
          dispatchedEtaEpoch: stop.dispatchedEtaEpoch,
        });
      }
      const late = secondsLate(serviceStartEpoch, stop.promisedWindows);
      if (late > 0) lateStops.push({ stopId: stop.id, orderId: stop.orderId, secondsLate: late });
    });
    const lateMinutes = new Map(lateStops.map((stop) => [stop.stopId, minutesLate(stop.secondsLate)]));
    if (!state.lateMinutes || !sameEntries(state.lateMinutes, lateMinutes)) {
      state.lateMinutes = lateMinutes;
      this.context.events.publish('vehicle.delays_changed', { vehicleId: route.vehicleId, lateStops, atEpoch: nowEpoch });
    }
    await recordLiveEtas(this.context, moved, Math.round(nowEpoch));
    const close = arrivingSoonIndexes(etas, state.arrivingSoon ?? this.options.arrivingSoon, nowEpoch)
      .map((index) => ({ stop: ahead[index]!, etaEpoch: etas[index]! }))
      .filter(({ stop }) => stop.status === 'pending' && !state.toldArrivingSoon.has(stop.id));
    for (const { stop } of close) state.toldArrivingSoon.add(stop.id);
    await notifyArrivingSoon(
      this.context,
      close.map(({ stop, etaEpoch }) => ({ stopId: stop.id, orderId: stop.orderId, etaEpoch })),
    );
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }
}

function sameEntries(a: Map<number, number>, b: Map<number, number>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}
