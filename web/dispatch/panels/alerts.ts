/**
 * The Alerts tab: the depot's open alerts as the server keeps them (late stops, vans off route or off the road
 * network, failed deliveries, unassigned orders), newest first (the last 100 shown), each with Acknowledge,
 * and their count on the tab.
 */
import { $, el } from '../../common/dom';
import type { ConsoleState } from '../state';

const shown = 100;

export interface AlertActions {
  acknowledge(alertId: number): void;
}

export function mountAlerts(state: ConsoleState, actions: AlertActions): void {
  state.subscribe('alerts', () => {
    const open = state.openAlerts();
    $('#alerts').replaceChildren(
      ...open.slice(0, shown).map((alert) => {
        const acknowledge = el('button', { type: 'button', 'aria-label': `Acknowledge: ${alert.message}` }, 'Acknowledge');
        acknowledge.addEventListener('click', () => {
          acknowledge.setAttribute('disabled', '');
          actions.acknowledge(alert.id);
        });
        return el(
          'li',
          { 'data-alert-id': String(alert.id), 'data-kind': alert.kind },
          el('span', { class: 'muted' }, state.depotClock(Date.parse(alert.raisedAt) / 1000)),
          ' ',
          el('span', { class: 'alert-message' }, alert.message),
          ' ',
          acknowledge,
        );
      }),
    );
    $('#alert-count').textContent = `(${open.length})`;
  });
}
