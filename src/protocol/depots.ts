/** Depots on the wire. */
import { z } from 'zod';
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
  arrivingSoon: arrivingSoonSchema.nullable().default(null),
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
  arrivingSoon: arrivingSoonSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Depot' });

export type DepotInput = z.output<typeof depotInputSchema>;
export type DepotPatch = z.output<typeof depotPatchSchema>;
export type DepotResponse = z.infer<typeof depotSchema>;
