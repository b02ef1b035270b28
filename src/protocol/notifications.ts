/** Wire types of webhooks and of an order's messages. */
import { z } from 'zod';
import { channels, customerChannels, notificationKinds, webhookEventName } from '../domain/model/notification';

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
  status: z.enum(['pending', 'failed', 'sent', 'kept', 'suppressed', 'dead']).describe('kept: composed, no provider configured for its channel; suppressed: composed, the customer opted out of the channel'),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  attemptLog: z.array(attemptSchema),
});

/** The message log: the newest messages first, optionally of one channel, status or depot. */
export const messageListQuerySchema = z.object({
  depotId: z.coerce.number().int().positive().optional(),
  channel: z.enum(channels).optional(),
  status: z.enum(['pending', 'failed', 'sent', 'kept', 'suppressed', 'dead']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const messageLogEntrySchema = messageSchema.extend({ displayId: z.string() }).meta({ id: 'MessageLogEntry' });

/** The customer's channels: true receives, false opted out. A channel left out stays as it is. */
export const preferencesInputSchema = z
  .object(Object.fromEntries(customerChannels.map((channel) => [channel, z.boolean().optional()])) as Record<(typeof customerChannels)[number], z.ZodOptional<z.ZodBoolean>>)
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: 'name at least one channel: email or sms' });

export const preferencesSchema = z
  .object({
    email: z.boolean().describe('E-mails to the order\'s address are sent'),
    sms: z.boolean().describe('SMS to the order\'s phone are sent'),
    emailAddress: z.string().nullable().describe('The address, masked (j***@example.com)'),
    phone: z.string().nullable().describe('The phone, masked (+49 *** 67)'),
  })
  .meta({ id: 'NotificationPreferences' });

export type PreferencesInput = z.output<typeof preferencesInputSchema>;
export type PreferencesView = z.infer<typeof preferencesSchema>;

export const deliveryParamsSchema = z.object({ id: z.coerce.number().int().positive(), deliveryId: z.coerce.number().int().positive() });

export type MessageResponse = z.infer<typeof messageSchema>;
export type MessageLogEntry = z.infer<typeof messageLogEntrySchema>;
