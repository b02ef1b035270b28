/** Wire types of webhooks and of an order's messages. */
import { z } from 'zod';
import { channels, notificationKinds, webhookEventName } from '../domain/model/notification';

export const webhookEventNames = notificationKinds.map(webhookEventName) as [string, ...string[]];

export const webhookInputSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(2000)
    .describe('Receives POSTs; at registration it gets GET url?check=CHALLENGE and must answer with CHALLENGE as the body'),
  events: z.array(z.enum(webhookEventNames)).min(1).max(webhookEventNames.length).describe('Which events to receive'),
});

export type WebhookInput = z.output<typeof webhookInputSchema>;

export const webhookSchema = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  consecutiveFailures: z.number(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});

export const createdWebhookSchema = webhookSchema.extend({
  secret: z.string().describe('HMAC-SHA256 key of X-Lastmile-Signature; shown only here, keep it'),
});

export const attemptSchema = z.object({
  attempt: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
});

export const messageSchema = z.object({
  id: z.number(),
  eventId: z.number(),
  orderId: z.number(),
  channel: z.enum(channels),
  recipient: z.string(),
  template: z.enum(notificationKinds),
  locale: z.string(),
  status: z.enum(['pending', 'failed', 'sent', 'kept', 'dead']).describe('kept: composed, no provider configured for its channel'),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  attemptLog: z.array(attemptSchema),
});

export const deliveryParamsSchema = z.object({ id: z.coerce.number().int().positive(), deliveryId: z.coerce.number().int().positive() });
