/** Quoted windows, reservations and window loads as the API answers them, in the depot's time zone. */
import type { Depot } from '../../domain/model/fleet';
import type { SlotReservation } from '../../domain/model/slot-reservation';
import { localDate, toIsoInZone } from '../../domain/time';
import type { Insertion } from '../../planning/promise-day';
import type { QuotedWindow } from '../../planning/slot-quote';
import type { SlotLoadsResponse, SlotQuoteResponse, SlotReservationResponse } from '../../protocol/slots';
import type { LonLat } from '../../domain/model/geometry';

/** "08:00"; a window to midnight ends at "24:00" of its day, not "00:00". */
function clocks(startEpoch: number, endEpoch: number, timeZone: string): { start: string; end: string } {
  const clockOf = (epoch: number) => toIsoInZone(epoch, timeZone).slice(11, 16);
  const end = clockOf(endEpoch);
  return { start: clockOf(startEpoch), end: end === '00:00' && endEpoch > startEpoch ? '24:00' : end };
}

function windowFields(window: Omit<QuotedWindow, 'reason' | 'insertion'>, timeZone: string) {
  return {
    ...clocks(window.startEpochSeconds, window.endEpochSeconds, timeZone),
    startsAt: toIsoInZone(window.startEpochSeconds, timeZone),
    endsAt: toIsoInZone(window.endEpochSeconds, timeZone),
    capacity: window.capacity,
    promised: window.promised,
    held: window.held,
  };
}

const byDate = <T extends { date: string }>(windows: T[]) => [...new Set(windows.map((window) => window.date))].map((date) => ({ date, windows: windows.filter((window) => window.date === date) }));

const presentMarginal = ({ marginal }: Insertion) => ({
  extraDrivingMinutes: Math.round(marginal.extraDrivingSeconds / 6) / 10,
  extraKm: Math.round(marginal.extraMeters / 10) / 100,
  extraDrivingSeconds: marginal.extraDrivingSeconds,
  extraMeters: marginal.extraMeters,
  extraWaitingSeconds: marginal.extraWaitingSeconds,
  extraWorkingSeconds: marginal.extraWorkingSeconds,
  cost: marginal.cost,
});

export function presentQuote(depot: Depot, location: LonLat, dates: string[], windows: QuotedWindow[]): SlotQuoteResponse {
  const grouped = new Map(byDate(windows).map((entry) => [entry.date, entry.windows]));
  return {
    depotId: depot.id,
    timeZone: depot.timeZone,
    location,
    dates: dates.map((date) => ({
      date,
      windows: (grouped.get(date) ?? []).map((window) => ({
        ...windowFields(window, depot.timeZone),
        cutoffAt: toIsoInZone(window.cutoffEpochSeconds, depot.timeZone),
        available: window.reason === null,
        reason: window.reason,
        marginal: window.insertion ? presentMarginal(window.insertion) : null,
        priceClass: window.insertion?.priceClass ?? null,
      })),
    })),
  };
}

export function presentReservation(depot: Depot, reservation: SlotReservation, insertion: Insertion): SlotReservationResponse {
  const { startEpochSeconds, endEpochSeconds } = reservation.window;
  return {
    id: reservation.id,
    depotId: reservation.depotId,
    date: localDate(depot.timeZone, startEpochSeconds),
    ...clocks(startEpochSeconds, endEpochSeconds, depot.timeZone),
    startsAt: toIsoInZone(startEpochSeconds, depot.timeZone),
    endsAt: toIsoInZone(endEpochSeconds, depot.timeZone),
    expiresAt: toIsoInZone(reservation.expiresAtEpoch, depot.timeZone),
    marginal: presentMarginal(insertion),
    priceClass: insertion.priceClass,
  };
}

export function presentLoads(depot: Depot, dates: string[], windows: Omit<QuotedWindow, 'reason' | 'insertion'>[]): SlotLoadsResponse {
  const grouped = new Map(byDate(windows).map((entry) => [entry.date, entry.windows]));
  return {
    depotId: depot.id,
    timeZone: depot.timeZone,
    dates: dates.map((date) => {
      const day = grouped.get(date) ?? [];
      return { date, cutoffAt: day[0] ? toIsoInZone(day[0].cutoffEpochSeconds, depot.timeZone) : '', windows: day.map((window) => windowFields(window, depot.timeZone)) };
    }),
  };
}
