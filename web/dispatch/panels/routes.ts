/**
 * The Routes tab: a card per route with its stops (lock boxes, ETAs, statuses, violations) and, for a van that
 * makes several trips, each trip's heading and the reload between them, stops dragged
 * onto another route or position to preview a move (also onto a van of the depot with no route yet), and the
 * unassigned orders with their reasons.
 * Statuses and ETAs from the road are written into their rows in place.
 */
import { $, el } from '../../common/dom';
import { causesText, clock, hours, km, statusText, stopTimeLine } from '../../common/format';
import type { PlanEdit } from '../../../src/protocol/plans';
import type { ConsoleState, PlanRoute, PlanStop, Vehicle } from '../state';

export interface RouteActions {
  /** Lock or unlock stops: done at once. */
  edit(edit: PlanEdit): void;
  /** A stop dropped somewhere: previewed before anything changes. */
  move(edit: PlanEdit & { type: 'move' }): void;
}

/**
 * The plan's violations worth a flag: none once the stop is done, and never the plan's `delay`, which the time line
 * states from the live expected service start instead.
 */
function shownViolations(stop: PlanStop): PlanStop['violations'] {
  return stop.status === 'completed' || stop.status === 'failed' ? [] : stop.violations.filter((violation) => violation.cause !== 'delay');
}

export function mountRoutes(state: ConsoleState, actions: RouteActions): void {
  const clearDropTargets = () => {
    for (const marked of document.querySelectorAll('.drop-target')) marked.classList.remove('drop-target');
  };

  // Dropping on a stop puts the dragged one at its position; anywhere else on the van's card (its name, the free space
  // below its stops, the empty list of a van with no route), at the end.
  const acceptDrops = (card: HTMLElement, list: HTMLElement, vehicleId: number) => {
    const targetStop = (event: DragEvent) => (event.target as HTMLElement).closest('li');
    // Trip headings and reloads are rows too: a drop lands before the next stop, counted among the stops only.
    const stopsBefore = (row: Element | null) => {
      const rows = [...list.children];
      const end = row ? rows.indexOf(row) : rows.length;
      return rows.slice(0, end).filter((candidate) => candidate.hasAttribute('data-order-id')).length;
    };
    card.addEventListener('dragover', (event) => {
      event.preventDefault();
      clearDropTargets();
      (targetStop(event) ?? list).classList.add('drop-target');
    });
    card.addEventListener('dragleave', (event) => {
      if (!card.contains(event.relatedTarget as Node | null)) clearDropTargets();
    });
    card.addEventListener('drop', (event) => {
      event.preventDefault();
      const orderId = Number(event.dataTransfer?.getData('text/plain'));
      const target = targetStop(event);
      const position = stopsBefore(target) + 1;
      clearDropTargets();
      if (orderId) actions.move({ type: 'move', orderId, vehicleId, position });
    });
  };

  /** A van of the depot with no route: a stop dropped here gives it one. */
  const idleCard = (vehicle: Vehicle): HTMLElement => {
    const list = el('ol', { 'data-vehicle-id': String(vehicle.id), class: 'idle-drop' });
    const card = el(
      'div',
      { class: 'card route idle', style: `--route-color:${state.colorOfVehicle(vehicle.id)}`, 'data-route-vehicle': String(vehicle.id) },
      el('strong', {}, vehicle.name),
      el('span', { class: 'muted' }, ' · no route: drop a stop here'),
      list,
    );
    acceptDrops(card, list, vehicle.id);
    return card;
  };

  const routeCard = (route: PlanRoute): HTMLElement => {
    const driver = state.drivers.find((candidate) => candidate.id === route.driverId || candidate.vehicleId === route.vehicleId);
    const list = el('ol', { 'data-vehicle-id': String(route.vehicleId) });
    const multiTrip = route.trips > 1;
    if (multiTrip) list.append(el('li', { class: 'trip' }, 'Trip 1'));
    for (const stop of route.stops) {
      const label = state.orderLabel(stop.orderId);
      const lock = el('input', { type: 'checkbox', 'aria-label': `Lock ${label}` });
      lock.checked = stop.locked;
      lock.addEventListener('change', () => actions.edit({ type: lock.checked ? 'lock' : 'unlock', orderIds: [stop.orderId] }));
      const item = el(
        'li',
        { draggable: 'true', 'data-order-id': String(stop.orderId), 'data-stop-id': String(stop.id) },
        lock,
        ` ${label} `,
        el('span', { class: 'muted times' }, stopTimeLine(stop.times, stop.status)),
        ' ',
        el('span', { class: `status ${stop.status}` }, statusText(stop.status)),
        ...(shownViolations(stop).length ? [el('span', { class: 'violation' }, ` ⚠ ${causesText(shownViolations(stop))}`)] : []),
      );
      item.addEventListener('dragstart', (event) => event.dataTransfer?.setData('text/plain', String(stop.orderId)));
      list.append(item);
      for (const reload of route.reloads.filter((candidate) => candidate.afterSequence === stop.sequence)) {
        list.append(
          el('li', { class: 'reload', 'data-trip': String(reload.trip) }, `↻ Reload at depot ${clock(reload.arrival)}–${clock(reload.departure)}`, ...reloadStatus(reload)),
          el('li', { class: 'trip' }, `Trip ${reload.trip}`),
        );
      }
    }
    const card = el(
      'div',
      { class: 'card route', style: `--route-color:${state.colorOfVehicle(route.vehicleId)}`, 'data-route-vehicle': String(route.vehicleId) },
      el('strong', {}, state.nameOfVehicle(route.vehicleId)),
      el('span', { class: 'muted' }, ` ${driver?.name ?? ''} · ${route.stops.length} stops${multiTrip ? ` in ${route.trips} trips` : ''} · ${km(route.distanceMeters)} · ${clock(route.departure)}–${clock(route.arrival)}`),
      // What the driver is paid for, and the part of it spent parked.
      el('span', { class: 'muted paid' }, ` · paid ${hours(route.paidSeconds)}, waiting ${Math.round(route.waitingSeconds / 60)} min`),
      list,
    );
    acceptDrops(card, list, route.vehicleId);
    return card;
  };

  const idleKey = () => state.vehiclesWithoutRoute().map((vehicle) => `${vehicle.id}:${vehicle.name}`).join(',');
  let shownIdle = '';
  const render = () => {
    shownIdle = idleKey();
    $('#routes').replaceChildren(...(state.plan?.routes ?? []).map(routeCard), ...state.vehiclesWithoutRoute().map(idleCard));
    $('#unassigned').replaceChildren(...(state.plan?.unassigned ?? []).map((entry) => el('li', { 'data-order-id': String(entry.orderId) }, `${state.orderLabel(entry.orderId)}: ${entry.reason}`)));
  };
  state.subscribe('plan', render);
  // The fleet may arrive after the plan: its vans without a route get their cards then. Positions notify the fleet
  // too; those change no card, and redrawing would cut a drag under way.
  state.subscribe('fleet', () => {
    if (idleKey() !== shownIdle) render();
  });
  state.subscribe('stop', ({ stopId }) => {
    const stop = state.findStop(stopId);
    const row = document.querySelector(`li[data-stop-id="${stopId}"]`);
    if (!stop || !row) return;
    const status = row.querySelector('.status')!;
    status.className = `status ${stop.status}`;
    status.textContent = statusText(stop.status);
    row.querySelector('.times')!.textContent = stopTimeLine(stop.times, stop.status);
    if (!shownViolations(stop).length) row.querySelector('.violation')?.remove();
  });
}

/** What the driver confirmed of a reload: at the depot, then loaded. */
function reloadStatus(reload: PlanRoute['reloads'][number]): HTMLElement[] {
  if (reload.reloadedAt) return [el('span', { class: 'reload-status done' }, ` · reloaded ${clock(reload.reloadedAt)}`)];
  if (reload.arrivedAt) return [el('span', { class: 'reload-status' }, ` · at the depot since ${clock(reload.arrivedAt)}`)];
  return [];
}
