/** The top bar: which depot and day, how long to search and what to minimise, Plan (again) and Dispatch. */
import { $, el } from '../../common/dom';
import type { ConsoleState } from '../state';
import type { PlanObjective } from '../../../src/protocol/plans';

export interface ToolbarActions {
  depotChanged(depotId: number): void;
  dateChanged(date: string): void;
  plan(timeLimitSeconds: number, objective: PlanObjective): void;
  dispatch(): void;
}

export function mountToolbar(state: ConsoleState, actions: ToolbarActions): void {
  const depot = $('#depot') as HTMLSelectElement;
  const date = $('#date') as HTMLInputElement;
  const planButton = $('#plan') as HTMLButtonElement;
  const dispatchButton = $('#dispatch') as HTMLButtonElement;

  state.subscribe('fleet', () => {
    depot.replaceChildren(...state.depots.map((candidate) => el('option', { value: String(candidate.id) }, candidate.name)));
    // New options select the first: the depot shown stays the one chosen (positions refresh the fleet all day).
    if (state.depotId !== null) depot.value = String(state.depotId);
  });
  state.subscribe('selection', () => {
    if (state.depotId !== null) depot.value = String(state.depotId);
    date.value = state.date;
  });
  state.subscribe('plan', () => {
    dispatchButton.disabled = state.plan?.status !== 'succeeded';
    // A plan not yet dispatched is replaced by a new one; a dispatched one gets a proposal to accept.
    planButton.textContent = state.plan?.status === 'succeeded' || state.plan?.status === 'dispatched' ? 'Plan again' : 'Plan';
  });

  depot.addEventListener('change', () => actions.depotChanged(Number(depot.value)));
  // A date field being cleared or half typed has no day to show.
  date.addEventListener('change', () => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(date.value)) actions.dateChanged(date.value);
  });
  planButton.addEventListener('click', () => actions.plan(Number(($('#time-limit') as HTMLInputElement).value) || 5, ($('#objective') as HTMLSelectElement).value as PlanObjective));
  dispatchButton.addEventListener('click', () => actions.dispatch());
}
