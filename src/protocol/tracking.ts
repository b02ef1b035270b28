/** A customer's view of their delivery by tracking token (GET /api/v1/track/:token), and the rating they may give. */
import { z } from 'zod';
import { orderStatuses } from '../domain/model/order';
import { stopTimesSchema } from './stop-times';

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
  })
  .meta({ id: 'TrackingView' });
export type TrackingView = z.infer<typeof trackingViewSchema>;

export const ratingInputSchema = z.object({
  stars: z.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
});
export type RatingInput = z.infer<typeof ratingInputSchema>;
