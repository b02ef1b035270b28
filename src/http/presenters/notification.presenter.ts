import type { ChannelPreferences, MessageAttempt, OutboxMessage, Webhook } from '../../domain/model/notification';
import type { Order } from '../../domain/model/order';
import { toE164 } from '../../domain/phone';
import { composeMessage } from '../../notifications/templates';
import { webhookBody } from '../../notifications/webhook';
import type { z } from 'zod';
import type { messageSchema, PreferencesView, webhookSchema } from '../../protocol/notifications';

/** The tracking page names the channels without giving away whole addresses to whoever holds the link. */
export function presentPreferences(order: Pick<Order, 'customerEmail' | 'customerPhone'>, preferences: ChannelPreferences): PreferencesView {
  const phone = order.customerPhone ? toE164(order.customerPhone) : null;
  return {
    email: preferences.email,
    sms: preferences.sms,
    emailAddress: order.customerEmail ? maskEmail(order.customerEmail) : null,
    phone: phone ? `${phone.slice(0, 3)} *** ${phone.slice(-2)}` : null,
  };
}

function maskEmail(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

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
  const composed = message.channel === 'webhook' ? { subject: `order.${message.template}`, text: webhookBody(message.payload) } : composeMessage(message.payload, message.locale, publicUrl, message.channel);
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
