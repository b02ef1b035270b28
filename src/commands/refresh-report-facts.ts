/**
 * Rewrites the report facts of some orders and routes from what is stored about them. Facts are derived data, not
 * a state change: no order event is written, and writing them twice gives the same rows.
 */
import { orderFact, routeFact } from '../domain/reports/facts';
import { localDayRange } from '../domain/time';
import { trailSummary } from '../tracking/driven-distance';
import { inTransaction, type CommandContext } from './context';

export interface FactsToRefresh {
  orderIds: number[];
  routeIds: number[];
  /** Plans no longer dispatched (replaced, cancelled): their routes leave the reports. */
  droppedPlanIds?: number[];
}

export async function refreshReportFacts(context: CommandContext, work: FactsToRefresh): Promise<{ orders: number; routes: number }> {
  return inTransaction(context, async (repos) => {
    for (const planId of work.droppedPlanIds ?? []) await repos.reportFacts.deleteRouteFactsOfPlan(planId);
    const orders = (await repos.reportFacts.orderSources(work.orderIds)).map(orderFact);
    await repos.reportFacts.upsertOrderFacts(orders);
    const routes = [];
    for (const base of await repos.reportFacts.routeSources(work.routeIds)) {
      const [, dayEndEpoch] = localDayRange(base.planDate, base.timeZone);
      const trail = await trailSummary(repos, base.vehicleId, base.dispatchedAtEpoch, dayEndEpoch);
      routes.push(routeFact({ ...base, trail }));
    }
    await repos.reportFacts.upsertRouteFacts(routes);
    return { orders: orders.length, routes: routes.length };
  });
}
