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
  timeWindows: EpochWindow[];
  serviceSeconds: number;
  demand: Amounts;
  priority: number;
  requiredSkills: string[];
  notes: string | null;
}

/** A stored order: the draft it was made from, plus what the service gives it. */
export interface Order extends OrderDraft {
  geocodeConfidence: GeocodeConfidence;
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

export type OrderContent = Omit<OrderDraft, 'source' | 'externalRef'>;

/** One entry of an order's timeline. */
export type OrderEventType = 'created' | 'updated' | 'status_changed' | 'assigned' | 'rescheduled' | 'tracking_link_issued' | 'tracking_link_revoked';

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
