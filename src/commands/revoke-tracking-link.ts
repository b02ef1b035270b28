/** The office revokes an order's tracking link: its page, API and socket answer 410 from then on. */
import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';
import { writeOrderEvents } from './order-timeline';

export async function revokeTrackingLink(context: CommandContext, orderId: number, by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    const order = await repos.orders.findByIdForUpdate(orderId);
    if (!order) throw notFound('Order', orderId);
    await repos.trackingLinks.revoke(orderId, by.actor, new Date(context.clock.nowMs()));
    await writeOrderEvents(repos, [{ orderId, type: 'tracking_link_revoked', actor: by.actor, data: { code: order.trackingCode } }]);
  });
}
