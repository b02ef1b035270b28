/** Messages to customers and integrators: what the outbox holds, what a webhook subscribes to. */
import type { NextStep } from '../failure-policy';

export const channels = ['email', 'sms', 'webhook'] as const;
export type ChannelName = (typeof channels)[number];

/** The order events customers and integrators hear about; webhook event names are `order.{kind}`. */
export const notificationKinds = ['confirmed', 'out_for_delivery', 'arriving_soon', 'delivered', 'failed', 'rescheduled', 'return_scheduled'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const locales = ['en', 'de'] as const;
export type Locale = (typeof locales)[number];

/** The channels that reach the customer, each of which they may opt out of. */
export const customerChannels = ['email', 'sms'] as const;
export type CustomerChannel = (typeof customerChannels)[number];

/** kept: composed, no provider configured; suppressed: composed, the customer opted out of the channel. */
export type MessageStatus = 'pending' | 'failed' | 'sent' | 'kept' | 'suppressed' | 'dead';

/** Which of the customer's channels are on; absent from the opt-out list means on. */
export type ChannelPreferences = Record<CustomerChannel, boolean>;

/** What a template needs, captured when the event happens so a later send tells what was true then. */
export interface MessagePayload {
  kind: NotificationKind;
  eventId: number;
  occurredAt: string;
  orderId: number;
  displayId: string;
  externalRef: string;
  customerName: string;
  /**
   * The tracking link's path (`/t/{code}.{secret}`), taken when the link was issued: only its hash is stored, so
   * the message keeps it. Null when no link of the order's current code was ever sent (the template says so).
   */
  trackingLink: string | null;
  timeZone: string;
  /** The order's windows, epoch seconds. */
  windows: [number, number][];
  status: string;
  reason: string | null;
  /** Failed: what happens next (absent in messages composed before the failure policy). */
  nextStep?: NextStep | null;
  /** Delivered: who took it and which proof was recorded. */
  proof: { recipientName: string | null; signature: boolean; photo: boolean } | null;
  /** Arriving soon: the live ETA that triggered it, epoch seconds. */
  etaEpoch?: number | null;
}

export interface OutboxMessageDraft {
  eventId: number;
  orderId: number;
  channel: ChannelName;
  recipient: string;
  webhookId: number | null;
  template: NotificationKind;
  locale: Locale;
  payload: MessagePayload;
  /** Written as suppressed: the customer opted out of this channel; absent: pending. */
  suppressed?: boolean;
}

export interface OutboxMessage extends OutboxMessageDraft {
  id: number;
  status: MessageStatus;
  attempts: number;
  /** null: due since it was written. */
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface MessageAttempt {
  id: number;
  messageId: number;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

export interface Webhook {
  id: number;
  url: string;
  /** Webhook event names (`order.delivered` …). */
  events: string[];
  secret: string;
  status: 'active' | 'disabled';
  consecutiveFailures: number;
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
}

/** Where a webhook message goes, as the webhook stood when the message was claimed. */
export type WebhookTarget = Pick<Webhook, 'url' | 'secret' | 'status'>;

/** A message a worker holds; a webhook message's target is read in the same statement that claims it. */
export interface ClaimedMessage extends OutboxMessage {
  webhook: WebhookTarget | null;
}

/**
 * The key a receiver deduplicates on, the same on every attempt of a message: SMS and webhook requests carry it as
 * `Idempotency-Key`, e-mails in their Message-ID. A send whose outcome was lost (the process died after the provider
 * accepted it, before it was marked sent) goes out again with the same key.
 */
export const idempotencyKey = (message: Pick<OutboxMessage, 'id'>) => `lastmile-msg-${message.id}`;

export const webhookEventName = (kind: NotificationKind) => `order.${kind}`;
