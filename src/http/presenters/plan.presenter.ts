/** Plans leave the service in these shapes and no other; times are ISO 8601 with the depot's UTC offset. */
import { toIsoInZone } from '../../domain/time';
import { emptyTotals } from '../../planning/plan-totals';
import { presentStopTimes } from './stop-times.presenter';
import { planToGeoJson, type PlanFeatureCollection } from '../../solving/plan-geojson';
import type { LonLat } from '../../domain/model/geometry';
import type { PlanRecord, UnassignedRecord } from '../../domain/model/plan';
import type { ReplanProposal } from '../../domain/model/proposal';
import type { PlannedReload, RouteDraft, RouteRecord, StopRecord } from '../../domain/model/route';
import type { ProposalResponse } from '../../protocol/plans';

const iso = (epoch: number | null, timeZone: string) => (epoch === null ? null : toIsoInZone(epoch, timeZone));

export function presentPlanSummary(plan: PlanRecord, href: string) {
  return {
    id: plan.id,
    depotId: plan.depotId,
    date: plan.date,
    version: plan.version,
    status: plan.status,
    timeLimitSeconds: plan.timeLimitSeconds,
    minimize: plan.options.minimize ?? 'cost',
    vehicleIds: plan.vehicleIds,
    orderCount: plan.orderIds.length,
    progress: plan.progress,
    error: plan.error,
    totals: plan.totals ? { ...plan.totals } : null,
    createdBy: plan.createdBy,
    createdAt: plan.createdAt.toISOString(),
    finishedAt: plan.finishedAt?.toISOString() ?? null,
    dispatchedAt: plan.dispatchedAt?.toISOString() ?? null,
    replacesPlanId: plan.replacesPlanId,
    href,
  };
}

/** `drivenMetersByVehicle`: what each van drove since dispatch (null before dispatch). */
export function presentPlan(plan: PlanRecord, routes: RouteRecord[], unassigned: UnassignedRecord[], timeZone: string, href: string, drivenMetersByVehicle: Map<number, number> | null) {
  return {
    ...presentPlanSummary(plan, href),
    drivenMeters: drivenMetersByVehicle && [...drivenMetersByVehicle.values()].reduce((sum, meters) => sum + meters, 0),
    routes: routes.map((route) => ({ ...presentRoute(route, timeZone), drivenMeters: drivenMetersByVehicle?.get(route.vehicleId) ?? null })),
    unassigned: unassigned.map((entry) => ({ orderId: entry.orderId, reason: entry.reason, ...(entry.reason === 'unroutable' ? { distanceToRoadMeters: entry.distanceToRoadMeters ?? null } : {}) })),
  };
}

/** A route's reloads as the plan and the driver's day show them: the trip each starts, its place, times and load. */
export function presentReloads(reloads: PlannedReload[], timeZone: string) {
  return reloads.map((reload, index) => ({
    trip: index + 2,
    afterSequence: reload.afterSequence,
    location: reload.location,
    arrival: toIsoInZone(reload.arrivalEpochSeconds, timeZone),
    departure: toIsoInZone(reload.arrivalEpochSeconds + reload.durationSeconds, timeZone),
    durationSeconds: reload.durationSeconds,
    load: reload.load,
    arrivedAt: reload.arrivedEpochSeconds === undefined ? null : toIsoInZone(reload.arrivedEpochSeconds, timeZone),
    reloadedAt: reload.reloadedEpochSeconds === undefined ? null : toIsoInZone(reload.reloadedEpochSeconds, timeZone),
  }));
}

export function presentRoute(route: RouteRecord | (RouteDraft & { id: number | null; stops: (Omit<StopRecord, 'id'> & { id?: number })[] }), timeZone: string) {
  return {
    id: route.id,
    vehicleId: route.vehicleId,
    driverId: route.driverId,
    status: route.status,
    departure: toIsoInZone(route.departureEpoch, timeZone),
    arrival: toIsoInZone(route.arrivalEpoch, timeZone),
    distanceMeters: route.distanceMeters,
    drivingSeconds: route.drivingSeconds,
    serviceSeconds: route.serviceSeconds,
    waitingSeconds: route.waitingSeconds,
    paidSeconds: route.arrivalEpoch - route.departureEpoch,
    cost: route.cost,
    violations: route.violations,
    breaks: route.breaks.map((pause) => ({ start: toIsoInZone(pause.startEpochSeconds, timeZone), durationSeconds: pause.durationSeconds })),
    trips: route.reloads.length + 1,
    reloads: presentReloads(route.reloads, timeZone),
    stops: route.stops.map((stop) => ({
      id: 'id' in stop ? (stop.id ?? null) : null,
      orderId: stop.orderId,
      sequence: stop.sequence,
      trip: 1 + route.reloads.filter((reload) => reload.afterSequence < stop.sequence).length,
      status: stop.status,
      locked: stop.locked,
      location: stop.location,
      promisedWindows: stop.promisedWindows.map((window) => ({ start: toIsoInZone(window.startEpochSeconds, timeZone), end: toIsoInZone(window.endEpochSeconds, timeZone) })),
      plannedArrival: toIsoInZone(stop.plannedArrivalEpoch, timeZone),
      serviceStart: toIsoInZone(stop.serviceStartEpoch, timeZone),
      plannedDeparture: toIsoInZone(stop.plannedDepartureEpoch, timeZone),
      waitingSeconds: stop.waitingSeconds,
      loadAfter: stop.loadAfter,
      violations: stop.violations,
      dispatchedEta: iso(stop.dispatchedEtaEpoch, timeZone),
      liveEta: iso(stop.liveEtaEpoch, timeZone),
      actualArrival: iso(stop.actualArrivalEpoch, timeZone),
      completedAt: iso(stop.completedAtEpoch, timeZone),
      times: presentStopTimes(stop, timeZone),
    })),
  };
}

/** The stored plan as GeoJSON, through the solving layer's one GeoJSON mapping. */
export function presentPlanGeoJson(plan: PlanRecord, routes: RouteRecord[], unassigned: UnassignedRecord[], orderLocations: Map<number, LonLat>, timeZone: string): PlanFeatureCollection {
  return planToGeoJson({
    depotId: String(plan.depotId),
    timeZone,
    routes: routes.map((route) => ({
      vehicleId: String(route.vehicleId),
      startLocation: route.startLocation,
      endLocation: route.endLocation,
      departureEpochSeconds: route.departureEpoch,
      arrivalEpochSeconds: route.arrivalEpoch,
      stops: route.stops.map((stop) => ({
        orderId: String(stop.orderId),
        sequence: stop.sequence,
        location: stop.location,
        arrivalEpochSeconds: stop.plannedArrivalEpoch,
        waitingSeconds: stop.waitingSeconds,
        serviceStartEpochSeconds: stop.serviceStartEpoch,
        departureEpochSeconds: stop.plannedDepartureEpoch,
        loadAfter: stop.loadAfter,
        distanceFromStartMeters: stop.distanceFromStartMeters,
        drivingFromStartSeconds: stop.drivingFromStartSeconds,
      })),
      breaks: route.breaks,
      reloads: route.reloads,
      initialLoad: route.initialLoad,
      distanceMeters: route.distanceMeters,
      drivingSeconds: route.drivingSeconds,
      serviceSeconds: route.serviceSeconds,
      waitingSeconds: route.waitingSeconds,
      cost: route.cost,
      geometry: route.geometry,
    })),
    unassigned: unassigned.map((entry) => ({ orderId: String(entry.orderId), location: orderLocations.get(entry.orderId)!, reason: entry.reason as never })),
    totals: { ...emptyTotals, ...plan.totals },
  });
}

export function presentProposal(proposal: ReplanProposal, timeZone: string): ProposalResponse {
  return {
    proposalId: proposal.id,
    planId: proposal.planId,
    planVersion: proposal.planVersion,
    status: proposal.status,
    createdAt: toIsoInZone(proposal.createdAtEpoch, timeZone),
    expiresAt: toIsoInZone(proposal.expiresAtEpoch, timeZone),
    changes: proposal.changes.map((change) => ({
      vehicleId: change.vehicleId,
      newRoute: change.newRoute,
      movedIn: change.movedIn,
      movedOut: change.movedOut,
      added: change.added,
      removed: change.removed,
      reordered: change.reordered,
      before: change.before,
      after: change.after,
    })),
    unassigned: proposal.unassigned.map(({ orderId, reason }) => ({ orderId, reason })),
    offShiftVehicleIds: proposal.offShiftVehicleIds,
    totals: proposal.totals,
  };
}
