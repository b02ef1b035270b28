/**
 * Webhook deliveries on Onfleet's contract. The body is the same on every attempt; each attempt is signed anew:
 * `X-Lastmile-Signature` = hex HMAC-SHA256 with the webhook's secret over `${X-Lastmile-Timestamp}.${raw body}`,
 * so a receiver checks the signature and rejects old timestamps (replays). `X-Lastmile-Event-Id` is stable per
 * event: a receiver that saw it already acknowledges and ignores it. `Idempotency-Key` is stable per delivery (event
 * and webhook). The webhook's URL, secret and status are read with the claim, so a send costs no query.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { idempotencyKey, webhookEventName, type ClaimedMessage, type MessagePayload } from '../domain/model/notification';
import { DeliveryError, postOrFail, type Channel } from './channel';

export const signatureHeader = 'x-lastmile-signature';
export const timestampHeader = 'x-lastmile-timestamp';
export const eventIdHeader = 'x-lastmile-event-id';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** What a receiver does: true when the signature matches and the timestamp is within `toleranceSeconds` of now. */
export function verifyWebhook(secret: string, headers: { signature: string; timestamp: string }, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  const given = Buffer.from(headers.signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function webhookBody(payload: MessagePayload): string {
  const { kind, eventId, occurredAt, ...data } = payload;
  return JSON.stringify({ id: `evt_${eventId}`, type: webhookEventName(kind), createdAt: occurredAt, data });
}

export function webhookChannel(options: { clock: Clock }): Channel {
  return {
    name: 'webhook',
    async send(message: ClaimedMessage) {
      const { webhook } = message;
      if (!webhook) throw new DeliveryError('the webhook was deleted', null, false);
      if (webhook.status !== 'active') throw new DeliveryError('the webhook is disabled', null, false);
      const body = webhookBody(message.payload);
      const timestamp = Math.floor(options.clock.nowMs() / 1000);
      return postOrFail(webhook.url, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Lastmile-Webhooks/1',
          [signatureHeader]: signWebhook(webhook.secret, timestamp, body),
          [timestampHeader]: String(timestamp),
          [eventIdHeader]: `evt_${message.eventId}`,
          'x-lastmile-delivery-id': String(message.id),
          'idempotency-key': idempotencyKey(message),
        },
        body,
      });
    },
  };
}
