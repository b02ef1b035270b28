/**
 * The socket.io contract, shared by the server and the web pages: `Server<ClientToServerEvents,
 * ServerToClientEvents>` and `Socket<ServerToClientEvents, ClientToServerEvents>`.
 * Server → client events are facts, each numbered within its room; client → server events are
 * requests, answered by an ack that is a result or the one error shape.
 */
import { z } from 'zod';
import type { AlertResponse } from './alerts';
import type { ArriveRequest, CompleteRequest, FailRequest, StopActionResult } from './stop-actions';

/** Positions a device may report: a fix with its accuracy, optionally speed and heading. */
export const positionReportSchema = z.object({
  location: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  accuracyMeters: z.number().min(0).max(10_000),
  speedMetersPerSecond: z.number().min(0).max(100).nullable().optional(),
  headingDegrees: z.number().min(0).max(360).nullable().optional(),
  /** Epoch seconds UTC when the device took the fix. */
  recordedAt: z.number().positive(),
});
export type PositionReport = z.output<typeof positionReportSchema>;

/** One report or a batch (the driver app catching up after being offline); paths in errors count from the batch. */
export const positionReportsSchema = z.preprocess(
  (input) => (Array.isArray(input) ? input : [input]),
  z.array(positionReportSchema).min(1).max(1000),
);


/** What the client sends in `io(url, { auth })`. */
export interface SocketAuth {
  /** A session token or API key (staff, drivers), or an order's tracking token (customers). */
  token: string;
  /** Dispatchers and admins: the depot whose room to join. */
  depotId?: number;
  /**
   * Coming back: the last number this client applied. The server replays what came after it, in order, then sends
   * `room:resumed`; when it no longer has all of it (or the client sends none) it sends `room:joined` with the state now.
   */
  afterSeq?: number;
}

export interface VehiclePositionView {
  vehicleId: number;
  location: [number, number];
  accuracyMeters: number;
  speedMetersPerSecond: number | null;
  headingDegrees: number | null;
  recordedAt: number;
}

/**
 * Where vans were, oldest first: every fix a room is due since its last frame. Positions are many and small, so a
 * console gets one frame per flush of the room's feed instead of one event per fix.
 */
export interface VehiclesMovedView {
  positions: VehiclePositionView[];
}

export interface OrderStatusView {
  orderId: number;
  displayId: string;
  status: string;
  reason: string | null;
}

/** A plan run's best solution so far. */
export interface PlanProgressView {
  planId: number;
  bestCost: number;
  unassigned: number;
  elapsedMs: number;
}

export interface StopStatusView {
  stopId: number;
  orderId: number;
  vehicleId: number;
  status: 'pending' | 'arrived' | 'completed' | 'failed';
  actualArrivalEpoch: number | null;
  completedAtEpoch: number | null;
}

/** Multi-trip: the driver confirmed the reload that starts trip `trip` (at the depot; loaded once reloadedAtEpoch is set). */
export interface ReloadStatusView {
  routeId: number;
  vehicleId: number;
  trip: number;
  arrivedAtEpoch: number;
  reloadedAtEpoch: number | null;
}

/** A stop's live ETA moved by a minute or more since the last one published. */
export interface EtaView {
  stopId: number;
  orderId: number;
  vehicleId: number;
  etaEpoch: number;
  /** The arrival, or the window start when the van will wait (`domain/stop-times.ts`). */
  serviceStartEpoch: number;
  /** Minutes the service start is past the promised window; null when on time. */
  delayMinutes: number | null;
  /** The ETA frozen at dispatch: what the customer was told. */
  dispatchedEtaEpoch: number | null;
}

/**
 * The driver's route changed in the office (a live insertion, an edit, a cancelled order, the dispatch itself):
 * the driver app reads its route again. Only the vehicle's room hears it.
 */
export interface RouteChangedView {
  planId: number;
  routeId: number;
  vehicleId: number;
}

/** The facts a room carries, by event name. */
export interface RoomFacts {
  'vehicles:moved': VehiclesMovedView;
  'order:status': OrderStatusView;
  'stop:status': StopStatusView;
  'reload:status': ReloadStatusView;
  'eta:updated': EtaView;
  /** Depot rooms only: an alert as GET /alerts lists it, each time it is raised, updated, resolved or acknowledged. */
  'alert:raised': AlertResponse;
  'alert:updated': AlertResponse;
  'alert:resolved': AlertResponse;
  'alert:acknowledged': AlertResponse;
  'plan:progress': PlanProgressView;
  'route:changed': RouteChangedView;
}
export type RoomEventName = keyof RoomFacts;

/** Every fact arrives numbered: `seq` counts up by one per room, so a gap means something was missed. */
export interface Sequenced<K extends RoomEventName = RoomEventName> {
  room: string;
  seq: number;
  event: K;
  data: RoomFacts[K];
}

/** Where the client joined, and the room's state now. */
export interface RoomSnapshot {
  room: string;
  /** The last sequence number the snapshot includes. */
  seq: number;
  vehicles: VehiclePositionView[];
  orders: OrderStatusView[];
}

export interface ErrorBody {
  error: { code: string; message: string; details: { path?: string; message: string; [extra: string]: unknown }[] };
}

export type Ack<T> = (reply: T | ErrorBody) => void;

export interface PositionReportResult {
  accepted: number;
  duplicates: number;
}

export type ServerToClientEvents = {
  [K in RoomEventName]: (event: Sequenced<K>) => void;
} & {
  /** Sent once after connecting without `afterSeq`, or when the events after it are no longer kept. */
  'room:joined': (snapshot: RoomSnapshot) => void;
  /** Sent once after connecting with `afterSeq`, when every event after it was replayed just before. */
  'room:resumed': (resumed: RoomResumed) => void;
};

export interface RoomResumed {
  room: string;
  /** The last number replayed (equal to `afterSeq` when nothing was missed). */
  seq: number;
  replayed: number;
}

export interface ClientToServerEvents {
  'position:report': (reports: PositionReport | PositionReport[], ack: Ack<PositionReportResult>) => void;
  /** Stop actions: bodies as in POST /stops/:id/{arrive,complete,fail}, plus stopId. */
  'stop:arrive': (request: ArriveRequest, ack: Ack<StopActionResult>) => void;
  'stop:complete': (request: CompleteRequest, ack: Ack<StopActionResult>) => void;
  'stop:fail': (request: FailRequest, ack: Ack<StopActionResult>) => void;
}
