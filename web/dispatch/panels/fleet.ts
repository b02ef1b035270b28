/** The Fleet tab: each vehicle in its route colour, its driver, capacity, and when it was last seen. */
import { $, el } from '../../common/dom';
import type { ConsoleState } from '../state';

export function mountFleet(state: ConsoleState): void {
  state.subscribe('fleet', () =>
    $('#fleet').replaceChildren(
      ...state.vehicles.map((vehicle) => {
        const driver = state.drivers.find((candidate) => candidate.vehicleId === vehicle.id);
        const seen = state.lastSeen.get(vehicle.id);
        return el(
          'tr',
          { 'data-vehicle-id': String(vehicle.id) },
          el('td', {}, el('span', { style: `color:${state.colorOfVehicle(vehicle.id)}` }, '■ '), vehicle.name),
          el('td', {}, driver?.name ?? '—'),
          el('td', {}, `${vehicle.capacity.items} items, ${vehicle.capacity.weightKg} kg`),
          el('td', {}, seen ? state.depotClock(seen) : '—'),
        );
      }),
    ),
  );
}
