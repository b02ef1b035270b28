/**
 * The order and its timeline. Lifecycle rules (which status may follow which) live in `../order-lifecycle.ts`.
 */
import type { Amounts } from './amounts';
import type { LonLat } from './geometry';
import type { EpochWindow } from './time-window';

export const orderStatuses = [
  'received',
  'ready',
  'planned',
  'dispatched',
  'out_for_delivery',
  'arrived',
  'delivered',
  'failed',
  'rescheduled',
  'returned',
  'cancelled',
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

/**
 * Where the location came from: `exact` a known address, `street` a known street with the number unknown
 * (placed on the street, for the dispatcher to confirm), `given` sent with the order.
 */
export const geocodeConfidences = ['exact', 'street', 'given'] as const;
export type GeocodeConfidence = (typeof geocodeConfidences)[number];

/**
 * Another place a `street` order may be: a same-named stretch (or the same address elsewhere) the address could not
 * tell from the one chosen. The dispatcher confirms the pin by picking one or dragging it.
 */
export interface GeocodeAlternative {
  addressText: string;
  location: LonLat;
}

/**
 * What the stop does: `delivery` drops `demand` off; `pickup` collects `pickup` at the customer and brings it back to
 * the depot (a return); `exchange` does both in one visit.
 */
export const orderKinds = ['delivery', 'pickup', 'exchange'] as const;
export type OrderKind = (typeof orderKinds)[number];

/** What a command stores: times as epoch seconds UTC, defaults applied. */
export interface OrderDraft {
  source: string;
  externalRef: string;
  customerName: string;
  customerPhone: string | null;
  customerEmail: string | null;
  addressText: string;
  location: LonLat;
  /** Absent: `given`. */
  geocodeConfidence?: GeocodeConfidence;
  /** Absent: none. */
  geocodeAlternatives?: GeocodeAlternative[];
  timeWindows: EpochWindow[];
  serviceSeconds: number;
  demand: Amounts;
  priority: number;
  requiredSkills: string[];
  notes: string | null;
  /** Absent: `delivery`. A pickup's `demand` is zero: what it carries is `pickup`. */
  kind?: OrderKind;
  /** What the stop collects; absent or null for a delivery. */
  pickup?: Amounts | null;
  /** A return or exchange: the delivered order it comes from. */
  returnOfOrderId?: number | null;
}

/** A stored order: the draft it was made from, plus what the service gives it. */
export interface Order extends OrderDraft {
  geocodeConfidence: GeocodeConfidence;
  geocodeAlternatives: GeocodeAlternative[];
  kind: OrderKind;
  pickup: Amounts | null;
  returnOfOrderId: number | null;
  id: number;
  displayId: string;
  /** The index of the customer's tracking link; its secret is stored only as a hash (order-identifiers.ts). */
  trackingCode: string;
  status: OrderStatus;
  depotId: number | null;
  assignedVehicleId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Imports may still rewrite an order in these states; later the route depends on it. */
export const editableStatuses: readonly OrderStatus[] = ['received', 'ready'];

/** An order may get new time windows until it is out for delivery; a failed one is re-attempted so. */
export const reschedulableStatuses: readonly OrderStatus[] = ['received', 'ready', 'planned', 'dispatched', 'failed', 'rescheduled'];

/** What an update may rewrite: the task's kind, what it collects and where it comes from stay as created. */
export type OrderContent = Omit<OrderDraft, 'source' | 'externalRef' | 'kind' | 'pickup' | 'returnOfOrderId'>;

export function contentOf(order: Order): OrderContent {
  const { customerName, customerPhone, customerEmail, addressText, location, geocodeConfidence, geocodeAlternatives, timeWindows, serviceSeconds, demand, priority, requiredSkills, notes } = order;
  return { customerName, customerPhone, customerEmail, addressText, location, geocodeConfidence, geocodeAlternatives, timeWindows, serviceSeconds, demand, priority, requiredSkills, notes };
}

/** One entry of an order's timeline. */
export const orderEventTypes = ['created', 'updated', 'status_changed', 'assigned', 'rescheduled', 'return_scheduled', 'instructions_changed', 'rated', 'return_requested', 'arriving_soon', 'preferences_changed', 'tracking_link_issued', 'tracking_link_revoked'] as const;
export type OrderEventType = (typeof orderEventTypes)[number];

export interface OrderEventInput {
  orderId: number;
  type: OrderEventType;
  actor: string;
  fromStatus?: OrderStatus | null;
  toStatus?: OrderStatus | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

export interface OrderEvent {
  id: number;
  orderId: number;
  occurredAt: Date;
  type: OrderEventType;
  actor: string;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  reason: string | null;
  data: Record<string, unknown>;
}

/** A customer's tracking link beyond its token: revoked or not, and the rating given through it. */
export interface TrackingLink {
  orderId: number;
  revokedAt: Date | null;
  rating: { stars: number; comment: string | null; ratedAt: Date } | null;
}

/** What the customer tells the driver through the tracking page; the driver sees it at the stop. */
export interface DeliveryInstructions {
  gateCode: string | null;
  safePlace: string | null;
  leaveWithNeighbour: boolean;
  neighbourName: string | null;
  /** Free text, at most 500 characters. */
  note: string | null;
}
