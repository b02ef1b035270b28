/**
 * A plan's routes kept in memory between live insertions, so a day of 1,000 stops is not read back for every
 * new order. Each use first compares a digest of the stored stops (one aggregate query): whatever changed them,
 * an edit here, a stop completed by live tracking, another server process, the routes are read again.
 */
import type { RouteRecord } from '../db/repos/routes.repo';
import type { Repositories } from '../db/repositories';

const MAX_PLANS = 20;

export class PlanRoutesCache {
  private readonly entries = new Map<number, { fingerprint: string; routes: RouteRecord[] }>();

  async routes(repos: Repositories, planId: number): Promise<RouteRecord[]> {
    const fingerprint = await repos.routes.fingerprint(planId);
    const cached = this.entries.get(planId);
    if (cached?.fingerprint === fingerprint) return cached.routes;
    const routes = await repos.routes.listForPlan(planId);
    this.remember(planId, fingerprint, routes);
    return routes;
  }

  /** After this process rewrote one route (as stored, with its new stop ids): remember it and the new digest. */
  async rewritten(repos: Repositories, planId: number, route: RouteRecord): Promise<void> {
    const cached = this.entries.get(planId);
    if (!cached) return;
    this.remember(planId, await repos.routes.fingerprint(planId), cached.routes.map((existing) => (existing.id === route.id ? route : existing)));
  }

  private remember(planId: number, fingerprint: string, routes: RouteRecord[]): void {
    this.entries.delete(planId);
    this.entries.set(planId, { fingerprint, routes });
    // Oldest first: Map keeps insertion order.
    if (this.entries.size > MAX_PLANS) this.entries.delete(this.entries.keys().next().value!);
  }
}
