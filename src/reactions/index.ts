/**
 * Everything that runs because something happened, in one place:
 * - a plan was queued → `plan-runs.ts` computes it in the solver pool and stores the result (storePlanResult);
 * - an order on a route was cancelled → `cancelled-orders.ts` removes its stop (editPlan);
 * - a vehicle moved → `live-etas.ts` detects arrival by geofence (arriveAtStop), recomputes the remaining ETAs
 *   (recordLiveEtas) and says when stops turn late or the vehicle leaves its road or the network;
 * - late stops, a vehicle off its road or off the network, a failed order, a plan's unassigned orders →
 *   `alerts.ts` raises, updates and resolves the stored alerts (raiseAlert, resolveAlert).
 * - an outbox message is due → `outbox-sender.ts` sends it by e-mail, SMS or webhook, with retries.
 * - an order or a route changed in a way reports count → `report-facts.ts` rewrites its report facts
 *   (refreshReportFacts).
 * Each calls commands; nothing below commands/ does.
 */
import type { InsertionDeps } from '../commands/insert-live-order';
import type { Logger } from '../logger';
import type { Channel } from '../notifications/channel';
import type { ChannelName } from '../domain/model/notification';
import type { SolverRunner } from '../solving/runner';
import { raiseAndResolveAlerts } from './alerts';
import { removeCancelledStops } from './cancelled-orders';
import { EtaEngine } from './live-etas';
import { OutboxSender } from './outbox-sender';
import { PlanQueue } from './plan-runs';
import type { ArrivingSoonRule } from '../domain/model/fleet';
import { keepReportFacts, type ReportFactsReaction } from './report-facts';

export interface ReactionsDeps extends InsertionDeps {
  solver: SolverRunner;
  /** Only this process uses the database (PGlite): plan runs left running at start-up are orphans. */
  exclusiveDatabase: boolean;
  /** The configured notification channels; messages of the others are composed and kept. */
  channels: Partial<Record<ChannelName, Channel>>;
  /** OUTBOX_LEASE_SECONDS. */
  outboxLeaseSeconds?: number;
  /** PLAN_LEASE_SECONDS / PLAN_HEARTBEAT_SECONDS; the defaults when absent. */
  planLease?: { leaseSeconds: number; heartbeatSeconds: number };
  /** The arriving-soon rule of depots without their own (ARRIVING_SOON_MINUTES / _STOPS). */
  arrivingSoon?: ArrivingSoonRule;
  log: Logger;
}

export interface Reactions {
  planRuns: PlanQueue;
  outbox: OutboxSender;
  reportFacts: ReportFactsReaction;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createReactions(deps: ReactionsDeps): Reactions {
  const { context, routing, positions, solver, log } = deps;
  const planRuns = new PlanQueue({ context, solver, routing, exclusiveDatabase: deps.exclusiveDatabase, ...deps.planLease, log });
  const stopRemoving = removeCancelledStops({ context, routing, positions }, log);
  const etaEngine = new EtaEngine(context, routing, log, deps.arrivingSoon ? { arrivingSoon: deps.arrivingSoon } : {});
  const alerts = raiseAndResolveAlerts(context, log);
  const outbox = new OutboxSender({ context, channels: deps.channels, exclusiveDatabase: deps.exclusiveDatabase, ...(deps.outboxLeaseSeconds ? { leaseSeconds: deps.outboxLeaseSeconds } : {}), log });
  const reportFacts = keepReportFacts(context, log);
  // Status changes and reschedules committed messages: send them now rather than at the next poll.
  const wakeOutbox = [context.events.on('order.status_changed', () => outbox.wake()), context.events.on('order.rescheduled', () => outbox.wake()), context.events.on('order.arriving_soon', () => outbox.wake())];
  return {
    planRuns,
    outbox,
    reportFacts,
    async start() {
      await planRuns.start();
      outbox.start();
      // In the background: a long history must not hold up the start; reports fill in as it catches up.
      void reportFacts.start().catch((error: unknown) => log.error({ err: error }, 'report facts catch-up failed'));
    },
    async stop() {
      stopRemoving();
      etaEngine.close();
      for (const off of wakeOutbox) off();
      await Promise.all([planRuns.stop(), outbox.stop()]);
      // After the last plan run: its unassigned orders are still alerted.
      alerts.stop();
      await alerts.idle();
      reportFacts.stop();
      await reportFacts.idle();
    },
  };
}
