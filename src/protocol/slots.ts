/** The delivery promise at checkout on the wire: quotes, reservations, and how full the depot's windows are. */
import { z } from 'zod';
import { priceClasses, unavailableReasons } from '../domain/model/slot-calendar';
import { clockTimeSchema, idSchema } from './common';
import { demandSchema, lonLatSchema, structuredAddressSchema } from './orders';

export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD')
  .refine((date) => !Number.isNaN(Date.parse(date)) && new Date(Date.parse(date)).toISOString().slice(0, 10) === date, { message: 'not a calendar date' });

/** How far ahead a quote looks, and the most dates one asks for. */
export const maxQuoteDays = 28;

const skillSchema = z.string().trim().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, "_" or "-"');

/** Where the order goes and what it needs: the same fields an order has, named as a checkout knows them. */
const checkoutOrderShape = {
  depotId: idSchema,
  location: lonLatSchema.optional().describe('Where to deliver; geocoded from address or addressText when absent'),
  address: structuredAddressSchema.optional(),
  addressText: z.string().trim().min(1).max(500).optional().describe('The address as one line'),
  serviceSeconds: z.number().int().min(0).max(86_400).default(300),
  amounts: demandSchema.default({ weightKg: 0, volumeL: 0, items: 1 }),
  skills: z.array(skillSchema).max(20).default([]),
};

function requirePlace(input: { location?: unknown; address?: unknown; addressText?: unknown }, context: z.RefinementCtx): void {
  if (input.location === undefined && input.address === undefined && input.addressText === undefined) {
    context.addIssue({ code: 'custom', path: ['location'], message: 'is required: a location [lon, lat], an address or an addressText' });
  }
}

export const slotQuoteInputSchema = z
  .strictObject({
    ...checkoutOrderShape,
    dates: z.array(localDateSchema).min(1).max(maxQuoteDays).optional().describe('Local dates to quote'),
    dateRange: z
      .strictObject({ from: localDateSchema, to: localDateSchema })
      .refine((range) => range.from <= range.to, { message: 'must not end before it starts', path: ['to'] })
      .refine((range) => Date.parse(range.to) - Date.parse(range.from) < maxQuoteDays * 86_400_000, { message: `at most ${maxQuoteDays} days`, path: ['to'] })
      .optional()
      .describe('Every local date from `from` to `to`, both included'),
  })
  .superRefine(requirePlace)
  .superRefine((input, context) => {
    if ((input.dates === undefined) === (input.dateRange === undefined)) context.addIssue({ code: 'custom', path: ['dates'], message: 'give either dates or dateRange' });
  })
  .meta({ id: 'SlotQuoteInput' });
export type SlotQuoteInput = z.output<typeof slotQuoteInputSchema>;

export const slotReserveInputSchema = z
  .strictObject({ ...checkoutOrderShape, date: localDateSchema, start: clockTimeSchema, end: clockTimeSchema })
  .superRefine(requirePlace)
  .meta({ id: 'SlotReserveInput' });
export type SlotReserveInput = z.output<typeof slotReserveInputSchema>;

const marginalSchema = z
  .object({
    extraDrivingMinutes: z.number().describe('The detour: how much more the van drives, minutes (one decimal); the price class is judged on it'),
    extraKm: z.number().describe('How much farther the van drives, km (two decimals)'),
    extraDrivingSeconds: z.number().describe('extraDrivingMinutes in whole seconds'),
    extraMeters: z.number().describe('extraKm in whole metres'),
    extraWaitingSeconds: z.number().describe('More waiting for windows to open along the route; negative when the new stop fills a wait'),
    extraWorkingSeconds: z.number().describe("How much longer the van's day gets: driving, waiting, the stop's service and any break it moves into the day"),
    cost: z.number().describe("The route's cost after minus before, as the planner costs routes"),
  })
  .meta({ id: 'SlotMarginalCost' });

const windowFields = {
  start: z.string().describe('Local time HH:MM'),
  end: z.string().describe('Local time HH:MM (24:00: midnight at its end)'),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number().int(),
  promised: z.number().int().describe('Orders in the window'),
  held: z.number().int().describe('Reservations holding it now'),
};

export const slotQuoteSchema = z
  .object({
    depotId: z.number().int(),
    timeZone: z.string(),
    location: lonLatSchema,
    dates: z.array(
      z.object({
        date: z.string(),
        windows: z.array(
          z.object({
            ...windowFields,
            cutoffAt: z.string().describe('Until when the window can be promised'),
            available: z.boolean(),
            reason: z.enum(unavailableReasons).nullable().describe('Why not, when not available'),
            marginal: marginalSchema.nullable(),
            priceClass: z.enum(priceClasses).nullable().describe('green: a van already nearby takes it; standard: a longer detour; new_van: only a van with no stops yet'),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'SlotQuote' });
export type SlotQuoteResponse = z.infer<typeof slotQuoteSchema>;

export const slotReservationSchema = z
  .object({
    id: z.string().describe('Send it as reservationId with POST /orders'),
    depotId: z.number().int(),
    date: z.string(),
    start: z.string(),
    end: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    expiresAt: z.string().describe('Until then the window is held; afterwards its capacity is free again'),
    marginal: marginalSchema,
    priceClass: z.enum(priceClasses),
  })
  .meta({ id: 'SlotReservation' });
export type SlotReservationResponse = z.infer<typeof slotReservationSchema>;

export const slotLoadsQuerySchema = z
  .strictObject({
    from: localDateSchema.optional().describe("First local date; the depot's today when absent"),
    days: z.coerce.number().int().min(1).max(maxQuoteDays).default(7),
  })
  .meta({ id: 'SlotLoadsQuery' });

export const slotLoadsSchema = z
  .object({
    depotId: z.number().int(),
    timeZone: z.string(),
    dates: z.array(z.object({ date: z.string(), cutoffAt: z.string(), windows: z.array(z.object(windowFields)) })),
  })
  .meta({ id: 'SlotLoads' });
export type SlotLoadsResponse = z.infer<typeof slotLoadsSchema>;
