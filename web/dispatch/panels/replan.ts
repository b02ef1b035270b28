/**
 * The "Plan again" proposal in the Routes tab: totals before → after, and per van what moves in and out, the new
 * orders it gets, the orders taken off and the stops reordered, each listed; Accept applies it, Discard drops it.
 */
import { $, el } from '../../common/dom';
import { hours, km } from '../../common/format';
import type { ConsoleState, Proposal } from '../state';

export interface ReplanActions {
  accept(): void;
  discard(): void;
}


export function mountReplan(state: ConsoleState, actions: ReplanActions): void {
  const orders = (ids: number[]) => ids.map((id) => state.orderLabel(id)).join(', ');

  const vanItem = (change: Proposal['changes'][number]): HTMLElement => {
    const lines: string[] = [];
    if (change.movedIn.length) lines.push(`in: ${change.movedIn.map((move) => `${state.orderLabel(move.orderId)} (from ${state.nameOfVehicle(move.fromVehicleId)})`).join(', ')}`);
    if (change.movedOut.length) lines.push(`out: ${change.movedOut.map((move) => `${state.orderLabel(move.orderId)} (to ${state.nameOfVehicle(move.toVehicleId)})`).join(', ')}`);
    if (change.added.length) lines.push(`new: ${orders(change.added)}`);
    if (change.removed.length) lines.push(`removed: ${change.removed.map((entry) => `${state.orderLabel(entry.orderId)} (${entry.reason})`).join(', ')}`);
    if (change.reordered.length) lines.push(`reordered: ${orders(change.reordered)}`);
    const counts = `${change.movedIn.length} in · ${change.movedOut.length} out · ${change.added.length} new · ${change.removed.length} removed · ${change.reordered.length} reordered`;
    return el(
      'li',
      { 'data-vehicle-id': String(change.vehicleId) },
      el('strong', {}, `${state.nameOfVehicle(change.vehicleId)}${change.newRoute ? ' (new route)' : ''}`),
      ' ',
      el('span', { class: 'counts' }, counts),
      el('ul', { class: 'muted' }, ...lines.map((line) => el('li', {}, line))),
    );
  };

  state.subscribe('proposal', () => {
    const proposal = state.proposal;
    $('#replan').classList.toggle('hidden', !proposal);
    if (!proposal) return $('#replan-body').replaceChildren();
    const { before, after } = proposal.totals;
    $('#replan-body').replaceChildren(
      el(
        'p',
        { class: 'totals' },
        `Distance ${km(before.distanceMeters)} → ${km(after.distanceMeters)} · duration ${hours(before.durationSeconds)} → ${hours(after.durationSeconds)} · late stops ${before.lateStops} → ${after.lateStops} · unassigned ${before.unassigned} → ${after.unassigned}`,
      ),
      proposal.changes.length ? el('ul', { class: 'replan-vans' }, ...proposal.changes.map(vanItem)) : el('p', {}, 'No van changes.'),
      ...(proposal.unassigned.length ? [el('p', { class: 'violation' }, `Left out: ${proposal.unassigned.map((entry) => `${state.orderLabel(entry.orderId)} (${entry.reason})`).join(', ')}`)] : []),
      ...(proposal.offShiftVehicleIds.length ? [el('p', { class: 'muted' }, `Shift over, left as they are: ${proposal.offShiftVehicleIds.map((id) => state.nameOfVehicle(id)).join(', ')}`)] : []),
      el('p', { class: 'muted' }, `Stops done or under way stay as they are. Valid until ${proposal.expiresAt.slice(11, 16)}.`),
    );
    $('#replan-accept').focus();
  });

  $('#replan-accept').addEventListener('click', () => actions.accept());
  $('#replan-discard').addEventListener('click', () => actions.discard());
}
