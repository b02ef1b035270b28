/** All SQL over `tracking_links`: a link's revocation and the customer's rating, one row per order at most. */
import type { Executor } from '../executor';
import type { TrackingLink } from '../../domain/model/order';

interface TrackingLinkRow {
  order_id: number;
  revoked_at: Date | null;
  revoked_by: string | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: Date | null;
}

export class TrackingLinksRepository {
  constructor(private readonly db: Executor) {}

  async find(orderId: number): Promise<TrackingLink | null> {
    const row = await this.db<TrackingLinkRow>('tracking_links').where({ order_id: orderId }).first();
    if (!row) return null;
    return {
      orderId: row.order_id,
      revokedAt: row.revoked_at,
      rating: row.rating === null ? null : { stars: row.rating, comment: row.rating_comment, ratedAt: row.rated_at! },
    };
  }

  async revoke(orderId: number, actor: string, at: Date): Promise<void> {
    await this.db('tracking_links')
      .insert({ order_id: orderId, revoked_at: at, revoked_by: actor })
      .onConflict('order_id')
      .merge(['revoked_at', 'revoked_by']);
  }

  /** A link issued again opens: the revocation concerned the old one. */
  async clearRevocation(orderId: number): Promise<void> {
    await this.db('tracking_links').where({ order_id: orderId }).update({ revoked_at: null, revoked_by: null });
  }

  async rate(orderId: number, stars: number, comment: string | null, at: Date): Promise<void> {
    await this.db('tracking_links')
      .insert({ order_id: orderId, rating: stars, rating_comment: comment, rated_at: at })
      .onConflict('order_id')
      .merge(['rating', 'rating_comment', 'rated_at']);
  }
}
