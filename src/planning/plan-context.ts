/** What every planning step reads first: the depot, the date, the depots vehicles start from, the road network. */
import { inSequence } from '../db/executor';
import type { Repositories } from '../db/repositories';
import type { RoutingProvider } from '../routing/provider';
import type { PlanContext } from './route-evaluation';
import type { Depot, Vehicle } from '../domain/model/fleet';
import type { Order } from '../domain/model/order';

export async function loadPlanContext(repos: Repositories, depotId: number, date: string, vehicles: Vehicle[], routing: RoutingProvider): Promise<PlanContext> {
  const ids = new Set([depotId, ...vehicles.flatMap((vehicle) => [vehicle.startDepotId, ...(vehicle.endDepotId === null ? [] : [vehicle.endDepotId])])]);
  const depots = (await inSequence(ids, (id) => repos.depots.findById(id))).filter((depot): depot is Depot => depot !== null);
  const depotsById = new Map(depots.map((depot) => [depot.id, depot]));
  return { depot: depotsById.get(depotId)!, date, depotsById, routing };
}

export async function loadVehicles(repos: Repositories, ids: number[]): Promise<Vehicle[]> {
  return (await inSequence(ids, (id) => repos.vehicles.findById(id))).filter((vehicle): vehicle is Vehicle => vehicle !== null);
}

export async function loadOrders(repos: Repositories, ids: number[]): Promise<Map<number, Order>> {
  const orders = await inSequence(ids, (id) => repos.orders.findById(id));
  return new Map(orders.filter((order): order is Order => order !== null).map((order) => [order.id, order]));
}
