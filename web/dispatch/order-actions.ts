/**
 * What the console asks of the server about single orders: the list (search, status, day, page by page), the
 * drawer's order with its timeline and delivery, and the dispatcher's changes (edit, transitions, reschedule,
 * new orders, imports). A change that the server refuses throws its ApiError, for the form to show in place.
 */
import type { Api } from '../common/api';
import type { OrderInput } from '../../src/protocol/orders';
import type { ImportOrdersResult } from '../../src/protocol/import';
import type { CreatedOrderResponse, IssuedTrackingLinkResponse, OrderEventResponse, OrderOutcomeResponse, OrderPatch, RescheduleInput } from '../../src/protocol/orders-api';
import type { MessageResponse } from '../../src/protocol/notifications';
import type { ConsoleActions } from './actions';
import type { ConsoleState, Order } from './state';
import { rememberTrackingLink } from './tracking-link';

/** Rows read at a time; "More orders" reads the next page. */
export const orderPageSize = 100;

export class OrderActions {
  /** The newest list read asked for: an older answer arriving later is dropped. */
  private listRead = 0;

  constructor(
    private readonly api: Api,
    private readonly state: ConsoleState,
    private readonly day: ConsoleActions,
  ) {}

  /** The first page of the list for the current query, or the next one. */
  async loadList(more = false): Promise<void> {
    const { text, status, allDays } = this.state.orderQuery;
    const cursor = more ? this.state.orderListNext : null;
    // A day chosen before the depots are read lists nothing yet: choosing the depot lists it.
    if ((more && !cursor) || this.state.depotId === null) return;
    const params = new URLSearchParams({ depotId: String(this.state.depotId), limit: String(orderPageSize) });
    if (!allDays && this.state.date) params.set('date', this.state.date);
    if (status) params.set('status', status);
    if (text.trim()) params.set('q', text.trim());
    if (cursor) params.set('cursor', cursor);
    const read = ++this.listRead;
    const page = await this.api.get<{ items: Order[]; nextCursor: string | null }>(`/orders?${params}`);
    if (read === this.listRead) this.state.setOrderList(page.items, page.nextCursor, more);
  }

  async open(orderId: number): Promise<void> {
    const [order, events, outcome, messages] = await Promise.all([
      this.api.get<Order>(`/orders/${orderId}`),
      this.api.get<{ items: OrderEventResponse[] }>(`/orders/${orderId}/events`),
      this.api.get<OrderOutcomeResponse>(`/orders/${orderId}/outcome`),
      this.api.get<{ items: MessageResponse[] }>(`/orders/${orderId}/messages`),
    ]);
    this.state.openDrawer({ order, events: events.items, outcome, messages: messages.items });
  }

  close(): void {
    this.state.openDrawer(null);
  }

  edit(orderId: number, patch: OrderPatch): Promise<void> {
    return this.changed(orderId, this.api.patch<Order>(`/orders/${orderId}`, patch));
  }

  transition(orderId: number, status: Order['status'], reason?: string): Promise<void> {
    return this.changed(orderId, this.api.post<Order>(`/orders/${orderId}/transitions`, { status, reason }));
  }

  /** New windows; for a failed order this is its re-attempt. */
  reschedule(orderId: number, input: RescheduleInput): Promise<void> {
    return this.changed(orderId, this.api.post<Order>(`/orders/${orderId}/reschedule`, input));
  }

  /** Without a location the order is sent as it is: the server says what is missing (or, with geocoding, finds it). */
  async create(input: Omit<OrderInput, 'location'> & { location?: [number, number]; overrideCapacity?: boolean }): Promise<Order> {
    const order = await this.api.post<CreatedOrderResponse>('/orders', { ...input, depotId: this.state.depotId ?? undefined });
    rememberTrackingLink(order.id, order.trackingLink);
    await this.refreshAround();
    await this.open(order.id);
    return order;
  }

  /** A new tracking link for the order (the old one stops working; the customer is sent the new one). */
  async issueTrackingLink(orderId: number): Promise<void> {
    const issued = await this.api.post<IssuedTrackingLinkResponse>(`/orders/${orderId}/tracking/link`, {});
    rememberTrackingLink(orderId, issued.path);
    await this.open(orderId);
  }

  async importFile(file: File, source: string, overrideCapacity = false): Promise<ImportOrdersResult> {
    const params = new URLSearchParams({ source, ...(this.state.depotId ? { depotId: String(this.state.depotId) } : {}), ...(overrideCapacity ? { overrideCapacity: 'true' } : {}) });
    const result = await this.api.upload<ImportOrdersResult>(`/orders/import?${params}`, file, contentTypeOf(file));
    await this.refreshAround();
    return result;
  }

  private async changed(orderId: number, answer: Promise<Order>): Promise<void> {
    this.state.replaceOrder(await answer);
    await Promise.all([this.open(orderId), this.refreshAround()]);
  }

  /** The list and the day (its plan may have changed: an order left a route) read again. */
  private async refreshAround(): Promise<void> {
    await Promise.all([this.loadList(), this.day.loadDay()]);
  }
}

function contentTypeOf(file: File): string {
  if (/\.csv$/i.test(file.name)) return 'text/csv';
  if (/\.geojson$/i.test(file.name)) return 'application/geo+json';
  if (/\.json$/i.test(file.name)) return 'application/json';
  return file.type || 'text/csv';
}
