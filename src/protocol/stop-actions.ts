/**
 * What a driver does at a stop, over HTTP or the socket alike. Each action carries an idempotency
 * key: the driver app queues actions while offline and may send one twice; it acts once.
 */
import { z } from 'zod';
import { failureReasons } from '../domain/failure-reasons';
import { reloadSteps } from '../domain/model/route';

export { failureReasons };

/** Decoded size limits: a signature is a small drawing, a photo a compressed snapshot. */
export const maxSignatureBytes = 256 * 1024;
export const maxPhotoBytes = 2 * 1024 * 1024;

const idempotencyKey = z.string().min(8, 'at least 8 characters (a UUID is ideal)').max(100);

const attachment = (maxBytes: number) =>
  z.object({
    contentType: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml']),
    base64: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
      .refine((text) => Math.floor((text.length * 3) / 4) <= maxBytes, `must be at most ${maxBytes} bytes once decoded`),
  });

export const arriveInputSchema = z.object({ idempotencyKey });
export const completeInputSchema = z.object({
  idempotencyKey,
  recipientName: z.string().trim().min(1).max(200),
  signature: attachment(maxSignatureBytes).optional(),
  photo: attachment(maxPhotoBytes).optional(),
});
export const failInputSchema = z
  .object({ idempotencyKey, reason: z.enum(failureReasons), note: z.string().trim().max(1000).optional() })
  .refine((input) => input.reason !== 'other' || !!input.note, { path: ['note'], message: 'is required when the reason is other' });

export type ArriveInput = z.output<typeof arriveInputSchema>;
export type CompleteInput = z.output<typeof completeInputSchema>;
export type FailInput = z.output<typeof failInputSchema>;

/** Over the socket the stop travels in the message. */
const withStop = { stopId: z.number().int().positive() };
export const arriveRequestSchema = arriveInputSchema.extend(withStop);
export const completeRequestSchema = completeInputSchema.extend(withStop);
export const failRequestSchema = z.intersection(failInputSchema, z.object(withStop));

export type ArriveRequest = z.input<typeof arriveRequestSchema>;
export type CompleteRequest = z.input<typeof completeRequestSchema>;
export type FailRequest = z.input<typeof failRequestSchema>;

export const stopActionResultSchema = z.object({
  stopId: z.number().int(),
  orderId: z.number().int(),
  stopStatus: z.enum(['pending', 'arrived', 'completed', 'failed']),
  orderStatus: z.string(),
  /** True when this key was seen before: nothing changed, this is the first answer again. */
  replayed: z.boolean(),
});
export type StopActionResult = z.output<typeof stopActionResultSchema>;

/** Multi-trip: the driver confirms a reload, named by its route and the trip it starts (2, 3, …). */
export const reloadParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647), trip: z.coerce.number().int().min(2).max(1000) });
export const reloadInputSchema = z.object({ step: z.enum(reloadSteps).describe('arrived: at the depot; reloaded: loaded and on the way again (arrival implied)') });
export const reloadResultSchema = z.object({
  routeId: z.number().int(),
  trip: z.number().int(),
  arrivedAt: z.string().describe('When the driver reached the depot, in the depot time zone'),
  reloadedAt: z.string().nullable(),
});
export type ReloadInput = z.output<typeof reloadInputSchema>;
export type ReloadResult = z.output<typeof reloadResultSchema>;
