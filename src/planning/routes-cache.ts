/**
 * A plan's routes kept in memory between live insertions, so a day of 1,000 stops is not read back for every
 * new order. Each use compares the digest of the stored stops (read with the plan's lock, see stopsDigestSql):
 * whatever changed them, an edit here, a stop completed by live tracking, another server process, the routes are
 * read again.
 */
import type { Repositories } from '../db/repositories';
import type { RouteRecord } from '../domain/model/route';

const MAX_PLANS = 20;

export class PlanRoutesCache {
  private readonly entries = new Map<number, { stopsDigest: string; routes: RouteRecord[] }>();

  async routes(repos: Repositories, planId: number, stopsDigest: string): Promise<RouteRecord[]> {
    const cached = this.entries.get(planId);
    if (cached?.stopsDigest === stopsDigest) return cached.routes;
    const routes = await repos.routes.listForPlan(planId);
    this.remember(planId, stopsDigest, routes);
    return routes;
  }

  /** After this process rewrote one route (as stored, with its new stop ids), with the stops digest after the write. */
  rewritten(planId: number, route: RouteRecord, stopsDigest: string): void {
    const cached = this.entries.get(planId);
    if (!cached) return;
    this.remember(planId, stopsDigest, cached.routes.map((existing) => (existing.id === route.id ? route : existing)));
  }

  private remember(planId: number, stopsDigest: string, routes: RouteRecord[]): void {
    this.entries.delete(planId);
    this.entries.set(planId, { stopsDigest, routes });
    // Oldest first: Map keeps insertion order.
    if (this.entries.size > MAX_PLANS) this.entries.delete(this.entries.keys().next().value!);
  }
}
