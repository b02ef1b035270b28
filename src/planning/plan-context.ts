/** What every planning step reads first: the depot, the date, the depots vehicles start from, the road network. */
import type { Repositories } from '../db/repositories';
import type { RoutingProvider } from '../routing/provider';
import type { PlanContext } from './route-evaluation';
import { vehicleDepotIds, type Vehicle } from '../domain/model/fleet';
import type { Order } from '../domain/model/order';

export async function loadPlanContext(repos: Repositories, depotId: number, date: string, vehicles: Vehicle[], routing: RoutingProvider): Promise<PlanContext> {
  const ids = new Set([depotId, ...vehicles.flatMap(vehicleDepotIds)]);
  const depots = await repos.depots.findByIds(ids);
  const depotsById = new Map(depots.map((depot) => [depot.id, depot]));
  return { depot: depotsById.get(depotId)!, date, depotsById, routing };
}

export async function loadVehicles(repos: Repositories, ids: number[]): Promise<Vehicle[]> {
  return repos.vehicles.findByIds(ids);
}

export async function loadOrders(repos: Repositories, ids: number[]): Promise<Map<number, Order>> {
  return new Map((await repos.orders.findByIds(ids)).map((order) => [order.id, order]));
}
