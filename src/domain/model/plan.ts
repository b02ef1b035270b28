/** A plan of one depot's day: its run status (the plans table is also the run queue), options and totals. */
import type { UnassignedReason } from '../../../solver/index';

export interface PlanTotals {
  routes: number;
  stops: number;
  unassigned: number;
  distanceMeters: number;
  drivingSeconds: number;
  serviceSeconds: number;
  waitingSeconds: number;
  /** Sum of the routes' departure-to-return spans: the hours paid. */
  paidSeconds: number;
  cost: number;
}

export const planStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dispatched', 'superseded'] as const;

export type PlanStatus = (typeof planStatuses)[number];

export interface PlanProgress {
  bestCost: number;
  unassigned: number;
  elapsedMs: number;
}

export interface PlanError {
  code: string;
  message: string;
}

export const planObjectives = ['cost', 'vehicles', 'balance'] as const;
/** What a plan minimises (the solver's options.minimize); cost is what the company pays, by the hour. */
export type PlanObjective = (typeof planObjectives)[number];

export interface PlanOptions {
  /** Solver seeds run in parallel; the best is kept. */
  seeds?: number;
  /** Default cost (plans stored before the option have none). */
  minimize?: PlanObjective;
}

export interface PlanRecord {
  id: number;
  depotId: number;
  date: string;
  version: number;
  status: PlanStatus;
  vehicleIds: number[];
  orderIds: number[];
  options: PlanOptions;
  timeLimitSeconds: number;
  progress: PlanProgress | null;
  error: PlanError | null;
  totals: PlanTotals | null;
  createdBy: string;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  dispatchedAt: Date | null;
  /** The earlier plan of the day this one supersedes when it succeeds. */
  replacesPlanId: number | null;
}

export interface PlanDraft {
  depotId: number;
  date: string;
  vehicleIds: number[];
  orderIds: number[];
  options: PlanOptions;
  timeLimitSeconds: number;
  createdBy: string;
  replacesPlanId?: number;
}

/** `unroutable`: farther than the snapping radius from any road, or where no van can drive to and back. */
export type UnassignedRecordReason = UnassignedReason | 'order_changed' | 'unroutable';

export interface UnassignedRecord {
  orderId: number;
  reason: UnassignedRecordReason;
  /** With `unroutable`: metres to the nearest road, null when there is none within reach of the search. */
  distanceToRoadMeters?: number | null;
}
