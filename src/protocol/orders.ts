/**
 * The order as integrators send it (POST /api/v1/orders, JSON import rows) and its normalized draft.
 * CSV and GeoJSON rows are mapped onto this same schema, so every path validates an order one way.
 */
import { z } from 'zod';
import type { LonLat } from '../domain/model/geometry';
import type { GeocodeAlternative, GeocodeConfidence, OrderDraft } from '../domain/model/order';
import { toE164 } from '../domain/phone';

export const lonLatSchema = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .describe('[longitude, latitude] in WGS84 degrees');

export const geocodeAlternativeSchema = z
  .object({ addressText: z.string(), location: lonLatSchema })
  .describe('Another place the address may be, as the map names it')
  .meta({ id: 'GeocodeAlternative' });

const isoDateTime = z.iso.datetime({ offset: true }).describe('ISO 8601 with offset, e.g. 2026-11-24T09:00:00+01:00');

export const timeWindowInputSchema = z
  .object({ start: isoDateTime, end: isoDateTime })
  .refine((window) => Date.parse(window.start) < Date.parse(window.end), { message: 'start must be before end', path: ['end'] });

export const demandSchema = z.object({
  weightKg: z.number().min(0).max(100_000).default(0),
  volumeL: z.number().min(0).max(100_000).default(0),
  items: z.number().int().min(0).max(100_000).default(1),
});

export const structuredAddressSchema = z
  .object({
    street: z.string().trim().min(1).max(200),
    houseNumber: z.string().trim().min(1).max(20).optional(),
    postcode: z.string().trim().min(1).max(20).optional(),
    city: z.string().trim().min(1).max(200).optional(),
  })
  .describe('The address as fields; geocoded when location is absent');

const skillSchema = z.string().trim().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, "_" or "-"');

export const orderInputSchema = z.object({
  externalRef: z.string().trim().min(1).max(200),
  customerName: z.string().trim().min(1).max(200),
  customerPhone: z
    .string()
    .trim()
    .max(50)
    .nullish()
    .transform((value, ctx) => {
      if (!value) return null;
      const e164 = toE164(value);
      if (!e164) ctx.addIssue({ code: 'custom', message: 'is not a valid phone number (international +49 6221 …, or a German number)' });
      return e164 ?? value;
    })
    .describe('Normalised to E.164 (+496221123456); numbers without a country code are German'),
  customerEmail: z.email().max(320).nullish(),
  addressText: z.string().trim().min(1).max(500).optional().describe('The address as one line; required unless address is given'),
  address: structuredAddressSchema.optional(),
  location: lonLatSchema.optional().describe('Geocoded from the address when absent; the response says how (geocodeConfidence)'),
  timeWindows: z.array(timeWindowInputSchema).min(1).max(10),
  serviceSeconds: z.number().int().min(0).max(86_400).default(300),
  demand: demandSchema.default({ weightKg: 0, volumeL: 0, items: 1 }),
  priority: z.number().int().min(0).max(100).default(0),
  requiredSkills: z.array(skillSchema).max(20).default([]),
  notes: z.string().max(2000).nullish(),
});

/** An order needs an address: one line, fields, or both. */
export function requireAddress(input: { addressText?: string; address?: unknown }, context: z.RefinementCtx): void {
  if (input.addressText === undefined && input.address === undefined) {
    context.addIssue({ code: 'custom', path: ['addressText'], message: 'is required: the address as one line (addressText) or as fields (address)' });
  }
}

/** orderInputSchema with its cross-field rule; the plain object stays extendable. */
export const checkedOrderInputSchema = orderInputSchema.superRefine(requireAddress);

export type OrderInput = z.input<typeof orderInputSchema>;
export type OrderInputParsed = z.output<typeof orderInputSchema>;
export type StructuredAddress = z.output<typeof structuredAddressSchema>;

/** Where the order is and how that was found out: sent with it, or geocoded from its address. */
export interface OrderPlacement {
  addressText: string;
  location: LonLat;
  geocodeConfidence: GeocodeConfidence;
  /** `street` only: the other places the address may be; empty otherwise. */
  geocodeAlternatives: GeocodeAlternative[];
}

export function toOrderDraft(source: string, input: OrderInputParsed, placement: OrderPlacement): OrderDraft {
  return {
    source,
    externalRef: input.externalRef,
    customerName: input.customerName,
    customerPhone: input.customerPhone ?? null,
    customerEmail: input.customerEmail ?? null,
    addressText: placement.addressText,
    location: placement.location,
    geocodeConfidence: placement.geocodeConfidence,
    geocodeAlternatives: placement.geocodeAlternatives,
    timeWindows: input.timeWindows
      .map((window) => ({ startEpochSeconds: Date.parse(window.start) / 1000, endEpochSeconds: Date.parse(window.end) / 1000 }))
      .sort((a, b) => a.startEpochSeconds - b.startEpochSeconds),
    serviceSeconds: input.serviceSeconds,
    demand: input.demand,
    priority: input.priority,
    requiredSkills: [...new Set(input.requiredSkills.map((skill) => skill.toLowerCase()))].sort(),
    notes: input.notes ?? null,
  };
}
