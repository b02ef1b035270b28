/**
 * All SQL over `notification_opt_outs`: the customers' "do not send me this channel", by address. Recipients are
 * compared lower-cased (e-mail addresses are written as typed; E.164 has no case).
 */
import type { Executor } from '../executor';
import type { CustomerChannel } from '../../domain/model/notification';

const keyOf = (channel: string, recipient: string) => `${channel}:${recipient.toLowerCase()}`;

export class OptOutsRepository {
  constructor(private readonly db: Executor) {}

  /** Of the given channel/recipient pairs, those opted out, as `channel:recipient` lower-cased. */
  async optedOut(pairs: { channel: CustomerChannel; recipient: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const recipients = [...new Set(pairs.map((pair) => pair.recipient.toLowerCase()))];
    const rows: { channel: string; recipient: string }[] = await this.db('notification_opt_outs').whereIn('recipient', recipients).select('channel', 'recipient');
    return new Set(rows.map((row) => keyOf(row.channel, row.recipient)));
  }

  async optOut(channel: CustomerChannel, recipient: string, orderId: number, atMs: number): Promise<void> {
    await this.db('notification_opt_outs')
      .insert({ channel, recipient: recipient.toLowerCase(), order_id: orderId, created_at: new Date(atMs) })
      .onConflict(['channel', 'recipient'])
      .ignore();
  }

  async optIn(channel: CustomerChannel, recipient: string): Promise<void> {
    await this.db('notification_opt_outs').where({ channel, recipient: recipient.toLowerCase() }).delete();
  }
}

export const optOutKey = keyOf;
