/**
 * A re-planning proposal: how a plan under way would change if the stops not yet started (and the day's new
 * orders) were planned again across the vans still on shift. Kept until accepted, discarded or expired; it applies
 * only to the plan version it was computed on.
 */
import type { UnassignedRecord } from './plan';

export type ProposalStatus = 'open' | 'accepted' | 'discarded';

/** The pending remainder one vehicle would drive, in order; locked stops stay locked. */
export interface ProposedRoute {
  vehicleId: number;
  orderIds: number[];
  lockedOrderIds: number[];
}

export interface ProposalTotals {
  distanceMeters: number;
  /** Driving, service and waiting of every route, done part included. */
  durationSeconds: number;
  /** Stops (pending or done) whose service starts after their window. */
  lateStops: number;
  stops: number;
  unassigned: number;
}

/** What changes for one vehicle. */
export interface VehicleChanges {
  vehicleId: number;
  /** The van had no route in the plan and gets one. */
  newRoute: boolean;
  movedIn: { orderId: number; fromVehicleId: number }[];
  movedOut: { orderId: number; toVehicleId: number }[];
  /** Orders new to the plan. */
  added: number[];
  /** Taken off the plan (back to ready), with the solver's reason. */
  removed: { orderId: number; reason: string }[];
  /** Stops kept on the van whose place in its order changed. */
  reordered: number[];
  before: Omit<ProposalTotals, 'unassigned'>;
  after: Omit<ProposalTotals, 'unassigned'>;
}

export interface ReplanProposal {
  id: number;
  planId: number;
  planVersion: number;
  status: ProposalStatus;
  createdBy: string;
  createdAtEpoch: number;
  expiresAtEpoch: number;
  routes: ProposedRoute[];
  /** Orders of the day that stay out of every route, with the solver's reason. */
  unassigned: UnassignedRecord[];
  /** Vans left as they are because their shift is over. */
  offShiftVehicleIds: number[];
  changes: VehicleChanges[];
  totals: { before: ProposalTotals; after: ProposalTotals };
}

export type ProposalDraft = Omit<ReplanProposal, 'id' | 'status'>;
