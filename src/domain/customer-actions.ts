/**
 * What a customer may do through their tracking link, by the order's status. Pure: the commands enforce it and
 * the tracking view shows it, so the page offers only what the service accepts.
 */
import type { OrderStatus } from './model/order';

/** Instructions help until the driver is at the door; a re-attempt (failed, rescheduled) reads them again. */
const instructionStatuses: readonly OrderStatus[] = ['received', 'ready', 'planned', 'dispatched', 'out_for_delivery', 'failed', 'rescheduled'];

/**
 * Another window may be chosen until the van is loaded: once dispatched the customer has been told the parcel is
 * out for delivery (see notification-rules), and only the office may move a loaded parcel.
 */
const reschedulableByCustomer: readonly OrderStatus[] = ['received', 'ready', 'planned', 'failed', 'rescheduled'];

export type CustomerAction = 'instructions' | 'reschedule' | 'rate' | 'requestReturn';

export function customerMay(action: CustomerAction, status: OrderStatus, returnRequested: boolean): boolean {
  switch (action) {
    case 'instructions':
      return instructionStatuses.includes(status);
    case 'reschedule':
      return reschedulableByCustomer.includes(status);
    case 'rate':
      return status === 'delivered';
    case 'requestReturn':
      return status === 'delivered' && !returnRequested;
  }
}

/** Why an action is refused now, in the customer's words. */
export function refusal(action: CustomerAction, status: OrderStatus, returnRequested: boolean): string {
  if (action === 'reschedule' && ['dispatched', 'out_for_delivery', 'arrived'].includes(status)) return 'the order is already out for delivery';
  if (action === 'requestReturn' && returnRequested) return 'a return has already been requested';
  if ((action === 'rate' || action === 'requestReturn') && status !== 'delivered') return 'only a delivered order';
  return `the order is ${status.replace(/_/g, ' ')}`;
}
