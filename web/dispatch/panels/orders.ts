/** The Orders tab: filters (status, window, priority), the count, the table of the day's orders, and moving the shown ones to ready. */
import { $, el } from '../../common/dom';
import { statusText, windowText } from '../../common/format';
import { orderStatuses } from '../../../src/domain/model/order';
import type { ConsoleState } from '../state';

export interface OrdersActions {
  /** Moves the orders to the status in one request. */
  moveOrders(orderIds: number[], status: 'ready'): void;
}

export function mountOrders(state: ConsoleState, actions: OrdersActions): void {
  const status = $('#filter-status') as HTMLSelectElement;
  const from = $('#filter-from') as HTMLInputElement;
  const to = $('#filter-to') as HTMLInputElement;
  const priority = $('#filter-priority') as HTMLInputElement;
  status.append(...orderStatuses.map((candidate) => el('option', { value: candidate }, statusText(candidate))));
  for (const input of [status, from, to, priority]) {
    input.addEventListener('input', () => state.setFilter({ status: status.value, from: from.value, to: to.value, minPriority: Number(priority.value) || 0 }));
  }

  const toReady = $('#orders-ready') as HTMLButtonElement;
  toReady.addEventListener('click', () => actions.moveOrders(state.filteredOrders().filter((order) => order.status === 'received').map((order) => order.id), 'ready'));

  const render = () => {
    const orders = state.filteredOrders();
    toReady.disabled = !orders.some((order) => order.status === 'received');
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
