/**
 * The office issues an order's tracking link again (it was never handed out, or it is lost): a new code and secret,
 * the old link stops working, a revocation is lifted. Only the secret's hash is kept, so this answer and the
 * confirmation written in the same transaction (the customer is sent the new link) are the only places it exists.
 */
import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';
import { writeOrderEvents } from './order-timeline';

export async function issueTrackingLink(context: CommandContext, orderId: number, by: Principal): Promise<{ code: string; path: string }> {
  return inTransaction(context, async (repos) => {
    if (!(await repos.orders.findByIdForUpdate(orderId))) throw notFound('Order', orderId);
    const path = await repos.orders.rotateTrackingLink(orderId);
    const code = path.slice('/t/'.length, path.indexOf('.'));
    await repos.trackingLinks.clearRevocation(orderId);
    await writeOrderEvents(repos, [{ orderId, type: 'tracking_link_issued', actor: by.actor, data: { code } }], new Map([[orderId, path]]));
    return { code, path };
  });
}
