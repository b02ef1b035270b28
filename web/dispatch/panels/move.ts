/** The Move form and its preview: which ETAs change and which violations appear; nothing changes until Confirm. */
import { $, el } from '../../common/dom';
import { causesText, clock } from '../../common/format';
import type { PlanEdit } from '../../../src/protocol/plans';
import type { ConsoleActions } from '../actions';
import type { ConsoleState } from '../state';

export interface MovePanel {
  /** Shows what the edit would do and waits for Confirm or Cancel. */
  preview(edit: PlanEdit): Promise<void>;
}

export function mountMove(state: ConsoleState, actions: ConsoleActions): MovePanel {
  let pendingEdit: PlanEdit | null = null;
  const close = () => {
    $('#preview').classList.add('hidden');
    pendingEdit = null;
  };

  const renderOptions = () => {
    const routes = state.plan?.routes ?? [];
    $('#move-order').replaceChildren(...routes.flatMap((route) => route.stops.map((stop) => el('option', { value: String(stop.orderId) }, `${state.orderLabel(stop.orderId)} (${state.nameOfVehicle(route.vehicleId)} #${stop.sequence})`))));
    $('#move-vehicle').replaceChildren(...state.vehicles.map((vehicle) => el('option', { value: String(vehicle.id) }, vehicle.name)));
  };
  state.subscribe('plan', renderOptions);

  const preview = async (edit: PlanEdit) => {
    const result = await actions.previewEdit(edit);
    if (!result || !state.plan) return;
    pendingEdit = edit;
    // Compared by the expected service start, the time every stop line shows.
    const before = new Map(state.stops().map((stop) => [stop.orderId, clock(stop.times.serviceStart)] as const));
    const changed = result.routes.flatMap((route) =>
      route.stops
        .filter((stop) => before.get(stop.orderId) !== clock(stop.times.serviceStart))
        .map((stop) => el('li', {}, `${state.orderLabel(stop.orderId)} (${state.nameOfVehicle(route.vehicleId)} #${stop.sequence}): starts ${before.get(stop.orderId) ?? '–'} → ${clock(stop.times.serviceStart)}${stop.violations.length ? ` ⚠ ${causesText(stop.violations)}` : ''}`)),
    );
    $('#preview-body').replaceChildren(
      el('p', { class: result.violations.length ? 'violation' : 'ok' }, result.violations.length ? `Violations: ${causesText(result.violations)}` : 'No violations.'),
      el('ul', {}, ...changed),
    );
    $('#preview').classList.remove('hidden');
    $('#preview-confirm').focus();
  };

  $('#move-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void preview({ type: 'move', orderId: Number(($('#move-order') as HTMLSelectElement).value), vehicleId: Number(($('#move-vehicle') as HTMLSelectElement).value), position: Number(($('#move-position') as HTMLInputElement).value) || 1 });
  });
  $('#preview-confirm').addEventListener('click', () => {
    const edit = pendingEdit;
    close();
    if (edit) void actions.applyEdit(edit);
  });
  $('#preview-cancel').addEventListener('click', close);
  return { preview };
}
