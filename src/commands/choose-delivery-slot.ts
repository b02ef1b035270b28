/**
 * The customer picks another window or date from those the depot offers: the order gets that window and is
 * planned into that day (it leaves a plan it no longer fits, a failed one becomes a re-attempt), written as an
 * `order.rescheduled` entry with its notification. Refused: a window the depot does not offer on that date
 * (400), a day past its cut-off or a full window (409), an order already out for delivery (409).
 */
import { nowEpochSeconds } from '../domain/clock';
import type { Order } from '../domain/model/order';
import { cutoffEpochSeconds, offeredWindow, weekdayOf } from '../domain/slots';
import { probeOfOrder, type PromiseDays } from '../planning/promise-day';
import { quoteWindows } from '../planning/slot-quote';
import { localDate, toIsoInZone } from '../domain/time';
import { conflict, invalidInput } from '../errors';
import { clockToSeconds, secondsToClock } from '../protocol/common';
import type { SlotChoice } from '../protocol/tracking';
import { inTransaction } from './context';
import { customerActor, lockCustomerOrder } from './customer-link';
import type { InsertionDeps } from './insert-live-order';
import { publishRescheduled, rescheduleLocked } from './reschedule-order';

/** How far ahead a customer may choose: also the most GET …/slots lists. */
export const maxSlotDays = 28;

export async function chooseDeliverySlot(deps: InsertionDeps, days: PromiseDays, token: string, choice: SlotChoice, linkTtlSeconds: number): Promise<Order> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  const reason = 'chosen by the customer';
  const outcome = await inTransaction(deps.context, async (repos) => {
    const order = await lockCustomerOrder(repos, token, nowEpoch, linkTtlSeconds, 'reschedule', { booking: true });
    const depot = order.depotId === null ? null : await repos.depots.lockForBooking(order.depotId);
    if (!depot) throw conflict('This order has no depot to offer windows', [{ path: 'body.date', message: 'no depot' }]);

    const today = localDate(depot.timeZone, nowEpoch);
    const lastDay = new Date(Date.parse(today) + (maxSlotDays - 1) * 86_400_000).toISOString().slice(0, 10);
    if (choice.date < today || choice.date > lastDay) throw invalidInput(`Choose a date from ${today} to ${lastDay}`, [{ path: 'body.date', message: `not between ${today} and ${lastDay}` }]);
    const window = offeredWindow(depot.slotCalendar, choice.date, clockToSeconds(choice.start), clockToSeconds(choice.end), depot.timeZone);
    if (!window) {
      const offered = (depot.slotCalendar.windows[weekdayOf(choice.date)] ?? []).map((candidate) => `${secondsToClock(candidate.startSeconds)}–${secondsToClock(candidate.endSeconds)}`);
      const message = offered.length === 0 ? `no deliveries on ${choice.date}` : `${choice.date} offers ${offered.join(', ')}`;
      throw invalidInput(`The depot offers no window ${choice.start}–${choice.end} on ${choice.date}`, [{ path: 'body.start', message }]);
    }
    const cutoff = cutoffEpochSeconds(depot.slotCalendar, choice.date, depot.timeZone);
    if (nowEpoch >= cutoff) throw conflict(`Windows on ${choice.date} could be chosen until ${toIsoInZone(cutoff, depot.timeZone)}`, [{ path: 'body.date', message: 'past the cut-off' }]);
    const [current] = order.timeWindows;
    if (order.timeWindows.length === 1 && current!.startEpochSeconds === window.startEpochSeconds && current!.endEpochSeconds === window.endEpochSeconds) {
      throw conflict('The order is already in this window', [{ path: 'body.start', message: 'the current window' }]);
    }
    // What the checkout's quote would say of this window, under the same booking lock a reservation takes.
    const [quoted] = await quoteWindows(repos, days, depot, probeOfOrder(order), [choice.date], nowEpoch, window);
    if (quoted!.reason === 'full') throw conflict(`The window ${choice.start}–${choice.end} on ${choice.date} is full`, [{ path: 'body.start', message: 'window is full', reason: 'full' }]);
    if (quoted!.reason !== null) throw conflict(`The window ${choice.start}–${choice.end} on ${choice.date} cannot be offered`, [{ path: 'body.start', message: quoted!.reason, reason: quoted!.reason }]);

    return rescheduleLocked(repos, deps, order, [{ startEpochSeconds: window.startEpochSeconds, endEpochSeconds: window.endEpochSeconds }], reason, customerActor, nowEpoch);
  });
  publishRescheduled(deps.context, outcome, reason, customerActor);
  return outcome.order;
}
