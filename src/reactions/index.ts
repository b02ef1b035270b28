/**
 * Everything that runs because something happened, in one place:
 * - a plan was queued → `plan-runs.ts` computes it in the solver pool and stores the result (storePlanResult);
 * - an order on a route was cancelled → `cancelled-orders.ts` removes its stop (editPlan);
 * - a vehicle moved → `live-etas.ts` detects arrival by geofence (arriveAtStop), recomputes the remaining ETAs
 *   (recordLiveEtas) and says when stops turn late or the vehicle leaves its road or the network;
 * - late stops, a vehicle off its road or off the network, a failed order, a plan's unassigned orders →
 *   `alerts.ts` raises, updates and resolves the stored alerts (raiseAlert, resolveAlert).
 * Each calls commands; nothing below commands/ does.
 */
import type { InsertionDeps } from '../commands/insert-live-order';
import type { Logger } from '../logger';
import type { SolverRunner } from '../solving/runner';
import { raiseAndResolveAlerts } from './alerts';
import { removeCancelledStops } from './cancelled-orders';
import { EtaEngine } from './live-etas';
import { PlanQueue } from './plan-runs';

export interface ReactionsDeps extends InsertionDeps {
  solver: SolverRunner;
  /** Only this process uses the database (PGlite): plan runs left running at start-up are orphans. */
  exclusiveDatabase: boolean;
  log: Logger;
}

export interface Reactions {
  planRuns: PlanQueue;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createReactions(deps: ReactionsDeps): Reactions {
  const { context, routing, positions, solver, log } = deps;
  const planRuns = new PlanQueue({ context, solver, routing, exclusiveDatabase: deps.exclusiveDatabase, log });
  const stopRemoving = removeCancelledStops({ context, routing, positions }, log);
  const etaEngine = new EtaEngine(context, routing, log);
  const alerts = raiseAndResolveAlerts(context, log);
  return {
    planRuns,
    start: () => planRuns.start(),
    async stop() {
      stopRemoving();
      etaEngine.close();
      await planRuns.stop();
      // After the last plan run: its unassigned orders are still alerted.
      alerts.stop();
      await alerts.idle();
    },
  };
}
