/** A plan's routes and their stops, as planned and as driven; what a driver records at a stop. */
import type { VroomViolation } from '../../../solver/index';
import type { Amounts } from './amounts';
import type { LineString, LonLat } from './geometry';
import type { EpochWindow } from './time-window';

export interface PlannedBreak {
  breakId: string;
  startEpochSeconds: number;
  durationSeconds: number;
}

/** Multi-trip: the van goes back to reload between stop `afterSequence` and the next one. */
export interface PlannedReload {
  afterSequence: number;
  location: LonLat;
  arrivalEpochSeconds: number;
  durationSeconds: number;
  /** On board when it leaves: the next trip's deliveries. */
  load: Amounts;
  /** Confirmed by the driver: at the depot, then loaded and on the way again. */
  arrivedEpochSeconds?: number;
  reloadedEpochSeconds?: number;
}

/** A reload the driver confirms: at the depot, then loaded for the trip it starts. */
export const reloadSteps = ['arrived', 'reloaded'] as const;
export type ReloadStep = (typeof reloadSteps)[number];

/** The route's own event log (steps that are no order's). */
export interface RouteEvent {
  routeId: number;
  vehicleId: number;
  type: 'reload_arrived' | 'reloaded';
  /** `trip`: the trip the reload starts. */
  data: Record<string, unknown>;
  actor: string;
  atEpoch: number;
}

export const routeStatuses = ['planned', 'dispatched', 'in_progress', 'completed'] as const;
export type RouteStatus = (typeof routeStatuses)[number];

export const stopStatuses = ['pending', 'arrived', 'completed', 'failed'] as const;
export type StopStatus = (typeof stopStatuses)[number];

export interface StopRecord {
  id: number;
  orderId: number;
  sequence: number;
  status: StopStatus;
  locked: boolean;
  location: LonLat;
  promisedWindows: EpochWindow[];
  plannedArrivalEpoch: number;
  serviceStartEpoch: number;
  plannedDepartureEpoch: number;
  waitingSeconds: number;
  serviceSeconds: number;
  distanceFromStartMeters: number;
  drivingFromStartSeconds: number;
  loadAfter: Amounts;
  violations: VroomViolation[];
  dispatchedEtaEpoch: number | null;
  liveEtaEpoch: number | null;
  actualArrivalEpoch: number | null;
  completedAtEpoch: number | null;
}

export interface RouteRecord {
  id: number;
  planId: number;
  vehicleId: number;
  driverId: number | null;
  status: RouteStatus;
  startLocation: LonLat;
  endLocation: LonLat;
  returnsToDepot: boolean;
  departureEpoch: number;
  arrivalEpoch: number;
  distanceMeters: number;
  drivingSeconds: number;
  serviceSeconds: number;
  waitingSeconds: number;
  cost: number;
  initialLoad: Amounts;
  breaks: PlannedBreak[];
  reloads: PlannedReload[];
  violations: VroomViolation[];
  geometry: LineString;
  stops: StopRecord[];
}

/**
 * A route as computed, before it has ids. When it replaces a stored route, the live-tracking fields of its existing
 * stops stay as stored (a dispatched ETA is written only when the draft sets one).
 */
export type RouteDraft = Omit<RouteRecord, 'id' | 'planId' | 'stops'> & { stops: Omit<StopRecord, 'id'>[] };

/** A route without stops: the van stays where it starts, at the time it starts (nothing to drive, serve or cost). */
export function emptyRouteDraft(
  route: Pick<RouteDraft, 'vehicleId' | 'driverId' | 'status'>,
  start: { location: LonLat; endLocation: LonLat | null; atEpoch: number },
): RouteDraft {
  return {
    ...route,
    startLocation: start.location,
    endLocation: start.endLocation ?? start.location,
    returnsToDepot: start.endLocation !== null,
    departureEpoch: start.atEpoch,
    arrivalEpoch: start.atEpoch,
    distanceMeters: 0,
    drivingSeconds: 0,
    serviceSeconds: 0,
    waitingSeconds: 0,
    cost: 0,
    initialLoad: { weightKg: 0, volumeL: 0, items: 0 },
    breaks: [],
    reloads: [],
    violations: [],
    geometry: { type: 'LineString', coordinates: [start.location, start.location] },
    stops: [],
  };
}

export interface LiveEta {
  stopId: number;
  etaEpoch: number;
}

export interface Attachment {
  contentType: string;
  bytes: Buffer;
}

export interface StopOutcomeDraft {
  stopId: number;
  orderId: number;
  outcome: 'delivered' | 'failed';
  recipientName?: string | null;
  signature?: Attachment | null;
  photo?: Attachment | null;
  failureReason?: string | null;
  note?: string | null;
  actor: string;
  recordedAtEpoch: number;
}

/** One attempt at an order's stop as stored: numbered from 1 per order, each with its own proof. */
export interface StopAttempt {
  attempt: number;
  stopId: number;
  outcome: 'delivered' | 'failed';
  recipientName: string | null;
  failureReason: string | null;
  note: string | null;
  actor: string;
  recordedAtEpoch: number;
  signatureBytes: number;
  photoBytes: number;
}
