/** A customer's view of their delivery by tracking token (GET /api/v1/track/:token), and the rating they may give. */
import { z } from 'zod';
import { orderStatuses } from '../domain/model/order';
import { clockTimeSchema } from './common';
import { stopTimesSchema } from './stop-times';

/** Absent or empty text: none. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((text) => (text ? text : null));

export const deliveryInstructionsInputSchema = z
  .object({
    gateCode: optionalText(32).describe('The code of the gate or door'),
    safePlace: optionalText(200).describe('Where the parcel may be left when nobody answers'),
    leaveWithNeighbour: z.boolean().default(false),
    neighbourName: optionalText(100).describe('Needed when leaveWithNeighbour'),
    note: optionalText(500).describe('Anything else for the driver'),
  })
  .strict()
  .superRefine((input, context) => {
    if (input.leaveWithNeighbour && !input.neighbourName) context.addIssue({ code: 'custom', path: ['neighbourName'], message: 'name the neighbour to leave it with' });
  })
  .meta({ id: 'DeliveryInstructionsInput' });
export type DeliveryInstructionsInput = z.output<typeof deliveryInstructionsInputSchema>;

export const deliveryInstructionsSchema = z
  .object({ gateCode: z.string().nullable(), safePlace: z.string().nullable(), leaveWithNeighbour: z.boolean(), neighbourName: z.string().nullable(), note: z.string().nullable() })
  .meta({ id: 'DeliveryInstructions' });

export const slotsQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(28).default(7).describe('How many days from today') }).strict();

export const trackingSlotsSchema = z
  .object({
    timeZone: z.string(),
    current: z.object({ start: z.string(), end: z.string() }).nullable().describe('The window the order is promised for now'),
    slots: z.array(
      z.object({
        date: z.string().describe('Local date YYYY-MM-DD'),
        start: z.string().describe('Local time HH:MM'),
        end: z.string().describe('Local time HH:MM'),
        startsAt: z.string(),
        endsAt: z.string(),
        full: z.boolean().describe('Offered but taken: it cannot be chosen'),
        current: z.boolean().describe('The window the order is in now'),
      }),
    ),
  })
  .meta({ id: 'TrackingSlots' });
export type TrackingSlots = z.infer<typeof trackingSlotsSchema>;

export const slotChoiceSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD')
      .refine((date) => !Number.isNaN(Date.parse(date)) && new Date(Date.parse(date)).toISOString().slice(0, 10) === date, { message: 'not a calendar date' }),
    start: clockTimeSchema,
    end: clockTimeSchema,
  })
  .strict()
  .meta({ id: 'SlotChoice' });
export type SlotChoice = z.output<typeof slotChoiceSchema>;

export const returnRequestSchema = z
  .object({ reason: z.string().trim().min(1, 'say why').max(500, 'at most 500 characters') })
  .strict()
  .meta({ id: 'ReturnRequest' });
export type ReturnRequest = z.output<typeof returnRequestSchema>;

export const trackingViewSchema = z
  .object({
    displayId: z.string(),
    status: z.enum(orderStatuses),
    timeline: z.array(z.object({ status: z.enum(orderStatuses), at: z.string(), reason: z.string().nullable() })),
    promisedWindow: z.object({ start: z.string(), end: z.string() }).nullable(),
    times: stopTimesSchema.nullable().describe('Expected service start and delay while the delivery is to come, the actual time once done; null before it is planned'),
    close: z.boolean(),
    stopsBefore: z.number().int().nullable().describe('Only when the driver is close'),
    driverLocation: z.tuple([z.number(), z.number()]).nullable().describe('[lon, lat], only when the driver is close'),
    destination: z.tuple([z.number(), z.number()]),
    proof: z
      .object({ outcome: z.enum(['delivered', 'failed']), at: z.string(), recipientName: z.string().nullable(), signed: z.boolean(), photographed: z.boolean(), failureReason: z.string().nullable() })
      .nullable(),
    expiresAt: z.string().nullable(),
    rating: z.object({ stars: z.number().int(), comment: z.string().nullable() }).nullable(),
    instructions: deliveryInstructionsSchema.nullable().describe('What the customer asked the driver, as they gave it'),
    returnRequested: z.object({ at: z.string(), reason: z.string() }).nullable().describe('The return the customer asked for, once asked'),
    actions: z
      .object({
        instructions: z.boolean().describe('Delivery instructions may be given or changed'),
        reschedule: z.boolean().describe('Another window or date may be chosen (GET …/slots)'),
        rate: z.boolean(),
        requestReturn: z.boolean(),
      })
      .describe('What the customer may do now'),
  })
  .meta({ id: 'TrackingView' });
export type TrackingView = z.infer<typeof trackingViewSchema>;

export const ratingInputSchema = z
  .object({
    stars: z.number().int().min(1).max(5),
    comment: z.string().trim().max(1000).optional(),
  })
  .strict();
export type RatingInput = z.infer<typeof ratingInputSchema>;
