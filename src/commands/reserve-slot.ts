/**
 * Holds a window at checkout for a few minutes while the customer pays. The check and the hold are one
 * transaction under the depot's booking lock (the lock choosing a window on the tracking page takes too), so
 * concurrent checkouts, in any process, take turns: a window never holds more than its capacity, and the held
 * order is checked to fit the day's routes with everything reserved before it.
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { Depot } from '../domain/model/fleet';
import type { SlotReservation } from '../domain/model/slot-reservation';
import { offeredWindow, weekdayOf } from '../domain/slots';
import { localDate, toIsoInZone } from '../domain/time';
import { conflict, invalidInput } from '../errors';
import type { Insertion, PromiseDays, PromiseProbe } from '../planning/promise-day';
import { quoteWindows } from '../planning/slot-quote';
import { clockToSeconds, secondsToClock } from '../protocol/common';
import { maxQuoteDays } from '../protocol/slots';
import { inTransaction, type CommandContext } from './context';
import { nowEpochSeconds } from '../domain/clock';
import type { UnavailableReason } from '../domain/model/slot-calendar';

export interface SlotDeps {
  context: CommandContext;
  days: PromiseDays;
  /** How long a reservation holds its window. */
  holdSeconds: number;
}

export interface ReserveRequest {
  depotId: number;
  date: string;
  start: string;
  end: string;
  probe: PromiseProbe;
}

const reasonMessages: Record<UnavailableReason, string> = {
  cut_off_passed: 'past the cut-off',
  full: 'window is full',
  no_vehicle_with_skill: 'no vehicle has the skills',
  no_vehicle_with_capacity: 'no vehicle can carry the amounts',
  no_room: 'no route can take the order in this window',
};

/** The 400 for a date before the depot's today or beyond how far ahead it promises. */
export function assertQuotableDate(depot: Depot, date: string, nowEpoch: number, path: string): void {
  const today = localDate(depot.timeZone, nowEpoch);
  const lastDay = new Date(Date.parse(today) + (maxQuoteDays - 1) * 86_400_000).toISOString().slice(0, 10);
  if (date < today) throw invalidInput(`${date} is in the past: the depot's today is ${today}`, [{ path, message: `in the past (today is ${today})` }]);
  if (date > lastDay) throw invalidInput(`Windows can be promised up to ${lastDay}`, [{ path, message: `after ${lastDay}` }]);
}

export async function reserveSlot(deps: SlotDeps, request: ReserveRequest, by: Principal): Promise<{ reservation: SlotReservation; depot: Depot; insertion: Insertion }> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  return inTransaction(deps.context, async (repos) => {
    const depot = await repos.depots.lockForBooking(request.depotId);
    if (!depot) throw invalidInput('Unknown depot', [{ path: 'body.depotId', message: `depot ${request.depotId} does not exist` }]);
    assertQuotableDate(depot, request.date, nowEpoch, 'body.date');
    const window = offeredWindow(depot.slotCalendar, request.date, clockToSeconds(request.start), clockToSeconds(request.end), depot.timeZone);
    if (!window) {
      const offered = (depot.slotCalendar.windows[weekdayOf(request.date)] ?? []).map((candidate) => `${secondsToClock(candidate.startSeconds)}–${secondsToClock(candidate.endSeconds)}`);
      throw invalidInput(`The depot offers no window ${request.start}–${request.end} on ${request.date}`, [{ path: 'body.start', message: offered.length === 0 ? `no deliveries on ${request.date}` : `${request.date} offers ${offered.join(', ')}` }]);
    }
    const [quoted] = await quoteWindows(repos, deps.days, depot, request.probe, [request.date], nowEpoch, window);
    if (quoted!.reason !== null) {
      const at = quoted!.reason === 'cut_off_passed' ? `: windows on ${request.date} could be promised until ${toIsoInZone(quoted!.cutoffEpochSeconds, depot.timeZone)}` : '';
      throw conflict(`The window ${request.start}–${request.end} on ${request.date} cannot be promised: ${reasonMessages[quoted!.reason]}${at}`, [{ path: 'body.start', message: reasonMessages[quoted!.reason], reason: quoted!.reason }]);
    }
    const reservation = await repos.slotReservations.insert({
      id: `rsv_${randomBytes(12).toString('base64url')}`,
      depotId: depot.id,
      window: { startEpochSeconds: window.startEpochSeconds, endEpochSeconds: window.endEpochSeconds },
      expiresAtEpoch: nowEpoch + deps.holdSeconds,
      location: request.probe.location,
      serviceSeconds: request.probe.serviceSeconds,
      demand: request.probe.demand,
      requiredSkills: request.probe.requiredSkills,
      createdAtEpoch: nowEpoch,
      createdBy: by.actor,
    });
    return { reservation, depot, insertion: quoted!.insertion! };
  });
}
