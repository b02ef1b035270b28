/** A manual re-send of a webhook delivery: the message is due again now, and its webhook, if disabled, active again. */
import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';

export async function resendWebhookDelivery(context: CommandContext, webhookId: number, deliveryId: number, _by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    const webhook = await repos.webhooks.findById(webhookId);
    if (!webhook) throw notFound('Webhook', webhookId);
    const message = await repos.outbox.findById(deliveryId);
    if (!message || message.webhookId !== webhookId) throw notFound('Delivery', deliveryId);
    // Whoever re-sends has fixed the receiver: it gets deliveries again.
    if (webhook.status === 'disabled') await repos.webhooks.reactivate(webhookId);
    await repos.outbox.requeue(deliveryId, context.clock.nowMs());
  });
}
