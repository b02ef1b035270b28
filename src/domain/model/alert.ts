/**
 * Something a dispatcher should look at, kept until the condition is gone: a stop that will be late, a van off its
 * route or off the road network, a failed delivery, orders a plan could not assign. At most one alert per kind and
 * subject is unresolved; raising it again updates that one.
 */

export const alertKinds = ['delay', 'deviation', 'failed_delivery', 'unroutable', 'unassigned'] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertSubjectTypes = ['order', 'vehicle', 'stop', 'plan'] as const;
/** A delay is about a stop, a deviation or unroutable van about a vehicle, a failed delivery about an order, unassigned orders about a plan. */
export type AlertSubjectType = (typeof alertSubjectTypes)[number];

export interface AlertSubject {
  type: AlertSubjectType;
  id: number;
}

/** open: nobody has acknowledged it; acknowledged: someone has, the condition still holds; resolved: it no longer holds. */
export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** Facts about the subject, by kind: e.g. minutesLate for a delay, meters for a deviation, orderIds for unassigned. */
export type AlertData = Record<string, unknown>;

export interface Alert {
  id: number;
  depotId: number;
  kind: AlertKind;
  subject: AlertSubject;
  message: string;
  data: AlertData;
  raisedAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  /** The actor who acknowledged it ("user:3"). */
  acknowledgedBy: string | null;
}

/** What raising an alert says; the rest (id, times) the store adds. */
export type AlertDraft = Pick<Alert, 'depotId' | 'kind' | 'subject' | 'message' | 'data'>;

export function statusOfAlert(alert: Pick<Alert, 'resolvedAt' | 'acknowledgedAt'>): AlertStatus {
  if (alert.resolvedAt) return 'resolved';
  return alert.acknowledgedAt ? 'acknowledged' : 'open';
}
