/**
 * The depot's slot calendar laid over dates: each date's windows as epoch spans, its cut-off, the coming local days.
 * Pure: what a window holds and whether an order fits is the quote's (planning/slot-quote.ts).
 */
import { weekdays, type SlotCalendar, type SlotWindow, type Weekday } from './model/slot-calendar';
import type { EpochWindow } from './model/time-window';
import { localClockEpochSeconds, localDate, nextDate } from './time';

/** The weekday of a calendar date (YYYY-MM-DD), the same in every time zone. */
export function weekdayOf(date: string): Weekday {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  // getUTCDay: 0 is Sunday.
  return weekdays[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7]!;
}

function dateMinusDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day - days)).toISOString().slice(0, 10);
}

/** The instant after which `date` can no longer be chosen. */
export function cutoffEpochSeconds(calendar: SlotCalendar, date: string, timeZone: string): number {
  return localClockEpochSeconds(dateMinusDays(date, calendar.cutoff.daysBefore), calendar.cutoff.atSeconds, timeZone);
}

export const slotKey = (startEpochSeconds: number, endEpochSeconds: number) => `${startEpochSeconds}-${endEpochSeconds}`;

function windowOn(date: string, window: SlotWindow, timeZone: string) {
  return { startEpochSeconds: localClockEpochSeconds(date, window.startSeconds, timeZone), endEpochSeconds: localClockEpochSeconds(date, window.endSeconds, timeZone) };
}

/** The depot's windows on `date`, in time order, as epoch spans. */
export function windowsOn(calendar: SlotCalendar, date: string, timeZone: string): (SlotWindow & { startEpochSeconds: number; endEpochSeconds: number })[] {
  return (calendar.windows[weekdayOf(date)] ?? []).map((window) => ({ ...window, ...windowOn(date, window, timeZone) })).sort((a, b) => a.startEpochSeconds - b.startEpochSeconds);
}

/** The `days` local dates from today on, as the depot's clock reads them. */
export function comingDates(timeZone: string, nowEpoch: number, days: number): string[] {
  const dates = [localDate(timeZone, nowEpoch)];
  while (dates.length < days) dates.push(nextDate(dates.at(-1)!));
  return dates;
}

/** The depot's window on `date` starting and ending at these local times, or null when it offers none such. */
export function offeredWindow(calendar: SlotCalendar, date: string, startSeconds: number, endSeconds: number, timeZone: string): (SlotWindow & { startEpochSeconds: number; endEpochSeconds: number }) | null {
  const window = (calendar.windows[weekdayOf(date)] ?? []).find((candidate) => candidate.startSeconds === startSeconds && candidate.endSeconds === endSeconds);
  return window ? { ...window, ...windowOn(date, window, timeZone) } : null;
}

/**
 * The calendar window an order's windows make up (earliest start to latest end, as orders are counted per window),
 * or null when that span is not one of the depot's windows on its date.
 */
export function calendarWindowOf(calendar: SlotCalendar, windows: EpochWindow[], timeZone: string): (SlotWindow & { startEpochSeconds: number; endEpochSeconds: number; date: string }) | null {
  if (windows.length === 0) return null;
  const start = Math.min(...windows.map((window) => window.startEpochSeconds));
  const end = Math.max(...windows.map((window) => window.endEpochSeconds));
  const date = localDate(timeZone, start);
  const window = windowsOn(calendar, date, timeZone).find((candidate) => candidate.startEpochSeconds === start && candidate.endEpochSeconds === end);
  return window ? { ...window, date } : null;
}
