/** Depots on the wire. */
import { z } from 'zod';
import { defaultFailurePolicy, failureActions } from '../domain/failure-policy';
import { failureReasons } from '../domain/failure-reasons';
import { isValidTimeZone } from '../domain/time';
import { defaultSlotCalendar, weekdays, type SlotCalendar } from '../domain/model/slot-calendar';
import { clockTimeSchema, clockToSeconds, patchOf, secondsToClock } from './common';
import { lonLatSchema } from './orders';

const openingIntervalSchema = z
  .tuple([clockTimeSchema, clockTimeSchema])
  .refine(([open, close]) => !(clockToSeconds(open) >= clockToSeconds(close)), { message: 'opening time must be before closing time' }); // NaN (already reported as not HH:MM) passes

export const openingHoursSchema = z
  .partialRecord(z.enum(weekdays), z.array(openingIntervalSchema).max(4))
  .describe('Local opening intervals per weekday, e.g. { "mon": [["07:00", "20:00"]] }');

const slotWindowSchema = z
  .object({
    start: clockTimeSchema,
    end: clockTimeSchema,
    capacity: z.number().int().min(0).max(100_000).describe('orders the window takes; 0 offers it as full'),
  })
  .strict()
  .refine((window) => !(clockToSeconds(window.start) >= clockToSeconds(window.end)), { message: 'a window must start before it ends, inside the day', path: ['end'] });

export const slotCalendarSchema = z
  .object({
    windows: z
      .partialRecord(
        z.enum(weekdays),
        z
          .array(slotWindowSchema)
          .max(24)
          .superRefine((windows, context) => {
            const sorted = windows.map((window, index) => ({ index, start: clockToSeconds(window.start), end: clockToSeconds(window.end) })).sort((a, b) => a.start - b.start);
            for (let i = 1; i < sorted.length; i++) {
              if (sorted[i]!.start < sorted[i - 1]!.end) context.addIssue({ code: 'custom', path: [sorted[i]!.index, 'start'], message: `overlaps the window ${windows[sorted[i - 1]!.index]!.start}–${windows[sorted[i - 1]!.index]!.end}` });
            }
          }),
      )
      .describe('Local delivery windows per weekday, e.g. { "mon": [{ "start": "08:00", "end": "12:00", "capacity": 60 }] }'),
    cutoff: z
      .object({
        daysBefore: z.number().int().min(0).max(14),
        time: clockTimeSchema,
      })
      .strict()
      .describe('A day can be chosen until this local time, this many days before it (1 and "20:00": the evening before)'),
  })
  .strict()
  .meta({ id: 'SlotCalendar' });
export type SlotCalendarWire = z.output<typeof slotCalendarSchema>;

export function slotCalendarFromWire(wire: SlotCalendarWire): SlotCalendar {
  return {
    windows: Object.fromEntries(
      Object.entries(wire.windows).map(([day, windows]) => [day, windows!.map((window) => ({ startSeconds: clockToSeconds(window.start), endSeconds: clockToSeconds(window.end), capacity: window.capacity }))]),
    ),
    cutoff: { daysBefore: wire.cutoff.daysBefore, atSeconds: clockToSeconds(wire.cutoff.time) },
  };
}

export function slotCalendarToWire(calendar: SlotCalendar): SlotCalendarWire {
  return {
    windows: Object.fromEntries(
      Object.entries(calendar.windows).map(([day, windows]) => [day, windows!.map((window) => ({ start: secondsToClock(window.startSeconds), end: secondsToClock(window.endSeconds), capacity: window.capacity }))]),
    ),
    cutoff: { daysBefore: calendar.cutoff.daysBefore, time: secondsToClock(calendar.cutoff.atSeconds) },
  };
}
const reattemptWindowSchema = z
  .tuple([clockTimeSchema, clockTimeSchema])
  .refine(([open, close]) => !(clockToSeconds(open) >= clockToSeconds(close)), { message: 'the window must start before it ends' });

/** Partial on the way in: what is left out keeps its default (or, on a patch, its current value). */
export const failurePolicyInputSchema = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(10).optional().describe(`failed attempts after which the order returns to the depot (default ${defaultFailurePolicy.maxAttempts})`),
    actions: z
      .partialRecord(z.enum(failureReasons), z.enum(failureActions))
      .optional()
      .describe('per failure reason: `reattempt` on the next working day, or `return` to the depot'),
    reattemptWindow: reattemptWindowSchema.optional().describe('local window of a re-attempt for an order that had none'),
  })
  .describe('What a failed delivery leads to; see the README (failed deliveries)');

export const failurePolicySchema = z
  .object({
    maxAttempts: z.number().int(),
    actions: z.record(z.enum(failureReasons), z.enum(failureActions)),
    reattemptWindow: z.tuple([z.string(), z.string()]),
  })
  .meta({ id: 'FailurePolicy' });

const ringSchema = z
  .array(lonLatSchema)
  .min(4)
  .max(10_000)
  .refine((ring) => ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1], { message: 'a ring must end where it starts' });

export const serviceAreaSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: z.array(ringSchema).min(1).max(100) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ringSchema).min(1).max(100)).min(1).max(100) }),
  ])
  .describe('GeoJSON Polygon or MultiPolygon; orders outside are refused. null: the road network\'s extent')
  .meta({ id: 'ServiceArea' });

export const arrivingSoonSchema = z
  .object({
    minutes: z.number().int().min(0).max(240).describe('Minutes of live ETA before the stop; 0: not by time'),
    stops: z.number().int().min(0).max(50).describe('Stops left before this one; 0: not by stops'),
  })
  .strict()
  .describe('When the customer gets "arriving soon": whichever comes first. null: the service defaults (ARRIVING_SOON_MINUTES, ARRIVING_SOON_STOPS)')
  .meta({ id: 'ArrivingSoon' });

export const depotInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  location: lonLatSchema,
  address: z.string().trim().min(1).max(500),
  timeZone: z
    .string()
    .refine(isValidTimeZone, { message: 'not an IANA time zone (e.g. Europe/Berlin)' })
    .describe('IANA time zone, e.g. Europe/Berlin'),
  openingHours: openingHoursSchema.default({}),
  serviceArea: serviceAreaSchema.nullable().default(null),
  slotCalendar: slotCalendarSchema.default(slotCalendarToWire(defaultSlotCalendar)),
  arrivingSoon: arrivingSoonSchema.nullable().default(null),
  failurePolicy: failurePolicyInputSchema.optional(),
});

export const depotPatchSchema = patchOf(depotInputSchema);

export const depotSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  location: lonLatSchema,
  address: z.string(),
  timeZone: z.string(),
  openingHours: openingHoursSchema,
  serviceArea: serviceAreaSchema.nullable(),
  slotCalendar: slotCalendarSchema,
  arrivingSoon: arrivingSoonSchema.nullable(),
  failurePolicy: failurePolicySchema,
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Depot' });

export type DepotInput = z.output<typeof depotInputSchema>;
export type DepotPatch = z.output<typeof depotPatchSchema>;
export type DepotResponse = z.infer<typeof depotSchema>;
