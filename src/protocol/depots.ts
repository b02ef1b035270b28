/** Depots on the wire. */
import { z } from 'zod';
import { defaultFailurePolicy, failureActions } from '../domain/failure-policy';
import { failureReasons } from '../domain/failure-reasons';
import { isValidTimeZone } from '../domain/time';
import { clockTimeSchema, clockToSeconds, patchOf } from './common';
import { lonLatSchema } from './orders';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const openingIntervalSchema = z
  .tuple([clockTimeSchema, clockTimeSchema])
  .refine(([open, close]) => !(clockToSeconds(open) >= clockToSeconds(close)), { message: 'opening time must be before closing time' }); // NaN (already reported as not HH:MM) passes

export const openingHoursSchema = z
  .partialRecord(z.enum(weekdays), z.array(openingIntervalSchema).max(4))
  .describe('Local opening intervals per weekday, e.g. { "mon": [["07:00", "20:00"]] }');

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
  failurePolicy: failurePolicySchema,
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Depot' });

export type DepotInput = z.output<typeof depotInputSchema>;
export type DepotPatch = z.output<typeof depotPatchSchema>;
export type DepotResponse = z.infer<typeof depotSchema>;
