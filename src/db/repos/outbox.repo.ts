/**
 * All SQL over `outbox_messages` and `message_attempts`. Times come from the caller's clock (epoch milliseconds),
 * never the database's, so a pinned clock decides what is due. `claimDue` takes due messages with FOR UPDATE SKIP
 * LOCKED, so workers in several processes share them, and leases them: a message whose worker died is due again
 * once its lease runs out. A message waits while an earlier one of its order to the same recipient is unsent, so
 * each recipient hears about an order in order.
 */
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import type { ChannelName, ClaimedMessage, Locale, MessageAttempt, MessagePayload, MessageStatus, NotificationKind, OutboxMessage, OutboxMessageDraft, Webhook } from '../../domain/model/notification';

interface MessageRow {
  id: string | number;
  event_id: number;
  order_id: number;
  channel: string;
  recipient: string;
  webhook_id: number | null;
  template: string;
  locale: string;
  payload: MessagePayload;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

interface AttemptRow {
  id: string | number;
  message_id: string | number;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  ok: boolean;
  status_code: number | null;
  error: string | null;
}

const messageColumns = ['id', 'event_id', 'order_id', 'channel', 'recipient', 'webhook_id', 'template', 'locale', 'payload', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'sent_at'];

const toMessage = (row: MessageRow): OutboxMessage => ({
  id: Number(row.id),
  eventId: row.event_id,
  orderId: row.order_id,
  channel: row.channel as ChannelName,
  recipient: row.recipient,
  webhookId: row.webhook_id,
  template: row.template as NotificationKind,
  locale: row.locale as Locale,
  payload: row.payload,
  status: row.status as MessageStatus,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at) : null,
  lastError: row.last_error,
  createdAt: new Date(row.created_at),
  sentAt: row.sent_at ? new Date(row.sent_at) : null,
});

const toAttempt = (row: AttemptRow): MessageAttempt => ({
  id: Number(row.id),
  messageId: Number(row.message_id),
  attempt: row.attempt,
  startedAt: new Date(row.started_at),
  durationMs: row.duration_ms,
  ok: row.ok,
  statusCode: row.status_code,
  error: row.error,
});

const at = (epochMs: number) => new Date(epochMs);

export interface MessageOutcome {
  id: number;
  status: MessageStatus;
  sentAtMs?: number;
  nextAttemptMs?: number;
  error?: string | null;
  /** Absent for a kept message: nothing was tried. */
  attempt?: Omit<MessageAttempt, 'id'>;
}
const insertChunkRows = 300;

export class OutboxRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  /** Writes the messages; one already written for the same event, channel and recipient is left as it is. */
  async insertMany(drafts: OutboxMessageDraft[]): Promise<number> {
    const rows = drafts.map((draft) => ({
      event_id: draft.eventId,
      order_id: draft.orderId,
      channel: draft.channel,
      recipient: draft.recipient,
      webhook_id: draft.webhookId,
      template: draft.template,
      locale: draft.locale,
      payload: JSON.stringify(draft.payload),
      ...(draft.suppressed ? { status: 'suppressed' } : {}),
      created_at: this.now(),
    }));
    let inserted = 0;
    for (let start = 0; start < rows.length; start += insertChunkRows) {
      const written = await this.db('outbox_messages').insert(rows.slice(start, start + insertChunkRows)).onConflict(['event_id', 'channel', 'recipient']).ignore().returning('id');
      inserted += written.length;
    }
    return inserted;
  }

  /** Claims and leases due messages in one statement, each webhook message with its webhook's URL, secret and status. */
  async claimDue(owner: string, nowMs: number, leaseSeconds: number, limit: number): Promise<ClaimedMessage[]> {
    const now = at(nowMs);
    const result = await this.db.raw<{ rows: (MessageRow & { webhook_url: string | null; webhook_secret: string | null; webhook_status: string | null })[] }>(
      `with claimed as (
         update outbox_messages set lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
         where id in (
           select m.id from outbox_messages m
           where m.status in ('pending', 'failed') and (m.next_attempt_at is null or m.next_attempt_at <= ?) and (m.lease_expires_at is null or m.lease_expires_at < ?)
             and not exists (
               select 1 from outbox_messages earlier
               where earlier.order_id = m.order_id and earlier.channel = m.channel and earlier.recipient = m.recipient
                 and earlier.id < m.id and earlier.status in ('pending', 'failed'))
           order by m.next_attempt_at nulls first, m.id
           for update skip locked
           limit ?)
         returning ${messageColumns.join(', ')})
       select claimed.*, w.url as webhook_url, w.secret as webhook_secret, w.status as webhook_status
       from claimed left join webhooks w on w.id = claimed.webhook_id
       order by claimed.id`,
      [owner, at(nowMs + leaseSeconds * 1000), now, now, limit],
    );
    return result.rows.map((row) => ({
      ...toMessage(row),
      webhook: row.webhook_url === null ? null : { url: row.webhook_url, secret: row.webhook_secret!, status: row.webhook_status as Webhook['status'] },
    }));
  }

  /**
   * Ends claims in one statement: sent, kept, retried later or given up, and records the attempts of those that were
   * still this owner's. Returns the ids it finished; a lease that ran out meanwhile belongs to another worker now.
   */
  async finishMany(owner: string, outcomes: MessageOutcome[]): Promise<Set<number>> {
    if (outcomes.length === 0) return new Set();
    const tuples = outcomes.map(() => '(?::bigint, ?::text, ?::timestamptz, ?::timestamptz, ?::text)').join(', ');
    const bindings = outcomes.flatMap((outcome) => [outcome.id, outcome.status, outcome.sentAtMs === undefined ? null : at(outcome.sentAtMs), outcome.nextAttemptMs === undefined ? null : at(outcome.nextAttemptMs), outcome.error ?? null]);
    const result = await this.db.raw<{ rows: { id: string | number }[] }>(
      `update outbox_messages m set status = v.status, lease_owner = null, lease_expires_at = null, last_error = v.error,
         sent_at = coalesce(v.sent_at, m.sent_at), next_attempt_at = coalesce(v.next_attempt_at, m.next_attempt_at)
       from (values ${tuples}) as v(id, status, sent_at, next_attempt_at, error)
       where m.id = v.id and m.lease_owner = ?
       returning m.id`,
      [...bindings, owner],
    );
    const finished = new Set(result.rows.map((row) => Number(row.id)));
    const attempts = outcomes.flatMap((outcome) => (outcome.attempt && finished.has(outcome.id) ? [outcome.attempt] : []));
    for (let start = 0; start < attempts.length; start += insertChunkRows) {
      await this.db('message_attempts').insert(
        attempts.slice(start, start + insertChunkRows).map((attempt) => ({
          message_id: attempt.messageId,
          attempt: attempt.attempt,
          started_at: attempt.startedAt,
          duration_ms: attempt.durationMs,
          ok: attempt.ok,
          status_code: attempt.statusCode,
          error: attempt.error,
        })),
      );
    }
    return finished;
  }

  /**
   * Refreshes the planner's statistics of the outbox. PGlite has no autovacuum, and PostgreSQL's comes up to a minute
   * after a bulk write: without them the claim's plan checks the ordering rule for every pending row before it takes
   * the first batch (seconds on a backlog of thousands) instead of walking the due index to the batch's end.
   */
  async refreshStatistics(): Promise<void> {
    await this.db.raw('analyze outbox_messages');
  }

  /** Gives claimed messages back unsent: due again at once, their claim not counted as an attempt. */
  async release(owner: string, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db('outbox_messages').whereIn('id', ids).andWhere({ lease_owner: owner }).update({ lease_owner: null, lease_expires_at: null, attempts: this.db.raw('greatest(attempts - 1, 0)') });
  }

  /**
   * Ends every lease: for a database only this process uses (PGlite), where a lease at start-up is one a killed
   * process left. Their sends may have reached the receivers; they go out again with the same idempotency keys.
   */
  async releaseAllLeases(): Promise<number> {
    return this.db('outbox_messages').whereNotNull('lease_owner').update({ lease_owner: null, lease_expires_at: null });
  }

  async findById(id: number): Promise<OutboxMessage | null> {
    const row: MessageRow | undefined = await this.db('outbox_messages').where({ id }).first(...messageColumns);
    return row ? toMessage(row) : null;
  }

  /** Each order's tracking link as its newest message carrying one has it (order id → path). */
  async latestTrackingLinks(orderIds: number[]): Promise<Map<number, string>> {
    if (orderIds.length === 0) return new Map();
    const rows: { order_id: number; link: string }[] = await this.db('outbox_messages')
      .distinctOn('order_id')
      .select('order_id', this.db.raw("payload->>'trackingLink' as link"))
      .whereIn('order_id', orderIds)
      .whereRaw("payload->>'trackingLink' is not null")
      .orderBy([{ column: 'order_id' }, { column: 'id', order: 'desc' }]);
    return new Map(rows.map((row) => [Number(row.order_id), row.link]));
  }

  async listForOrder(orderId: number): Promise<OutboxMessage[]> {
    const rows: MessageRow[] = await this.db('outbox_messages').where({ order_id: orderId }).orderBy('id').select(messageColumns);
    return rows.map(toMessage);
  }

  /** The newest messages, for the console's message log, each with its order's display id. */
  async listRecent(filter: { depotId?: number; channel?: ChannelName; status?: MessageStatus; limit: number }): Promise<(OutboxMessage & { displayId: string })[]> {
    const query = this.db('outbox_messages as m')
      .join('orders as o', 'o.id', 'm.order_id')
      .orderBy('m.id', 'desc')
      .limit(filter.limit)
      .select([...messageColumns.map((column) => `m.${column}`), 'o.display_id']);
    if (filter.depotId !== undefined) query.where('o.depot_id', filter.depotId);
    if (filter.channel) query.where('m.channel', filter.channel);
    if (filter.status) query.where('m.status', filter.status);
    const rows: (MessageRow & { display_id: string })[] = await query;
    return rows.map((row) => ({ ...toMessage(row), displayId: row.display_id }));
  }

  /** An opt-out also holds back what is written and not yet sent to that recipient on that channel; a send in flight finishes. */
  async suppressUnsent(channel: ChannelName, recipients: string[]): Promise<number> {
    if (recipients.length === 0) return 0;
    return this.db('outbox_messages')
      .where({ channel })
      .whereRaw(`lower(recipient) in (${recipients.map(() => '?').join(', ')})`, recipients.map((recipient) => recipient.toLowerCase()))
      .whereIn('status', ['pending', 'failed'])
      .whereNull('lease_owner')
      .update({ status: 'suppressed' });
  }

  async listForWebhook(webhookId: number, limit: number): Promise<OutboxMessage[]> {
    const rows: MessageRow[] = await this.db('outbox_messages').where({ webhook_id: webhookId }).orderBy('id', 'desc').limit(limit).select(messageColumns);
    return rows.map(toMessage);
  }

  async attemptsOf(messageIds: number[]): Promise<Map<number, MessageAttempt[]>> {
    const byMessage = new Map<number, MessageAttempt[]>();
    if (messageIds.length === 0) return byMessage;
    const rows: AttemptRow[] = await this.db('message_attempts').whereIn('message_id', messageIds).orderBy('id');
    for (const attempt of rows.map(toAttempt)) byMessage.set(attempt.messageId, [...(byMessage.get(attempt.messageId) ?? []), attempt]);
    return byMessage;
  }

  /** Sends a message again at `nowMs`, whatever became of it; its attempts so far stay in the log. */
  async requeue(id: number, nowMs: number): Promise<void> {
    await this.db('outbox_messages').where({ id }).update({ status: 'pending', next_attempt_at: at(nowMs), lease_owner: null, lease_expires_at: null });
  }

  /** Counts by status, for the log and the tests. */
  async countByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; count: string | number }[] = await this.db('outbox_messages').select('status').count('* as count').groupBy('status');
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }
}
