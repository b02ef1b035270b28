import { describe, expect, it } from 'vitest';
import { defaultSlotCalendar, type SlotCalendar } from '../../src/domain/model/slot-calendar';
import { comingDates, cutoffEpochSeconds, offeredWindow, weekdayOf, windowsOn } from '../../src/domain/slots';
import { toIsoInZone } from '../../src/domain/time';

const zone = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso) / 1000;

describe('the slots a depot offers', () => {
  it('names weekdays of calendar dates', () => {
    expect(['2026-11-23', '2026-11-28', '2026-11-29', '2026-03-01'].map(weekdayOf)).toEqual(['mon', 'sat', 'sun', 'sun']);
  });

  it('closes a day at its cut-off, the evening before by default, in local time across a change of offset', () => {
    expect(toIsoInZone(cutoffEpochSeconds(defaultSlotCalendar, '2026-11-24', zone), zone)).toBe('2026-11-23T20:00:00+01:00');
    // Summer time ends on 2026-10-25: the cut-off before the Monday after is 20:00 winter time.
    expect(toIsoInZone(cutoffEpochSeconds(defaultSlotCalendar, '2026-10-26', zone), zone)).toBe('2026-10-25T20:00:00+01:00');
    const sameDay: SlotCalendar = { ...defaultSlotCalendar, cutoff: { daysBefore: 0, atSeconds: 6 * 3600 } };
    expect(toIsoInZone(cutoffEpochSeconds(sameDay, '2026-11-24', zone), zone)).toBe('2026-11-24T06:00:00+01:00');
  });

  it('lays the calendar over a date in time order, local times across a change of offset, nothing on days without windows', () => {
    const tuesday = windowsOn(defaultSlotCalendar, '2026-11-24', zone);
    expect(tuesday.map((window) => [window.startEpochSeconds, window.endEpochSeconds, window.capacity])).toEqual([
      [at('2026-11-24T07:00:00Z'), at('2026-11-24T11:00:00Z'), 60],
      [at('2026-11-24T11:00:00Z'), at('2026-11-24T15:00:00Z'), 60],
      [at('2026-11-24T15:00:00Z'), at('2026-11-24T19:00:00Z'), 60],
    ]);
    // Summer time: 08:00 in Berlin is 06:00 UTC.
    expect(windowsOn(defaultSlotCalendar, '2026-07-07', zone)[0]!.startEpochSeconds).toBe(at('2026-07-07T06:00:00Z'));
    expect(windowsOn(defaultSlotCalendar, '2026-11-29', zone)).toEqual([]);
    expect(comingDates(zone, at('2026-11-23T23:30:00Z'), 3)).toEqual(['2026-11-24', '2026-11-25', '2026-11-26']);
  });

  it('finds a window only where the calendar has exactly that one', () => {
    expect(offeredWindow(defaultSlotCalendar, '2026-11-25', 12 * 3600, 16 * 3600, zone)).toMatchObject({ capacity: 60, startEpochSeconds: at('2026-11-25T11:00:00Z') });
    expect(offeredWindow(defaultSlotCalendar, '2026-11-25', 12 * 3600, 15 * 3600, zone)).toBeNull();
    expect(offeredWindow(defaultSlotCalendar, '2026-11-29', 8 * 3600, 12 * 3600, zone)).toBeNull();
  });
});
