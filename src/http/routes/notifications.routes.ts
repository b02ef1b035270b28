/** Webhooks for integrators (registration with a handshake, delivery log, re-send) and the messages of an order. */
import { z } from 'zod';
import { reads, type CommandContext } from '../../commands/context';
import { registerWebhook } from '../../commands/register-webhook';
import { resendWebhookDelivery } from '../../commands/resend-message';
import { canSeeOrder } from '../../auth/visibility';
import { notFound } from '../../errors';
import { idParamsSchema } from '../../protocol/common';
import { createdWebhookSchema, deliveryParamsSchema, messageListQuerySchema, messageLogEntrySchema, messageSchema, webhookInputSchema, webhookSchema } from '../../protocol/notifications';
import { apiMount, type Mount } from '../mount';
import { presentMessage, presentWebhook } from '../presenters/notification.presenter';
import type { OutboxMessage } from '../../domain/model/notification';

const office = ['admin', 'dispatcher'] as const;

const verification = `Every delivery is a POST with the JSON body {id, type, createdAt, data} and the headers
X-Lastmile-Event-Id (stable per event: deduplicate on it), Idempotency-Key (stable per delivery, the same when a
delivery is repeated after the sender crashed), X-Lastmile-Timestamp (unix seconds) and
X-Lastmile-Signature (hex HMAC-SHA256 with the webhook's secret over "{timestamp}.{raw body}"). Verify before parsing:

    const expected = createHmac('sha256', secret).update(\`\${req.headers['x-lastmile-timestamp']}.\${rawBody}\`).digest('hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(req.headers['x-lastmile-timestamp'])) < 300;
    const valid = fresh && timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(req.headers['x-lastmile-signature'], 'hex'));

Answer 2xx within 10 s. Events of one order arrive in order: a later one waits while an earlier one is retried. Other answers are retried with exponential backoff for 24 hours; a webhook whose
deliveries give up 5 times in a row is disabled (a manual re-send enables it again).`;

export function notificationsMount(context: CommandContext, options: { publicUrl: string }): Mount {
  const repos = reads(context);
  const present = async (messages: OutboxMessage[]) => {
    const attempts = await repos.outbox.attemptsOf(messages.map((message) => message.id));
    return messages.map((message) => presentMessage(message, attempts.get(message.id) ?? [], options.publicUrl));
  };
  return apiMount(
    (api) => {
      api.endpoint(
        {
          method: 'post',
          path: '/webhooks',
          operationId: 'createWebhook',
          summary: 'Register a webhook; the URL must pass the verification handshake (GET ?check=CHALLENGE answered with CHALLENGE)',
          description: verification,
          tag: 'webhooks',
          roles: office,
          body: webhookInputSchema,
          response: createdWebhookSchema,
          status: 201,
        },
        async ({ body, principal }) => {
          const webhook = await registerWebhook(context, body, principal);
          return { ...presentWebhook(webhook), secret: webhook.secret };
        },
      );
      api.endpoint(
        { method: 'get', path: '/webhooks', operationId: 'listWebhooks', summary: 'List webhooks', tag: 'webhooks', roles: office, response: z.object({ items: z.array(webhookSchema) }) },
        async () => ({ items: (await repos.webhooks.list()).map(presentWebhook) }),
      );
      api.endpoint(
        { method: 'get', path: '/webhooks/:id/deliveries', operationId: 'listWebhookDeliveries', summary: "The webhook's deliveries, newest first, each with its attempts", tag: 'webhooks', roles: office, params: idParamsSchema, response: z.object({ items: z.array(messageSchema) }) },
        async ({ params }) => {
          if (!(await repos.webhooks.findById(params.id))) throw notFound('Webhook', params.id);
          return { items: await present(await repos.outbox.listForWebhook(params.id, 200)) };
        },
      );
      api.endpoint(
        { method: 'post', path: '/webhooks/:id/deliveries/:deliveryId/resend', operationId: 'resendWebhookDelivery', summary: 'Send a delivery again now (and enable its webhook if it was disabled)', tag: 'webhooks', roles: office, params: deliveryParamsSchema, status: 202, response: z.object({ status: z.literal('queued') }) },
        async ({ params, principal }) => {
          await resendWebhookDelivery(context, params.id, params.deliveryId, principal);
          return { status: 'queued' as const };
        },
      );
      api.endpoint(
        {
          method: 'get',
          path: '/messages',
          operationId: 'listMessages',
          summary: 'The message log: the newest messages of every order (e-mail, SMS, webhook), as composed, with status and attempts',
          description: 'Also lists the messages kept because no provider is configured (`kept`) and those the customer opted out of (`suppressed`).',
          tag: 'orders',
          roles: office,
          query: messageListQuerySchema,
          response: z.object({ items: z.array(messageLogEntrySchema) }),
        },
        async ({ query }) => {
          const messages = await repos.outbox.listRecent(query);
          const presented = await present(messages);
          return { items: presented.map((message, index) => ({ ...message, displayId: messages[index]!.displayId })) };
        },
      );
      api.endpoint(
        { method: 'get', path: '/orders/:id/messages', operationId: 'listOrderMessages', summary: 'Every message for an order: e-mail, SMS and webhook deliveries, as composed, with their attempts', tag: 'orders', roles: office, params: idParamsSchema, response: z.object({ items: z.array(messageSchema) }) },
        async ({ params, principal }) => {
          const order = await repos.orders.findById(params.id);
          if (!order || !canSeeOrder(principal, order)) throw notFound('Order', params.id);
          return { items: await present(await repos.outbox.listForOrder(order.id)) };
        },
      );
    },
    { limit: '16kb', paths: ['/webhooks'] },
  );
}
