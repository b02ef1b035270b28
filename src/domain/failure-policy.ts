/**
 * What happens after a failed delivery, per depot: the driver's reason decides whether the order is tried again
 * (on the depot's next working day, in the same time of day as its window) or goes back to the depot; after
 * `maxAttempts` failed attempts it goes back whatever the reason. Pure: the command reads the rows, this decides.
 */
import type { FailureReason } from './failure-reasons';
import type { OpeningHours } from './model/fleet';
import type { EpochWindow } from './model/time-window';
import { localClockEpochSeconds, localDate, nextDate, timeZoneOffsetSeconds } from './time';

export const failureActions = ['reattempt', 'return'] as const;
export type FailureAction = (typeof failureActions)[number];

export interface FailurePolicy {
  /** Failed attempts after which the order is returned to the depot, whatever the reason. */
  maxAttempts: number;
  /** Per reason: try again or return to the depot. */
  actions: Record<FailureReason, FailureAction>;
  /** Local ["HH:MM", "HH:MM"] for a re-attempt of an order that had no window of its own. */
  reattemptWindow: [string, string];
}

export const defaultFailurePolicy: FailurePolicy = {
  maxAttempts: 3,
  actions: { not_home: 'reattempt', access: 'reattempt', address_problem: 'reattempt', other: 'reattempt', refused: 'return', damaged: 'return' },
  reattemptWindow: ['09:00', '18:00'],
};

/** What a depot is given: what is left out takes the default. */
export type FailurePolicyInput = Partial<Omit<FailurePolicy, 'actions'>> & { actions?: Partial<FailurePolicy['actions']> };

/** A depot's stored policy (null or partial: the defaults fill in). */
export function resolveFailurePolicy(stored: FailurePolicyInput | null | undefined): FailurePolicy {
  return {
    maxAttempts: stored?.maxAttempts ?? defaultFailurePolicy.maxAttempts,
    actions: { ...defaultFailurePolicy.actions, ...stored?.actions },
    reattemptWindow: stored?.reattemptWindow ?? defaultFailurePolicy.reattemptWindow,
  };
}

export type FailureDecision =
  | { action: 'reattempt'; attempt: number; date: string; timeWindows: EpochWindow[] }
  /** `because`: the reason's rule, or the last attempt allowed has failed. */
  | { action: 'return'; attempt: number; because: 'reason' | 'max_attempts' };

/** What a `failed` event says comes next (its `data.nextStep`), as the customer's message reads it; `office`: the office decides. */
export type NextStep = { action: 'reattempt'; date: string; windows: [number, number][] } | { action: 'return'; because: 'reason' | 'max_attempts' } | { action: 'office' };

export interface FailedAttempt {
  reason: FailureReason;
  /** 1 for the first delivery attempt. */
  attempt: number;
  failedAtEpoch: number;
  /** The windows the failed attempt was promised. */
  timeWindows: EpochWindow[];
}

export interface DepotCalendar {
  timeZone: string;
  openingHours: OpeningHours;
}

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** "2026-12-04" → "fri". */
export function weekdayOf(date: string): (typeof weekdays)[number] {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return weekdays[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]!;
}

/** The first day after `date` the depot is open; with no opening hours at all, every day is a working day. */
export function nextWorkingDay(date: string, openingHours: OpeningHours): string {
  const open = (day: string) => (openingHours[weekdayOf(day)]?.length ?? 0) > 0;
  const anyOpen = weekdays.some((weekday) => (openingHours[weekday]?.length ?? 0) > 0);
  let day = nextDate(date);
  while (anyOpen && !open(day)) day = nextDate(day);
  return day;
}

const clockSeconds = (clock: string) => {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 3600 + minutes * 60;
};

export function decideFailure(failed: FailedAttempt, policy: FailurePolicy, depot: DepotCalendar): FailureDecision {
  if (failed.attempt >= policy.maxAttempts) return { action: 'return', attempt: failed.attempt, because: 'max_attempts' };
  if (policy.actions[failed.reason] === 'return') return { action: 'return', attempt: failed.attempt, because: 'reason' };
  const date = nextWorkingDay(localDate(depot.timeZone, failed.failedAtEpoch), depot.openingHours);
  return { action: 'reattempt', attempt: failed.attempt, date, timeWindows: windowsOnDay(date, failed.timeWindows, policy, depot.timeZone) };
}

/**
 * The same local time of day as the first promised window (its length kept, so a window past midnight stays one),
 * or the policy's window when the order had none.
 */
export function windowsOnDay(date: string, promised: EpochWindow[], policy: FailurePolicy, timeZone: string): EpochWindow[] {
  const first = promised[0];
  if (!first) {
    return [{ startEpochSeconds: localClockEpochSeconds(date, clockSeconds(policy.reattemptWindow[0]), timeZone), endEpochSeconds: localClockEpochSeconds(date, clockSeconds(policy.reattemptWindow[1]), timeZone) }];
  }
  // Clock seconds of the start, so 09:00 stays 09:00 across a change of offset.
  const startOfDay = (((first.startEpochSeconds + timeZoneOffsetSeconds(timeZone, first.startEpochSeconds)) % 86_400) + 86_400) % 86_400;
  const startEpochSeconds = localClockEpochSeconds(date, startOfDay, timeZone);
  return [{ startEpochSeconds, endEpochSeconds: startEpochSeconds + (first.endEpochSeconds - first.startEpochSeconds) }];
}

