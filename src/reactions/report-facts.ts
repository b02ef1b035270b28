/**
 * Keeps the report facts current as things happen: an order's status, new windows or rating → its order facts;
 * a stop served or failed, a plan dispatched or its routes recomputed → the route facts (and the orders on them);
 * a dispatched plan replaced or cancelled → its route facts go. Changes are gathered for a moment and written
 * in one batch, one batch at a time. At start, orders whose newest event is not in their facts yet (events
 * written while the service was down, or before this existed) and dispatched routes without facts catch up.
 */
import { reads, type CommandContext } from '../commands/context';
import { refreshReportFacts } from '../commands/refresh-report-facts';
import type { Logger } from '../logger';

const batchDelayMs = 200;
const catchUpBatch = 500;

export interface ReportFactsReaction {
  /** Catches up, then resolves; later changes follow the events. */
  start(): Promise<void>;
  /** Resolves once every change heard so far is written (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

export function keepReportFacts(context: CommandContext, log?: Logger): ReportFactsReaction {
  const repos = reads(context);
  const orderIds = new Set<number>();
  const stopIds = new Set<number>();
  const routeIds = new Set<number>();
  const planIds = new Set<number>();
  const droppedPlanIds = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const flush = async () => {
    timer = undefined;
    const take = <T>(set: Set<T>) => {
      const items = [...set];
      set.clear();
      return items;
    };
    const work = { orderIds: take(orderIds), stopIds: take(stopIds), routeIds: take(routeIds), planIds: take(planIds), droppedPlanIds: take(droppedPlanIds) };
    const routes = new Set([...work.routeIds, ...(await repos.reportFacts.routeIdsOfStops(work.stopIds))]);
    for (const planId of work.planIds) for (const id of await repos.reportFacts.routeIdsOfPlan(planId)) routes.add(id);
    await refreshReportFacts(context, { orderIds: work.orderIds, routeIds: [...routes], droppedPlanIds: work.droppedPlanIds });
  };

  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      running = running.then(flush).catch((error: unknown) => log?.error({ err: error }, 'report facts refresh failed'));
    }, batchDelayMs);
  };

  const mark = <T>(set: Set<T>, value: T) => {
    set.add(value);
    schedule();
  };

  const offs = [
    context.events.on('order.status_changed', ({ order }) => mark(orderIds, order.id)),
    context.events.on('order.rescheduled', ({ order }) => mark(orderIds, order.id)),
    context.events.on('order.rated', ({ orderId }) => mark(orderIds, orderId)),
    context.events.on('stop.status_changed', ({ stopId, orderId }) => {
      orderIds.add(orderId);
      mark(stopIds, stopId);
    }),
    context.events.on('plan.changed', ({ routeIds: changed }) => {
      for (const id of changed) routeIds.add(id);
      schedule();
    }),
    context.events.on('plan.status_changed', ({ planId, status }) => {
      if (status === 'dispatched') mark(planIds, planId);
      else if (status === 'superseded' || status === 'cancelled') mark(droppedPlanIds, planId);
    }),
  ];

  const catchUp = async () => {
    for (;;) {
      const stale = await repos.reportFacts.staleOrderIds(catchUpBatch);
      const routes = await repos.reportFacts.routeIdsWithoutFacts(catchUpBatch);
      if (stale.length === 0 && routes.length === 0) return;
      await refreshReportFacts(context, { orderIds: stale, routeIds: routes });
      if (stale.length < catchUpBatch && routes.length < catchUpBatch) return;
    }
  };

  return {
    async start() {
      running = running.then(catchUp);
      await running;
    },
    async idle() {
      while (timer || orderIds.size || stopIds.size || routeIds.size || planIds.size || droppedPlanIds.size) {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
          running = running.then(flush).catch((error: unknown) => log?.error({ err: error }, 'report facts refresh failed'));
        }
        await running;
      }
      await running;
    },
    stop() {
      stopped = true;
      for (const off of offs) off();
    },
  };
}
