/**
 * The Orders tab: search (customer, address, ref), status, the day or every day — asked of the server, page
 * by page —, window and priority filters over the rows read, and the table; a row opens the order's drawer;
 * "Shown → ready" moves the received orders shown to ready in one request.
 */
import { $, el, say } from '../../common/dom';
import { statusText, windowText } from '../../common/format';
import { orderStatuses } from '../../../src/domain/model/order';
import type { OrderActions } from '../order-actions';
import type { ConsoleState } from '../state';

/** Typing pauses this long before the server is asked. */
const searchDelayMs = 250;

export interface BulkActions {
  /** Moves the orders to the status in one request. */
  moveOrders(orderIds: number[], status: 'ready'): void;
}

export function mountOrders(state: ConsoleState, actions: OrderActions, bulk: BulkActions): void {
  const text = $('#filter-text') as HTMLInputElement;
  const status = $('#filter-status') as HTMLSelectElement;
  const allDays = $('#filter-all-days') as HTMLInputElement;
  const from = $('#filter-from') as HTMLInputElement;
  const to = $('#filter-to') as HTMLInputElement;
  const priority = $('#filter-priority') as HTMLInputElement;
  const more = $('#orders-more') as HTMLButtonElement;
  status.append(...orderStatuses.map((candidate) => el('option', { value: candidate }, statusText(candidate))));

  const load = (next = false) => void actions.loadList(next).catch((error: Error) => say(`Orders could not be read: ${error.message}`, true));
  let typing: ReturnType<typeof setTimeout> | undefined;
  const query = () => {
    clearTimeout(typing);
    state.setOrderQuery({ text: text.value, status: status.value, allDays: allDays.checked });
    load();
  };
  text.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(query, searchDelayMs);
  });
  status.addEventListener('input', query);
  allDays.addEventListener('input', query);
  for (const input of [status, from, to, priority]) {
    input.addEventListener('input', () => state.setFilter({ status: status.value, from: from.value, to: to.value, minPriority: Number(priority.value) || 0 }));
  }
  more.addEventListener('click', () => load(true));
  const toReady = $('#orders-ready') as HTMLButtonElement;
  toReady.addEventListener('click', () => bulk.moveOrders(state.listedOrders().filter((order) => order.status === 'received').map((order) => order.id), 'ready'));
  // A new day or depot: the list follows it.
  state.subscribe('selection', () => load());

  $('#orders').addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-order-id]');
    if (row) void actions.open(Number(row.dataset.orderId)).catch((error: Error) => say(`Order could not be read: ${error.message}`, true));
  });
  $('#orders').addEventListener('keydown', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-order-id]');
    if (row && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      row.click();
    }
  });

  const render = () => {
    const orders = state.listedOrders();
    toReady.disabled = !orders.some((order) => order.status === 'received');
    const count = $('#order-count');
    count.textContent = `${orders.length} shown${state.orderListNext ? ' (more to read)' : ''} · ${state.orders.size} orders on ${state.date || 'the day'}`;
    count.dataset.dayOrders = String(state.orders.size);
    more.classList.toggle('hidden', !state.orderListNext);
    const open = state.drawer?.order.id;
    $('#orders').replaceChildren(
      ...orders.map((order) =>
        el(
          'tr',
          { 'data-order-id': String(order.id), tabindex: '0', 'aria-selected': String(order.id === open) },
          el('td', {}, order.displayId),
          el('td', {}, order.customerName, el('div', { class: 'muted' }, order.addressText, ...(order.geocodeConfidence === 'street' ? [' ', el('span', { class: 'confirm-badge', title: 'Placed on the street only: confirm the pin' }, 'confirm pin')] : []))),
          el('td', {}, windowText(order.timeWindows[0])),
          el('td', {}, String(order.priority)),
          el('td', {}, el('span', { class: `status ${order.status}` }, statusText(order.status))),
        ),
      ),
    );
  };
  state.subscribe('orderList', render);
  state.subscribe('orders', render);
  state.subscribe('filter', render);
  state.subscribe('drawer', render);
}
