/** SQL for live routes and ETAs: the route a vehicle is driving now, a plan's routes on the road, each stop's live ETA with its history. */
import type { Executor } from '../executor';
import { RoutesRepository } from './routes.repo';
import type { RouteRecord, LiveEta } from '../../domain/model/route';

export class EtaRepository {
  constructor(private readonly db: Executor) {}

  /** The dispatched (or started) route of the vehicle in its newest plan, with stops in sequence. */
  async activeRoute(vehicleId: number): Promise<RouteRecord | null> {
    const row: { plan_id: number } | undefined = await this.db('routes')
      .where({ vehicle_id: vehicleId })
      .whereIn('status', ['dispatched', 'in_progress'])
      .orderBy('plan_id', 'desc')
      .first('plan_id');
    if (!row) return null;
    const routes = await new RoutesRepository(this.db).listForPlan(row.plan_id);
    return routes.find((route) => route.vehicleId === vehicleId) ?? null;
  }

  async recordLiveEtas(etas: LiveEta[], computedAtEpoch: number): Promise<void> {
    if (etas.length === 0) return;
    for (const { stopId, etaEpoch } of etas) await this.db('stops').where({ id: stopId }).update({ live_eta_epoch: etaEpoch });
    await this.db('stop_eta_history').insert(etas.map(({ stopId, etaEpoch }) => ({ stop_id: stopId, eta_epoch: etaEpoch, computed_at_epoch: computedAtEpoch })));
  }

  /** Marks the stops whose arriving-soon event is being written; those marked before are left out, so it is written once per stop. */
  async markArrivingSoon(stopIds: number[], atMs: number): Promise<{ stopId: number; orderId: number }[]> {
    if (stopIds.length === 0) return [];
    const rows: { id: number; order_id: number }[] = await this.db('stops')
      .whereIn('id', stopIds)
      .whereNull('arriving_soon_at')
      .whereIn('status', ['pending'])
      .update({ arriving_soon_at: new Date(atMs) })
      .returning(['id', 'order_id']);
    return rows.map((row) => ({ stopId: row.id, orderId: row.order_id }));
  }

  async history(stopId: number): Promise<{ etaEpoch: number; computedAtEpoch: number }[]> {
    const rows: { eta_epoch: number; computed_at_epoch: number }[] = await this.db('stop_eta_history')
      .where({ stop_id: stopId })
      .orderBy('id')
      .select('eta_epoch', 'computed_at_epoch');
    return rows.map((row) => ({ etaEpoch: Number(row.eta_epoch), computedAtEpoch: Number(row.computed_at_epoch) }));
  }
}
