import { describe, expect, it } from 'vitest';
import { decideFailure, defaultFailurePolicy, nextWorkingDay, resolveFailurePolicy, weekdayOf, windowsOnDay } from '../../src/domain/failure-policy';
import { failureReasons } from '../../src/domain/failure-reasons';
import { localClockEpochSeconds } from '../../src/domain/time';

const berlin = 'Europe/Berlin';
const weekdaysOnly = { mon: [['07:00', '20:00']], tue: [['07:00', '20:00']], wed: [['07:00', '20:00']], thu: [['07:00', '20:00']], fri: [['07:00', '20:00']] } as Record<string, [string, string][]>;
const at = (date: string, clock: string) => localClockEpochSeconds(date, Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3)) * 60, berlin);
const window = (date: string, from: string, to: string) => ({ startEpochSeconds: at(date, from), endEpochSeconds: at(date, to) });

describe('failure policy', () => {
  it('names every failure reason in the defaults', () => {
    expect(Object.keys(defaultFailurePolicy.actions).sort()).toEqual([...failureReasons].sort());
  });

  it('re-attempts not_home and access on the next working day in the same time of day', () => {
    for (const reason of ['not_home', 'access'] as const) {
      // Friday 4 Dec 2026, 10:30: the depot is closed at the weekend, so Monday.
      const decision = decideFailure({ reason, attempt: 1, failedAtEpoch: at('2026-12-04', '10:30'), timeWindows: [window('2026-12-04', '09:00', '12:00')] }, defaultFailurePolicy, { timeZone: berlin, openingHours: weekdaysOnly });
      expect(decision).toEqual({ action: 'reattempt', attempt: 1, date: '2026-12-07', timeWindows: [window('2026-12-07', '09:00', '12:00')] });
    }
  });

  it('returns refused and damaged at once, and anything after the last attempt allowed', () => {
    const failed = { attempt: 1, failedAtEpoch: at('2026-12-01', '10:00'), timeWindows: [window('2026-12-01', '09:00', '12:00')] };
    const depot = { timeZone: berlin, openingHours: weekdaysOnly };
    expect(decideFailure({ ...failed, reason: 'refused' }, defaultFailurePolicy, depot)).toEqual({ action: 'return', attempt: 1, because: 'reason' });
    expect(decideFailure({ ...failed, reason: 'damaged' }, defaultFailurePolicy, depot)).toEqual({ action: 'return', attempt: 1, because: 'reason' });
    expect(decideFailure({ ...failed, reason: 'not_home', attempt: 2 }, defaultFailurePolicy, depot).action).toBe('reattempt');
    expect(decideFailure({ ...failed, reason: 'not_home', attempt: 3 }, defaultFailurePolicy, depot)).toEqual({ action: 'return', attempt: 3, because: 'max_attempts' });
    const patient = resolveFailurePolicy({ maxAttempts: 5, actions: { refused: 'reattempt' } });
    expect(decideFailure({ ...failed, reason: 'refused', attempt: 4 }, patient, depot).action).toBe('reattempt');
    expect(decideFailure({ ...failed, reason: 'damaged', attempt: 1 }, patient, depot).action).toBe('return');
  });

  it("uses the policy's window for an order without one, and keeps the clock time across a change of offset", () => {
    const policy = resolveFailurePolicy({ reattemptWindow: ['10:00', '14:00'] });
    expect(windowsOnDay('2026-12-02', [], policy, berlin)).toEqual([window('2026-12-02', '10:00', '14:00')]);
    // 09:00 in summer time (before 25 Oct 2026) is 09:00 in winter time too.
    expect(windowsOnDay('2026-10-26', [window('2026-10-23', '09:00', '12:00')], policy, berlin)).toEqual([window('2026-10-26', '09:00', '12:00')]);
  });

  it('finds working days from the opening hours; no hours at all: every day', () => {
    expect(weekdayOf('2026-12-05')).toBe('sat');
    expect(nextWorkingDay('2026-12-04', weekdaysOnly)).toBe('2026-12-07');
    expect(nextWorkingDay('2026-12-01', weekdaysOnly)).toBe('2026-12-02');
    expect(nextWorkingDay('2026-12-04', {})).toBe('2026-12-05');
    expect(nextWorkingDay('2026-12-31', { fri: [['08:00', '12:00']] })).toBe('2027-01-01');
  });
});
