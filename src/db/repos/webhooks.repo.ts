/** All SQL over `webhooks`, the integrators' endpoints. */
import type { Executor } from '../executor';
import type { Webhook } from '../../domain/model/notification';

interface WebhookRow {
  id: number;
  url: string;
  events: string[];
  secret: string;
  status: string;
  consecutive_failures: number;
  created_by: string;
  created_at: Date;
  disabled_at: Date | null;
}

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events,
  secret: row.secret,
  status: row.status as Webhook['status'],
  consecutiveFailures: row.consecutive_failures,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  disabledAt: row.disabled_at ? new Date(row.disabled_at) : null,
});

export class WebhooksRepository {
  constructor(private readonly db: Executor) {}

  async insert(webhook: { url: string; events: string[]; secret: string; createdBy: string; nowMs: number }): Promise<Webhook> {
    const [row] = await this.db<WebhookRow>('webhooks')
      .insert({ url: webhook.url, events: JSON.stringify(webhook.events) as never, secret: webhook.secret, created_by: webhook.createdBy, created_at: new Date(webhook.nowMs) })
      .returning('*');
    return toWebhook(row as WebhookRow);
  }

  async findById(id: number): Promise<Webhook | null> {
    const row = await this.db<WebhookRow>('webhooks').where({ id }).first();
    return row ? toWebhook(row) : null;
  }

  async list(): Promise<Webhook[]> {
    return ((await this.db<WebhookRow>('webhooks').orderBy('id')) as WebhookRow[]).map(toWebhook);
  }

  async listActive(): Promise<Webhook[]> {
    return ((await this.db<WebhookRow>('webhooks').where({ status: 'active' }).orderBy('id')) as WebhookRow[]).map(toWebhook);
  }

  /** A delivery got through: the failure streak ends. */
  async recordSuccess(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db('webhooks').whereIn('id', ids).andWhere('consecutive_failures', '>', 0).update({ consecutive_failures: 0 });
  }

  /** `failures` deliveries gave up; the webhook is disabled once `disableAfter` follow one another. Returns it. */
  async recordFailure(id: number, failures: number, disableAfter: number, nowMs: number): Promise<Webhook | null> {
    const [row] = await this.db<WebhookRow>('webhooks')
      .where({ id })
      .update({
        consecutive_failures: this.db.raw('consecutive_failures + ?', [failures]),
        status: this.db.raw(`case when consecutive_failures + ? >= ? then 'disabled' else status end`, [failures, disableAfter]),
        disabled_at: this.db.raw(`case when consecutive_failures + ? >= ? and disabled_at is null then ? else disabled_at end`, [failures, disableAfter, new Date(nowMs)]),
      } as never)
      .returning('*');
    return row ? toWebhook(row as WebhookRow) : null;
  }

  async reactivate(id: number): Promise<void> {
    await this.db('webhooks').where({ id }).update({ status: 'active', consecutive_failures: 0, disabled_at: null });
  }
}
