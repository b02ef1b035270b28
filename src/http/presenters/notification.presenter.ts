import type { MessageAttempt, OutboxMessage, Webhook } from '../../domain/model/notification';
import { composeMessage } from '../../notifications/templates';
import { webhookBody } from '../../notifications/webhook';
import type { z } from 'zod';
import type { messageSchema, webhookSchema } from '../../protocol/notifications';

export function presentWebhook(webhook: Webhook): z.infer<typeof webhookSchema> {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    status: webhook.status,
    consecutiveFailures: webhook.consecutiveFailures,
    createdAt: webhook.createdAt.toISOString(),
    disabledAt: webhook.disabledAt?.toISOString() ?? null,
  };
}

/** A message as composed for its channel: the text a customer got (or would get), a webhook's body. */
export function presentMessage(message: OutboxMessage, attempts: MessageAttempt[], publicUrl: string): z.infer<typeof messageSchema> {
  const composed = message.channel === 'webhook' ? { subject: `order.${message.template}`, text: webhookBody(message.payload) } : composeMessage(message.payload, message.locale, publicUrl);
  return {
    id: message.id,
    eventId: message.eventId,
    orderId: message.orderId,
    channel: message.channel,
    recipient: message.recipient,
    template: message.template,
    locale: message.locale,
    status: message.status,
    attempts: message.attempts,
    nextAttemptAt: message.nextAttemptAt?.toISOString() ?? null,
    lastError: message.lastError,
    createdAt: message.createdAt.toISOString(),
    sentAt: message.sentAt?.toISOString() ?? null,
    subject: composed.subject,
    text: composed.text,
    attemptLog: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      startedAt: attempt.startedAt.toISOString(),
      durationMs: attempt.durationMs,
      ok: attempt.ok,
      statusCode: attempt.statusCode,
      error: attempt.error,
    })),
  };
}
