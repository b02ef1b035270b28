/** Order endpoints beyond the order input itself: creation options, patches, lists, transitions, the timeline. */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time';
import { idQuerySchema, idSchema, patchOf } from './common';
import { demandSchema, geocodeAlternativeSchema, lonLatSchema, orderInputSchema, requireAddress, timeWindowInputSchema } from './orders';
import { geocodeConfidences, orderEventTypes, orderKinds, orderStatuses } from '../domain/model/order';
import { stopStatuses } from '../domain/model/route';

export const createOrderSchema = orderInputSchema
  .extend({
    source: z.string().trim().min(1).max(100).regex(/^[a-z0-9._-]+$/i, 'letters, digits, ".", "_" or "-"').default('api'),
    depotId: idSchema.optional().describe('Defaults to the only depot when there is exactly one (or the reservation\'s)'),
    timeWindows: orderInputSchema.shape.timeWindows.optional().describe('Required unless reservationId gives the window'),
    reservationId: z.string().trim().min(1).max(100).optional().describe('A window held with POST /slots/reserve: the order gets that window (each reservation once, before it expires)'),
    overrideCapacity: z
      .boolean()
      .default(false)
      .describe("timeWindows that are one of the depot's calendar windows take its capacity, and a full one is refused (409, reason full); true books it anyway, beyond capacity, and the order's timeline says so"),
  })
  .superRefine(requireAddress)
  .superRefine((input, context) => {
    if (input.reservationId === undefined && input.timeWindows === undefined) context.addIssue({ code: 'custom', path: ['timeWindows'], message: 'is required unless reservationId is given' });
    if (input.reservationId !== undefined && input.timeWindows !== undefined) context.addIssue({ code: 'custom', path: ['timeWindows'], message: 'must be left out with reservationId: the reservation gives the window' });
  });

export const orderPatchSchema = patchOf(orderInputSchema.omit({ externalRef: true })).extend({
  overrideCapacity: z.boolean().optional().describe("Moving the order into one of the depot's calendar windows takes its capacity, and a full one is refused (409, reason full); true books it anyway, beyond capacity, and the order's timeline says so"),
});

const statusList = z
  .string()
  .transform((text) => text.split(',').map((status) => status.trim()))
  .pipe(z.array(z.enum(orderStatuses)).min(1))
  .describe('One status or several, comma-separated');

export const orderListQuerySchema = z.object({
  status: statusList.optional(),
  depotId: idQuerySchema.optional(),
  vehicleId: idQuerySchema.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Text search: orders whose customer name, address, external ref or display id contain it (any case)'),
  date: z.iso.date().optional().describe('Local date YYYY-MM-DD: orders with a time window on that day'),
  timeZone: z
    .string()
    .refine(isValidTimeZone, { message: 'not an IANA time zone (e.g. Europe/Berlin)' })
    .optional()
    .describe("Time zone for date; when omitted the depot's (depotId, or the only depot), else UTC"),
});

export const transitionInputSchema = z.object({
  status: z.enum(orderStatuses),
  reason: z.string().trim().min(1).max(500).optional(),
});

export const rescheduleInputSchema = z.object({
  timeWindows: z.array(timeWindowInputSchema).min(1).max(10).describe('The new windows; they replace the old ones'),
  reason: z.string().trim().min(1).max(500).optional(),
  overrideCapacity: z.boolean().optional().describe("Moving the order into one of the depot's calendar windows takes its capacity, and a full one is refused (409, reason full); true books it anyway, beyond capacity, and the order's timeline says so"),
});

const amountsInputSchema = z.strictObject({
  weightKg: z.number().min(0).max(100_000).default(0),
  volumeL: z.number().min(0).max(100_000).default(0),
  items: z.number().int().min(0).max(100_000).default(0),
});

const somethingToCarry = (amounts: { weightKg: number; volumeL: number; items: number } | undefined) => !amounts || amounts.weightKg > 0 || amounts.volumeL > 0 || amounts.items > 0;

/**
 * A return (a pickup at the customer's address, brought back to the depot) or an exchange (the replacement delivered
 * and the original collected in one visit) of a delivered order.
 */
export const returnInputSchema = z
  .strictObject({
    kind: z.enum(['return', 'exchange']).default('return'),
    pickup: amountsInputSchema.optional().describe("What is collected; default: the delivered order's demand"),
    delivery: amountsInputSchema.optional().describe('Exchange only, required: what the van brings instead'),
    timeWindows: z.array(timeWindowInputSchema).min(1).max(10).optional().describe("Default: the depot's next working day, in the delivered order's time of day"),
    serviceSeconds: z.number().int().min(0).max(86_400).optional().describe("Default: the delivered order's"),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((input, context) => {
    if (input.kind === 'exchange' && !input.delivery) context.addIssue({ code: 'custom', path: ['delivery'], message: 'is required for an exchange: the amounts the van brings' });
    if (input.kind === 'return' && input.delivery) context.addIssue({ code: 'custom', path: ['delivery'], message: 'is only for an exchange; a return delivers nothing' });
    if (!somethingToCarry(input.pickup)) context.addIssue({ code: 'custom', path: ['pickup'], message: 'collects nothing: give a weight, volume or item count above 0' });
    if (!somethingToCarry(input.delivery)) context.addIssue({ code: 'custom', path: ['delivery'], message: 'delivers nothing: give a weight, volume or item count above 0' });
  });

/** At most this many orders move in one bulk transition. */
export const maxBulkTransition = 5000;

export const bulkTransitionInputSchema = z
  .object({
    orderIds: z.array(z.number().int().positive()).min(1).max(maxBulkTransition).optional(),
    filter: z
      .object({
        status: z.array(z.enum(orderStatuses)).min(1).optional(),
        depotId: z.number().int().positive().optional(),
      })
      .optional()
      .describe('Every order matching it (up to the limit), instead of orderIds'),
    status: z.enum(orderStatuses),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine((input) => (input.orderIds === undefined) !== (input.filter === undefined), { message: 'give either orderIds or filter', path: ['orderIds'] });

export const bulkTransitionResultSchema = z.object({
  moved: z.array(z.number().int()),
  /** Orders that could not move, each with why; the others moved. */
  refused: z.array(z.object({ orderId: z.number().int(), status: z.enum(orderStatuses).nullable(), message: z.string() })),
});

export const orderSchema = z.object({
  id: z.number().int(),
  displayId: z.string(),
  trackingCode: z.string().describe("The tracking link's code: an index, not the link (its secret is only returned when issued)"),
  source: z.string(),
  externalRef: z.string(),
  status: z.enum(orderStatuses),
  allowedTransitions: z.array(z.enum(orderStatuses)),
  depotId: z.number().int().nullable(),
  assignedVehicleId: z.number().int().nullable(),
  customerName: z.string(),
  customerPhone: z.string().nullable(),
  customerEmail: z.string().nullable(),
  addressText: z.string(),
  location: lonLatSchema,
  geocodeConfidence: z.enum(geocodeConfidences).describe('exact: a known address; street: the street is known, the number not, placed on it — confirm the pin; given: sent with the order'),
  geocodeAlternatives: z
    .array(geocodeAlternativeSchema)
    .describe('street only: other places the address may be (a same-named stretch the address cannot tell apart); confirming the pin (PATCH location) clears them'),
  timeWindows: z.array(z.object({ start: z.string(), end: z.string() })),
  serviceSeconds: z.number().int(),
  demand: demandSchema,
  priority: z.number().int(),
  requiredSkills: z.array(z.string()),
  notes: z.string().nullable(),
  kind: z.enum(orderKinds).describe('delivery; pickup: a return collected at the customer and brought to the depot; exchange: both in one visit'),
  pickup: demandSchema.nullable().describe('What the stop collects (pickup and exchange)'),
  returnOfOrderId: z.number().int().nullable().describe('A return or exchange: the delivered order it comes from'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Order' });

export const orderEventSchema = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  type: z.enum(orderEventTypes),
  actor: z.string(),
  fromStatus: z.enum(orderStatuses).nullable(),
  toStatus: z.enum(orderStatuses).nullable(),
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
}).meta({ id: 'OrderEvent' });

/** What the office sees of an order's delivery: its stop, the proof (signature and photo as data URLs) and the customer's rating. */
export const orderOutcomeSchema = z.object({
  stop: z.object({ id: z.number().int(), status: z.enum(stopStatuses), vehicleId: z.number().int(), serviceStart: z.string(), actualArrival: z.string().nullable(), completedAt: z.string().nullable() }).nullable(),
  proof: z
    .object({
      outcome: z.enum(['delivered', 'failed']),
      at: z.string(),
      actor: z.string(),
      recipientName: z.string().nullable(),
      failureReason: z.string().nullable(),
      note: z.string().nullable(),
      signature: z.string().nullable().describe('data: URL'),
      photo: z.string().nullable().describe('data: URL'),
    })
    .nullable(),
  rating: z.object({ stars: z.number().int(), comment: z.string().nullable(), ratedAt: z.string() }).nullable(),
  attempts: z
    .array(
      z.object({
        attempt: z.number().int(),
        stopId: z.number().int(),
        outcome: z.enum(['delivered', 'failed']),
        at: z.string(),
        actor: z.string(),
        recipientName: z.string().nullable(),
        failureReason: z.string().nullable(),
        note: z.string().nullable(),
        signature: z.boolean(),
        photo: z.boolean(),
      }),
    )
    .describe('Every attempt at the order, first first, each with its own outcome and proof (signature, photo: whether recorded)'),
}).meta({ id: 'OrderOutcome' });

export type CreateOrderInput = z.output<typeof createOrderSchema>;
export type OrderPatch = z.output<typeof orderPatchSchema>;
export type TransitionInput = z.output<typeof transitionInputSchema>;
export type RescheduleInput = z.output<typeof rescheduleInputSchema>;
export type ReturnInput = z.output<typeof returnInputSchema>;
export type BulkTransitionInput = z.output<typeof bulkTransitionInputSchema>;
export type OrderResponse = z.infer<typeof orderSchema>;

/** The tracking link's path, relative to the service: `/t/{code}.{secret}`. Only returned when it is issued. */
export const trackingLinkPathSchema = z.string().describe('The tracking link, `/t/{code}.{secret}` relative to the service; only returned when it is issued, keep it');

export const createdOrderSchema = orderSchema.extend({ trackingLink: trackingLinkPathSchema }).meta({ id: 'CreatedOrder' });
export type CreatedOrderResponse = z.infer<typeof createdOrderSchema>;

export const issuedTrackingLinkSchema = z
  .object({ code: z.string(), path: trackingLinkPathSchema, url: z.string().describe('The link with PUBLIC_URL, as messages carry it') })
  .meta({ id: 'IssuedTrackingLink' });
export type IssuedTrackingLinkResponse = z.infer<typeof issuedTrackingLinkSchema>;
export type OrderEventResponse = z.infer<typeof orderEventSchema>;
export type OrderOutcomeResponse = z.infer<typeof orderOutcomeSchema>;
