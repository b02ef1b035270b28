/**
 * Sends what the outbox holds. A worker claims due messages (FOR UPDATE SKIP LOCKED, leased, so workers in several
 * processes share them and a message whose worker died is due again when its lease runs out), sends each through
 * its channel, records the attempt and either marks it sent or schedules the next try with exponential backoff;
 * after its channel's attempts or age it is dead. Without a channel configured (no SMTP_URL, no SMS_URL) messages
 * are composed and kept: listed for the dispatcher, never sent. A webhook whose deliveries die one after another
 * is disabled. Stopping waits for the sends in progress, so a restart sends nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CommandContext } from '../commands/context';
import type { MessageOutcome } from '../db/repos/outbox.repo';
import { repositories } from '../db/repositories';
import { channels, type ChannelName, type ClaimedMessage } from '../domain/model/notification';
import type { Logger } from '../logger';
import { DeliveryError, type Channel } from '../notifications/channel';

export interface RetryPolicy {
  maxAttempts: number;
  /** Given up once the message is this old, whatever its attempts. */
  maxAgeSeconds: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}

export const defaultRetryPolicies: Record<ChannelName, RetryPolicy> = {
  email: { maxAttempts: 8, maxAgeSeconds: 24 * 3600, firstDelaySeconds: 30, maxDelaySeconds: 3600 },
  sms: { maxAttempts: 8, maxAgeSeconds: 24 * 3600, firstDelaySeconds: 30, maxDelaySeconds: 3600 },
  // Integrators get 24 hours: 30 s, 1 min, 2 min … then hourly.
  webhook: { maxAttempts: 40, maxAgeSeconds: 24 * 3600, firstDelaySeconds: 30, maxDelaySeconds: 3600 },
};

export interface OutboxSenderOptions {
  context: CommandContext;
  /** Configured channels; messages of a missing one are kept. */
  channels: Partial<Record<ChannelName, Channel>>;
  owner?: string;
  leaseSeconds?: number;
  /** Only this process uses the database (PGlite): leases found at start are a killed process's, given back. */
  exclusiveDatabase?: boolean;
  pollMs?: number;
  batchSize?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  retry?: Partial<Record<ChannelName, Partial<RetryPolicy>>>;
  /** A webhook is disabled after this many deliveries in a row gave up. */
  disableWebhookAfterDead?: number;
  log?: Logger;
}

interface Outcome {
  update: MessageOutcome;
  webhookId: number | null;
}

/** At most this often the sender refreshes the outbox's statistics, when a backlog shows up. */
const statisticsEveryMs = 30_000;

/** The delay before attempt `attempts + 1`: doubling from the first delay, capped. */
export function backoffSeconds(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.max(0, attempts - 1));
}

export class OutboxSender {
  readonly owner: string;
  private readonly leaseSeconds: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly policies: Record<ChannelName, RetryPolicy>;
  private stopped = true;
  /** stop() was called: sends in flight finish, nothing new starts. */
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private statisticsRefreshedAt = -Infinity;

  constructor(private readonly options: OutboxSenderOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 16;
    const retry = options.retry ?? {};
    this.policies = {
      email: { ...defaultRetryPolicies.email, ...retry.email },
      sms: { ...defaultRetryPolicies.sms, ...retry.sms },
      webhook: { ...defaultRetryPolicies.webhook, ...retry.webhook },
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.loop = this.releaseOrphans().then(() => this.work());
  }

  /** Something was enqueued: look now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops claiming and waits for the sends in progress to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  /**
   * Sends everything due now and returns how many messages it handled. A pipeline rather than batch after batch: each
   * channel has `concurrency` sends in flight, the next batch is claimed while the last ones of the batch before are
   * still being sent, and outcomes are recorded a group at a time while the sending goes on, so neither the slowest
   * send of a batch nor a database round trip leaves the lanes idle. Exposed for tests and the benchmark.
   */
  async sendDue(): Promise<number> {
    const { context, log } = this.options;
    const queues: Record<ChannelName, ClaimedMessage[]> = { email: [], sms: [], webhook: [] };
    const queued = () => queues.email.length + queues.sms.length + queues.webhook.length;
    const held = new Set<number>();
    let handled = 0;
    let exhausted = false;
    let claiming: Promise<void> | null = null;

    const outcomes: Outcome[] = [];
    let recorded = Promise.resolve();
    const recordEvery = Math.max(16, Math.ceil(this.batchSize / 4));
    const flush = () => {
      const group = outcomes.splice(0);
      // Held until recorded: a message sent and not yet marked is still pending, and claimable once its lease ran out.
      if (group.length > 0) recorded = recorded.then(() => this.record(group)).then(() => group.forEach((outcome) => held.delete(outcome.update.id)));
      return recorded;
    };

    const active: Record<ChannelName, number> = { email: 0, sms: 0, webhook: 0 };
    const lanes = new Set<Promise<void>>();
    const lane = async (channel: ChannelName) => {
      active[channel]++;
      try {
        while (!this.stopping) {
          const message = queues[channel].shift();
          if (!message) return;
          if (!exhausted && queued() < this.batchSize / 2) void claimMore();
          outcomes.push(await this.deliver(message));
          if (outcomes.length >= recordEvery) void flush();
        }
      } finally {
        active[channel]--;
      }
    };
    const startLanes = () => {
      for (const channel of channels) {
        for (let k = Math.min(this.concurrency - active[channel], queues[channel].length); k > 0; k--) {
          const task: Promise<void> = lane(channel).finally(() => lanes.delete(task));
          lanes.add(task);
        }
      }
    };
    const claimMore = () =>
      (claiming ??= (async () => {
        try {
          const claimed = await repositories(context.db, context.clock).outbox.claimDue(this.owner, context.clock.nowMs(), this.leaseSeconds, this.batchSize);
          if (claimed.length === 0) exhausted = true;
          for (const message of claimed) {
            // Claimed again because its lease ran out while it waited, was sent or was recorded here: not twice.
            if (held.has(message.id)) continue;
            held.add(message.id);
            queues[message.channel].push(message);
            handled++;
          }
          startLanes();
          // A full batch: a backlog, where the claim's plan matters.
          if (claimed.length === this.batchSize) await this.refreshStatistics();
        } catch (error) {
          exhausted = true;
          log?.error({ err: error }, 'outbox: claiming failed');
        } finally {
          claiming = null;
        }
      })());

    await claimMore();
    while (lanes.size > 0 || claiming) await Promise.race([...lanes, ...(claiming ? [claiming] : [])]);
    await flush();
    // Stopped: what was claimed and not sent is given back at once rather than after its lease.
    const unsent = channels.flatMap((channel) => queues[channel].map((message) => message.id));
    if (unsent.length > 0) await repositories(context.db, context.clock).outbox.release(this.owner, unsent);
    return handled - unsent.length;
  }

  /**
   * A group of outcomes in one transaction: a statement per group rather than per message is what lets PGlite keep
   * up. A crash before it commits leaves those messages leased; they are sent again after the lease with the same
   * idempotency keys (receivers deduplicate on them; e-mails carry a stable Message-ID).
   */
  private async record(outcomes: Outcome[]): Promise<void> {
    const { context, log } = this.options;
    await context.db
      .transaction(async (trx) => {
      const repos = repositories(trx, context.clock);
      const finished = await repos.outbox.finishMany(this.owner, outcomes.map((outcome) => outcome.update));
      const succeeded = new Set<number>();
      const gaveUp = new Map<number, number>();
      for (const { update, webhookId } of outcomes) {
        if (webhookId === null || !finished.has(update.id)) continue;
        if (update.status === 'sent') succeeded.add(webhookId);
        else if (update.status === 'dead') gaveUp.set(webhookId, (gaveUp.get(webhookId) ?? 0) + 1);
      }
      await repos.webhooks.recordSuccess([...succeeded].filter((id) => !gaveUp.has(id)));
      for (const [webhookId, failures] of gaveUp) {
        const webhook = await repos.webhooks.recordFailure(webhookId, failures, this.options.disableWebhookAfterDead ?? 5, context.clock.nowMs());
        if (webhook?.status === 'disabled') log?.warn({ webhookId: webhook.id, url: webhook.url }, 'outbox: webhook disabled after repeated failures');
      }
      })
      // Unrecorded outcomes stay leased: those messages go out again after the lease, with the same idempotency keys.
      .catch((error: unknown) => log?.error({ err: error, messages: outcomes.length }, 'outbox: recording outcomes failed'));
  }

  private async refreshStatistics(): Promise<void> {
    const now = performance.now();
    if (now - this.statisticsRefreshedAt < statisticsEveryMs) return;
    this.statisticsRefreshedAt = now;
    await repositories(this.options.context.db, this.options.context.clock).outbox.refreshStatistics().catch((error: unknown) => this.options.log?.warn({ err: error }, 'outbox: analyze failed'));
  }

  private async releaseOrphans(): Promise<void> {
    if (!this.options.exclusiveDatabase) return;
    try {
      const released = await repositories(this.options.context.db, this.options.context.clock).outbox.releaseAllLeases();
      if (released > 0) this.options.log?.info({ released }, 'outbox: the claims of a process that died are due again');
    } catch (error) {
      // They are due once their leases run out.
      this.options.log?.error({ err: error }, 'outbox: giving back old claims failed');
    }
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      let handled = 0;
      try {
        handled = await this.sendDue();
      } catch (error) {
        this.options.log?.error({ err: error }, 'outbox: sending failed');
      }
      if (handled > 0 || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private async deliver(message: ClaimedMessage): Promise<Outcome> {
    const { context, log } = this.options;
    const channel = this.options.channels[message.channel];
    const now = () => context.clock.nowMs();
    if (!channel) return { update: { id: message.id, status: 'kept' }, webhookId: null };
    const startedMs = now();
    const started = performance.now();
    let failure: DeliveryError | null = null;
    let statusCode: number | null = null;
    try {
      statusCode = (await channel.send(message))?.statusCode ?? null;
    } catch (error) {
      failure = error instanceof DeliveryError ? error : new DeliveryError((error as Error).message);
      if (!(error instanceof DeliveryError)) log?.warn({ err: error, messageId: message.id }, 'outbox: channel threw');
    }
    const attempt = { messageId: message.id, attempt: message.attempts, startedAt: new Date(startedMs), durationMs: Math.round(performance.now() - started), ok: failure === null, statusCode: failure?.statusCode ?? statusCode, error: failure?.message ?? null };
    if (!failure) return { update: { id: message.id, status: 'sent', sentAtMs: now(), attempt }, webhookId: message.webhookId };
    const policy = this.policies[message.channel];
    const nextDelay = backoffSeconds(policy, message.attempts);
    const ageSeconds = (now() - message.createdAt.getTime()) / 1000;
    const givesUp = !failure.retryable || message.attempts >= policy.maxAttempts || ageSeconds + nextDelay > policy.maxAgeSeconds;
    return { update: { id: message.id, status: givesUp ? 'dead' : 'failed', nextAttemptMs: now() + nextDelay * 1000, error: failure.message, attempt }, webhookId: message.webhookId };
  }
}
