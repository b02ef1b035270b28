/** KPIs and reports over the report facts (docs/kpis.md): JSON, or CSV with ?format=csv or Accept: text/csv. */
import type { z } from 'zod';
import { reads, type CommandContext } from '../../commands/context';
import * as kpis from '../../domain/reports/kpis';
import type { ReportSlice } from '../../domain/reports/slice';
import {
  cycleTimeRowSchema,
  dailyRowSchema,
  failureReasonRowSchema,
  ratingCommentRowSchema,
  ratingRowSchema,
  reportQuerySchema,
  reportSummarySchema,
  routeRowSchema,
  rowsOf,
  vehicleCostRowSchema,
  type ReportQuery,
} from '../../protocol/reports';
import { flatten, sendCsv, toCsv, wantsCsv } from '../csv';
import type { ApiRouter } from '../endpoint';
import { apiMount, type Mount } from '../mount';

const office = ['admin', 'dispatcher'] as const;

const sliceOf = (query: ReportQuery): ReportSlice => ({
  from: query.from,
  to: query.to,
  depotId: query.depotId,
  vehicleId: query.vehicleId,
  driverId: query.driverId,
  window: query.window,
  area: query.area,
});

const sliceDescription = 'Slices: service days from–to, depot, vehicle, driver, promised window (HH:MM-HH:MM) and customer area (postcode).';

function declare(api: ApiRouter, context: CommandContext): void {
  const repos = reads(context).reportFacts;

  /** One table report: rows from the slice's facts, JSON or CSV. */
  const table = <Row extends Record<string, unknown>>(
    path: string,
    operationId: string,
    summary: string,
    row: z.ZodType,
    rows: (slice: ReportSlice) => Promise<Row[]>,
  ) =>
    api.endpoint(
      { method: 'get', path: `/reports/${path}`, operationId, summary, description: sliceDescription, tag: 'reports', roles: office, query: reportQuerySchema, response: rowsOf(row), csv: true },
      async ({ query, req, res }) => {
        const result = await rows(sliceOf(query));
        if (wantsCsv(req, query.format)) return sendCsv(res, `${path}-${query.from}-${query.to}`, toCsv(result, Object.keys((row as z.ZodObject).shape)));
        return { rows: result };
      },
    );

  api.endpoint(
    {
      method: 'get',
      path: '/reports/summary',
      operationId: 'reportSummary',
      summary: 'The KPIs of a slice: on time (early, late), first attempt, cycle times, ETA errors, ratings, cost per order',
      description: `${sliceDescription} CSV: one metric,value line per number.`,
      tag: 'reports',
      roles: office,
      query: reportQuerySchema,
      response: reportSummarySchema,
      csv: true,
    },
    async ({ query, req, res }) => {
      const slice = sliceOf(query);
      const [aggregate] = await repos.orderAggregates(slice, false);
      const result = kpis.summary(aggregate!, await repos.routeFacts(slice));
      if (wantsCsv(req, query.format)) return sendCsv(res, `summary-${query.from}-${query.to}`, toCsv(flatten(result), ['metric', 'value']));
      return result;
    },
  );
  table('daily', 'reportDaily', 'Per service day: orders, on time, early, late, first-attempt rate, ETA errors (the on-time trend)', dailyRowSchema, async (slice) =>
    (await repos.orderAggregates(slice, true)).map(kpis.dailyRow),
  );
  table('cycle-times', 'reportCycleTimes', 'Cycle-time distribution: orders per bucket of hours, received→delivered, received→dispatched, dispatched→delivered', cycleTimeRowSchema, async (slice) =>
    kpis.cycleTimeRows(await repos.cycleHistogram(slice)),
  );
  table('failure-reasons', 'reportFailureReasons', 'Failed attempts by reason, most frequent first', failureReasonRowSchema, async (slice) => kpis.failureReasonRows(await repos.failureReasonCounts(slice)));
  table('vehicles', 'reportVehicleCosts', 'Cost per order by van, planned and actual (GPS km, hours on shift)', vehicleCostRowSchema, async (slice) => {
    const routes = await repos.routeFacts(slice);
    return kpis.vehicleRows(routes, await repos.vehicleNames([...new Set(routes.map((route) => route.vehicleId))]));
  });
  table('routes', 'reportRoutes', 'Planned vs actual per route: km, hours, stops, cost, the order stops were served in', routeRowSchema, async (slice) => kpis.routeRows(await repos.routeFacts(slice)));
  table('ratings', 'reportRatings', 'Customer ratings: orders per number of stars', ratingRowSchema, async (slice) => kpis.ratingDistribution((await repos.orderAggregates(slice, false))[0]!));
  table('rating-comments', 'reportRatingComments', "Customers' comments with their rating", ratingCommentRowSchema, async (slice) => repos.ratingComments(slice));
}

export function reportsMount(context: CommandContext): Mount {
  return apiMount((api) => declare(api, context));
}
