/** What a client joining (or too far behind) sees first: the room's vehicles where they are, and its live orders. */
import type { Page, PageRequest } from '../db/pagination';
import type { Repositories } from '../db/repositories';
import type { OrderStatusView, RoomSnapshot, VehiclePositionView } from '../protocol/socket';
import { parseRoom } from './rooms';
import type { Order, OrderStatus } from '../domain/model/order';
import type { Position } from '../domain/model/position';

/** Orders on the road: the ones a live view shows. */
export const liveOrderStatuses: OrderStatus[] = ['dispatched', 'out_for_delivery', 'arrived'];

export function presentPosition(position: Position): VehiclePositionView {
  return {
    vehicleId: position.vehicleId,
    location: position.location,
    accuracyMeters: position.accuracyMeters,
    speedMetersPerSecond: position.speedMetersPerSecond,
    headingDegrees: position.headingDegrees,
    recordedAt: position.recordedAt,
  };
}

export function presentOrderStatus(order: Order, reason: string | null = null): OrderStatusView {
  return { orderId: order.id, displayId: order.displayId, status: order.status, reason };
}

async function allPages<T>(fetch: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch({ cursor, limit: 500 });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Positions come from the table every process writes: a van reporting to another process is where it says. */
export function roomSnapshots(repos: Repositories) {
  const positionsOf = async (vehicleIds: Set<number>) => (vehicleIds.size === 0 ? [] : (await repos.positions.listLatest([...vehicleIds])).map(presentPosition));

  return async (room: string): Promise<Omit<RoomSnapshot, 'seq'>> => {
    const { kind, id } = parseRoom(room);
    if (kind === 'depot') {
      const vehicles = await allPages((page) => repos.vehicles.list({ depotId: id }, page));
      const orders = await allPages((page) => repos.orders.list({ depotId: id, status: liveOrderStatuses }, page));
      return { room, vehicles: await positionsOf(new Set(vehicles.map((vehicle) => vehicle.id))), orders: orders.map((order) => presentOrderStatus(order)) };
    }
    if (kind === 'vehicle') {
      const orders = await allPages((page) => repos.orders.list({ assignedVehicleId: id, status: liveOrderStatuses }, page));
      return { room, vehicles: await positionsOf(new Set([id])), orders: orders.map((order) => presentOrderStatus(order)) };
    }
    const order = await repos.orders.findById(id);
    if (!order) return { room, vehicles: [], orders: [] };
    const onTheRoad = order.assignedVehicleId !== null && liveOrderStatuses.includes(order.status);
    return { room, vehicles: onTheRoad ? await positionsOf(new Set([order.assignedVehicleId!])) : [], orders: [presentOrderStatus(order)] };
  };
}
