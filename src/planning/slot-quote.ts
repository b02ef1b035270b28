/**
 * The delivery promise at checkout: per date, each window of the depot's slot calendar, available or why not, and
 * for the available ones what the order costs that day (cheapest verified insertion into the day's plan or
 * forecast, promise-day.ts). The tracking page's "choose another window", the reservations and the checkout's
 * quote all ask this, so they offer the same windows.
 */
import type { Repositories } from '../db/repositories';
import type { Depot } from '../domain/model/fleet';
import type { UnavailableReason, Weekday } from '../domain/model/slot-calendar';
import { cutoffEpochSeconds, slotKey, weekdayOf, windowsOn } from '../domain/slots';
import { localDayRange } from '../domain/time';
import type { Insertion, PromiseDays, PromiseProbe } from './promise-day';

export interface QuotedWindow {
  date: string;
  weekday: Weekday;
  startEpochSeconds: number;
  endEpochSeconds: number;
  capacity: number;
  /** Orders in the window. */
  promised: number;
  /** Reservations holding it. */
  held: number;
  cutoffEpochSeconds: number;
  reason: UnavailableReason | null;
  /** Available windows only. */
  insertion: Insertion | null;
}

/** How full each window of `dates` is: promised orders and held reservations against capacity. */
export async function windowLoads(repos: Repositories, depot: Depot, dates: string[], nowEpoch: number): Promise<Omit<QuotedWindow, 'reason' | 'insertion'>[]> {
  if (dates.length === 0) return [];
  const sorted = [...dates].sort();
  const from = localDayRange(sorted[0]!, depot.timeZone)[0];
  const to = localDayRange(sorted.at(-1)!, depot.timeZone)[1];
  const promised = await repos.orders.countByWindow(depot.id, from, to);
  const held = await repos.slotReservations.countHeldByWindow(depot.id, from, to, nowEpoch);
  return dates.flatMap((date) => {
    const cutoff = cutoffEpochSeconds(depot.slotCalendar, date, depot.timeZone);
    return windowsOn(depot.slotCalendar, date, depot.timeZone).map((window) => {
      const key = slotKey(window.startEpochSeconds, window.endEpochSeconds);
      return { date, weekday: weekdayOf(date), startEpochSeconds: window.startEpochSeconds, endEpochSeconds: window.endEpochSeconds, capacity: window.capacity, promised: promised.get(key) ?? 0, held: held.get(key) ?? 0, cutoffEpochSeconds: cutoff };
    });
  });
}

/**
 * Every window of `dates` for the probe. `only` narrows it to one window (a reservation checks just its own).
 * `repos` may be a transaction holding the depot's booking lock: then the answer cannot change before it commits.
 */
export async function quoteWindows(repos: Repositories, days: PromiseDays, depot: Depot, probe: PromiseProbe, dates: string[], nowEpoch: number, only?: { startEpochSeconds: number; endEpochSeconds: number }): Promise<QuotedWindow[]> {
  // The day's digests are read with the loads, once for every date of the quote.
  const [allLoads, digests] = await Promise.all([windowLoads(repos, depot, dates, nowEpoch), days.digests(repos, depot, dates, nowEpoch)]);
  const loads = allLoads.filter((load) => !only || (load.startEpochSeconds === only.startEpochSeconds && load.endEpochSeconds === only.endEpochSeconds));
  const roads = days.roadsFor(probe.location);
  // Dates are independent days: their reads overlap, and each day's routes are priced under its own lock.
  const perDate = await Promise.all(
    dates.map(async (date) => {
      const windows = loads.filter((load) => load.date === date);
      const open = windows.filter((window) => nowEpoch < window.cutoffEpochSeconds && window.promised + window.held < window.capacity);
      const answers = open.length === 0 ? new Map<number, { reason: UnavailableReason | null; insertion: Insertion | null }>() : await days.withDay(repos, depot, date, nowEpoch, async (day) => {
        const vehicles = day.vehicles;
        const skilled = vehicles.filter((vehicle) => probe.requiredSkills.every((skill) => vehicle.skills.includes(skill)));
        const roomy = skilled.filter((vehicle) => probe.demand.weightKg <= vehicle.capacity.weightKg && probe.demand.volumeL <= vehicle.capacity.volumeL && probe.demand.items <= vehicle.capacity.items);
        const result = new Map<number, { reason: UnavailableReason | null; insertion: Insertion | null }>();
        for (const window of open) {
          if (skilled.length === 0) result.set(window.startEpochSeconds, { reason: 'no_vehicle_with_skill', insertion: null });
          else if (roomy.length === 0) result.set(window.startEpochSeconds, { reason: 'no_vehicle_with_capacity', insertion: null });
          else {
            const insertion = await day.quote(probe, window, roads);
            result.set(window.startEpochSeconds, { reason: insertion ? null : 'no_room', insertion });
          }
        }
        return result;
      }, digests.get(date));
      return windows.map((window): QuotedWindow => {
        const reason: UnavailableReason | null = nowEpoch >= window.cutoffEpochSeconds ? 'cut_off_passed' : window.promised + window.held >= window.capacity ? 'full' : (answers.get(window.startEpochSeconds)?.reason ?? null);
        return { ...window, reason, insertion: reason === null ? (answers.get(window.startEpochSeconds)?.insertion ?? null) : null };
      });
    }),
  );
  return perDate.flat();
}
