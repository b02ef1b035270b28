/**
 * Orders that arrive without a reservation (POST /orders with timeWindows, an import, the console's form) but in one
 * of their depot's calendar windows take its capacity as a reservation does: under the depot's booking lock, in the
 * caller's transaction, counted against the orders promised and the reservations held. A window that is full refuses
 * the order unless the dispatcher says to book it anyway (`overrideCapacity`). Orders in other windows (09:00–12:00
 * when the calendar offers 08:00–12:00) are not slot bookings and take no capacity.
 */
import type { Repositories } from '../db/repositories';
import type { Depot } from '../domain/model/fleet';
import type { EpochWindow } from '../domain/model/time-window';
import { calendarWindowOf, slotKey } from '../domain/slots';
import { secondsToClock } from '../protocol/common';
import { windowLoads } from '../planning/slot-quote';
import { conflict } from '../errors';

export interface WindowClaim {
  timeWindows: EpochWindow[];
  /** The windows the order held before (an import updating it): staying in the same window takes nothing more. */
  previous?: EpochWindow[];
}

export interface FullWindow {
  date: string;
  /** Local times, as the calendar names the window. */
  start: string;
  end: string;
  capacity: number;
  /** Orders promised and reservations held in it, before this order. */
  taken: number;
}

/**
 * Which claims the windows cannot take, in order (each one admitted counts against the next): null where it fits or
 * is no calendar window. Locks the depot for booking only when some claim is a calendar window.
 */
export async function claimWindows(repos: Repositories, depotId: number, claims: WindowClaim[], nowEpoch: number): Promise<(FullWindow | null)[]> {
  const unlocked = await repos.depots.findById(depotId);
  if (!unlocked || !claims.some((claim) => newWindow(unlocked, claim))) return claims.map(() => null);
  // The calendar as it stands under the lock: a capacity changed meanwhile counts.
  const depot = (await repos.depots.lockForBooking(depotId))!;
  const wanted = claims.map((claim) => newWindow(depot, claim));
  const dates = [...new Set(wanted.flatMap((window) => (window ? [window.date] : [])))];
  const taken = new Map((await windowLoads(repos, depot, dates, nowEpoch)).map((load) => [slotKey(load.startEpochSeconds, load.endEpochSeconds), load.promised + load.held]));
  return wanted.map((window) => {
    if (!window) return null;
    const key = slotKey(window.startEpochSeconds, window.endEpochSeconds);
    const before = taken.get(key) ?? 0;
    if (before >= window.capacity) return { date: window.date, start: secondsToClock(window.startSeconds), end: secondsToClock(window.endSeconds), capacity: window.capacity, taken: before };
    taken.set(key, before + 1);
    return null;
  });
}

/** The calendar window the claim moves the order into, or null when it takes none (no calendar window, or the same). */
function newWindow(depot: Depot, claim: WindowClaim) {
  const window = calendarWindowOf(depot.slotCalendar, claim.timeWindows, depot.timeZone);
  if (!window || !claim.previous) return window;
  const before = calendarWindowOf(depot.slotCalendar, claim.previous, depot.timeZone);
  return before && before.startEpochSeconds === window.startEpochSeconds && before.endEpochSeconds === window.endEpochSeconds ? null : window;
}

/**
 * New windows are booked under the depot's lock: taken before the order's row, in the order imports and new orders
 * take them, so two bookings never wait on each other.
 */
export async function lockDepotFirst(repos: Repositories, orderId: number, movesWindows: boolean): Promise<void> {
  const depotId = movesWindows ? (await repos.orders.findById(orderId))?.depotId : null;
  if (depotId) await repos.depots.lockForBooking(depotId);
}

/** What a refusal says: the window and how full it is. */
export function fullMessage(full: FullWindow): string {
  return `window ${full.start}–${full.end} on ${full.date} is full (${full.taken} of ${full.capacity} promised or held)`;
}

/**
 * One order's claim, as every order path books it: a full window is a 409 naming timeWindows unless the dispatcher
 * books it anyway, and then the answer is what the order's timeline records as overbooked. No depot: nothing to book.
 */
export async function bookWindow(repos: Repositories, depotId: number | null, claim: WindowClaim, nowEpoch: number, overrideCapacity = false): Promise<string | undefined> {
  const [full] = depotId === null ? [null] : await claimWindows(repos, depotId, [claim], nowEpoch);
  if (!full) return undefined;
  if (!overrideCapacity) {
    throw conflict(`The ${fullMessage(full)}; choose another window, or set overrideCapacity to book it anyway`, [{ path: 'timeWindows', message: fullMessage(full), reason: 'full' }]);
  }
  return fullMessage(full);
}
