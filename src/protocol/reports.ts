/** Reports on the wire: the slice every report takes, and each report's rows (docs/kpis.md defines them). */
import { z } from 'zod';
import { idQuerySchema } from './common';

const maxRangeDays = 366;
const dayMs = 86_400_000;

export const reportQuerySchema = z
  .object({
    from: z.iso.date().describe('First service day, YYYY-MM-DD (depot-local date of the promised window)'),
    to: z.iso.date().describe('Last service day, inclusive'),
    depotId: idQuerySchema.optional(),
    vehicleId: idQuerySchema.optional(),
    driverId: idQuerySchema.optional(),
    window: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a promised window HH:MM-HH:MM')
      .optional()
      .describe('Only orders promised this local window, HH:MM-HH:MM'),
    area: z
      .string()
      .regex(/^\d{5}$/, 'a five-digit postcode')
      .optional()
      .describe("Only orders whose address has this postcode"),
    format: z.enum(['json', 'csv']).optional().describe('csv: the table as text/csv (so does Accept: text/csv)'),
  })
  .superRefine((query, issues) => {
    if (query.from > query.to) issues.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if ((Date.parse(query.to) - Date.parse(query.from)) / dayMs >= maxRangeDays) issues.addIssue({ code: 'custom', path: ['to'], message: `a range of at most ${maxRangeDays} days` });
  });

export type ReportQuery = z.output<typeof reportQuerySchema>;

const rate = z.number().nullable().describe('0–1; null with nothing to count');
const minutes = z.number().nullable();
const spread = z.object({ count: z.number().int(), p50Minutes: minutes, p90Minutes: minutes });
const errorSpread = z.object({ count: z.number().int(), meanAbsoluteMinutes: minutes, p90AbsoluteMinutes: minutes });

export const reportSummarySchema = z
  .object({
    orders: z.number().int(),
    onTime: z.object({
      delivered: z.number().int(),
      onTime: z.number().int(),
      early: z.number().int(),
      late: z.number().int(),
      onTimeRate: rate,
      earlyMinutesMean: minutes,
      lateMinutesMean: minutes,
    }),
    firstAttempt: z.object({ attempted: z.number().int(), succeeded: z.number().int(), rate }),
    cycleTimes: z.object({ receivedToDelivered: spread, receivedToDispatched: spread, dispatchedToDelivered: spread }),
    etaErrors: z.object({ dispatched: errorSpread, live: errorSpread }),
    ratings: z.object({ count: z.number().int(), average: z.number().nullable(), distribution: z.array(z.object({ stars: z.number().int(), orders: z.number().int() })) }),
    costs: z.object({ routes: z.number().int(), plannedCost: z.number(), actualCost: z.number(), plannedCostPerOrder: z.number().nullable(), actualCostPerOrder: z.number().nullable() }),
  })
  .meta({ id: 'ReportSummary' });

export const dailyRowSchema = z.object({
  day: z.string(),
  orders: z.number().int(),
  delivered: z.number().int(),
  onTime: z.number().int(),
  early: z.number().int(),
  late: z.number().int(),
  onTimeRate: rate,
  firstAttemptRate: rate,
  dispatchedEtaMeanAbsoluteMinutes: minutes,
  dispatchedEtaP90AbsoluteMinutes: minutes,
  liveEtaMeanAbsoluteMinutes: minutes,
  liveEtaP90AbsoluteMinutes: minutes,
});

export const cycleTimeRowSchema = z.object({
  fromHours: z.number(),
  toHours: z.number().nullable().describe('null: open-ended last bucket'),
  receivedToDelivered: z.number().int(),
  receivedToDispatched: z.number().int(),
  dispatchedToDelivered: z.number().int(),
});

export const failureReasonRowSchema = z.object({ reason: z.string(), attempts: z.number().int(), share: z.number() });

export const vehicleCostRowSchema = z.object({
  vehicleId: z.number().int(),
  vehicleName: z.string(),
  routes: z.number().int(),
  plannedStops: z.number().int(),
  deliveredOrders: z.number().int(),
  plannedKm: z.number(),
  actualKm: z.number(),
  plannedCost: z.number(),
  actualCost: z.number(),
  plannedCostPerOrder: z.number().nullable(),
  actualCostPerOrder: z.number().nullable(),
});

export const routeRowSchema = z.object({
  routeId: z.number().int(),
  day: z.string(),
  vehicleId: z.number().int(),
  driverId: z.number().int().nullable(),
  plannedKm: z.number(),
  actualKm: z.number(),
  plannedHours: z.number(),
  actualHours: z.number(),
  plannedStops: z.number().int(),
  servedStops: z.number().int(),
  deliveredStops: z.number().int(),
  plannedCost: z.number(),
  actualCost: z.number(),
  actualCostPerOrder: z.number().nullable(),
  servedInOrder: z.boolean(),
  servedSequence: z.string().describe('planned sequence numbers in the order served, space-separated'),
});

export const ratingRowSchema = z.object({ stars: z.number().int(), orders: z.number().int() });
export const ratingCommentRowSchema = z.object({ orderId: z.number().int(), day: z.string(), stars: z.number().int(), comment: z.string() });

export const rowsOf = <T extends z.ZodType>(row: T) => z.object({ rows: z.array(row) });
