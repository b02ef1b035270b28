/** The Alerts tab: failed deliveries, late and off-route vans, newest first (the last 100 shown), with a count on the tab. */
import { $, el } from '../../common/dom';
import type { ConsoleState } from '../state';

const shown = 100;

export function mountAlerts(state: ConsoleState): void {
  state.subscribe('alerts', () => {
    $('#alerts').replaceChildren(...state.alerts.slice(0, shown).map((alert) => el('li', {}, `${state.depotClock(alert.atEpoch)} ${alert.text}`)));
    $('#alert-count').textContent = `(${state.alerts.length})`;
  });
}
