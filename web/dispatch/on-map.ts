/** What the console shows on the map, read from the state: the items each map layer is fed. */
import { statusText, stopTimeLine } from '../common/format';
import type { ClusterPoint } from '../layers/clusters';
import type { DepotOnMap } from '../layers/depots';
import type { RouteOnMap } from '../layers/routes';
import type { StopOnMap } from '../layers/stops';
import type { VehicleOnMap } from '../layers/vehicles';
import type { ConsoleState } from './state';

/** The filtered orders not on the plan's routes (those are drawn as numbered stops), in their vehicle's colour. */
export function orderPoints(state: ConsoleState): ClusterPoint[] {
  const routed = new Set(state.stops().map((stop) => stop.orderId));
  return state
    .filteredOrders()
    .filter((order) => !routed.has(order.id))
    .map((order) => ({
      id: order.id,
      location: order.location,
      label: `${order.displayId} ${order.customerName} (${statusText(order.status)})`,
      color: order.assignedVehicleId ? state.colorOfVehicle(order.assignedVehicleId) : '#5b6773',
    }));
}

export function planStops(state: ConsoleState): StopOnMap[] {
  return (state.plan?.routes ?? []).flatMap((route) =>
    route.stops.map((stop) => ({
      orderId: stop.orderId,
      location: stop.location,
      label: String(stop.sequence),
      color: state.colorOfVehicle(route.vehicleId),
      title: `${state.nameOfVehicle(route.vehicleId)} stop ${stop.sequence}`,
      tooltip: `${state.orderLabel(stop.orderId)} · ${stopTimeLine(stop.times, stop.status)}`,
    })),
  );
}

export function routeLines(state: ConsoleState): RouteOnMap[] {
  return state.routeLines.map((line) => ({ ...line, color: state.colorOfVehicle(line.vehicleId) }));
}

export function vehiclePositions(state: ConsoleState): VehicleOnMap[] {
  return [...state.positions].map(([vehicleId, { location }]) => ({ vehicleId, location, name: state.nameOfVehicle(vehicleId), color: state.colorOfVehicle(vehicleId) }));
}

/** The first depot, where the map opens. */
export function depots(state: ConsoleState): DepotOnMap[] {
  return state.depots.slice(0, 1).map(({ id, name, location }) => ({ id, name, location }));
}
