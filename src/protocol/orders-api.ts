/** Order endpoints beyond the order input itself: creation options, patches, lists, transitions, the timeline. */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time';
import { idQuerySchema, idSchema, patchOf } from './common';
import { demandSchema, lonLatSchema, orderInputSchema, requireAddress } from './orders';
import { geocodeConfidences, orderStatuses } from '../domain/model/order';

export const createOrderSchema = orderInputSchema
  .extend({
    source: z.string().trim().min(1).max(100).regex(/^[a-z0-9._-]+$/i, 'letters, digits, ".", "_" or "-"').default('api'),
    depotId: idSchema.optional().describe('Defaults to the only depot when there is exactly one'),
  })
  .superRefine(requireAddress);

export const orderPatchSchema = patchOf(orderInputSchema.omit({ externalRef: true }));

const statusList = z
  .string()
  .transform((text) => text.split(',').map((status) => status.trim()))
  .pipe(z.array(z.enum(orderStatuses)).min(1))
  .describe('One status or several, comma-separated');

export const orderListQuerySchema = z.object({
  status: statusList.optional(),
  depotId: idQuerySchema.optional(),
  vehicleId: idQuerySchema.optional(),
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

export const orderSchema = z.object({
  id: z.number().int(),
  displayId: z.string(),
  trackingToken: z.string(),
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
  timeWindows: z.array(z.object({ start: z.string(), end: z.string() })),
  serviceSeconds: z.number().int(),
  demand: demandSchema,
  priority: z.number().int(),
  requiredSkills: z.array(z.string()),
  notes: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Order' });

export const orderEventSchema = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  type: z.string(),
  actor: z.string(),
  fromStatus: z.enum(orderStatuses).nullable(),
  toStatus: z.enum(orderStatuses).nullable(),
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
}).meta({ id: 'OrderEvent' });

export type CreateOrderInput = z.output<typeof createOrderSchema>;
export type OrderPatch = z.output<typeof orderPatchSchema>;
export type TransitionInput = z.output<typeof transitionInputSchema>;
export type OrderResponse = z.infer<typeof orderSchema>;
export type OrderEventResponse = z.infer<typeof orderEventSchema>;
