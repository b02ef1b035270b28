/** The Orders tab: filters (status, window, priority), the count and the table of the day's orders. */
import { $, el } from '../../common/dom';
import { statusText, windowText } from '../../common/format';
import { orderStatuses } from '../../../src/domain/model/order';
import type { ConsoleState } from '../state';

export function mountOrders(state: ConsoleState): void {
  const status = $('#filter-status') as HTMLSelectElement;
  const from = $('#filter-from') as HTMLInputElement;
  const to = $('#filter-to') as HTMLInputElement;
  const priority = $('#filter-priority') as HTMLInputElement;
  status.append(...orderStatuses.map((candidate) => el('option', { value: candidate }, statusText(candidate))));
  for (const input of [status, from, to, priority]) {
    input.addEventListener('input', () => state.setFilter({ status: status.value, from: from.value, to: to.value, minPriority: Number(priority.value) || 0 }));
  }

  const render = () => {
    const orders = state.filteredOrders();
    $('#order-count').textContent = `${orders.length} of ${state.orders.size} orders`;
    $('#orders').replaceChildren(
      ...orders.map((order) =>
        el(
          'tr',
          { 'data-order-id': String(order.id) },
          el('td', {}, order.displayId),
          el('td', {}, order.customerName, el('div', { class: 'muted' }, order.addressText)),
          el('td', {}, windowText(order.timeWindows[0])),
          el('td', {}, String(order.priority)),
          el('td', {}, el('span', { class: `status ${order.status}` }, statusText(order.status))),
        ),
      ),
    );
  };
  state.subscribe('orders', render);
  state.subscribe('filter', render);
}
