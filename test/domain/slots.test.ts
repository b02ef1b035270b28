import { describe, expect, it } from 'vitest';
import { defaultSlotCalendar, type SlotCalendar } from '../../src/domain/model/slot-calendar';
import { cutoffEpochSeconds, offeredWindow, openSlots, slotKey, weekdayOf } from '../../src/domain/slots';
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

  it('lists the open windows of the coming days: not past the cut-off, full ones marked, nothing on days without windows', () => {
    const beforeCutoff = at('2026-11-23T18:59:00Z'); // Monday 19:59 in Berlin
    const slots = openSlots(defaultSlotCalendar, zone, beforeCutoff, 7, new Map([[slotKey(at('2026-11-24T07:00:00Z'), at('2026-11-24T11:00:00Z')), 60]]));
    // Monday (closed on Sunday), Tuesday to Saturday; Sunday offers none.
    expect([...new Set(slots.map((slot) => slot.date))]).toEqual(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28']);
    expect(slots[0]).toMatchObject({ date: '2026-11-24', weekday: 'tue', startEpochSeconds: at('2026-11-24T07:00:00Z'), endEpochSeconds: at('2026-11-24T11:00:00Z'), booked: 60, full: true });
    expect(slots.filter((slot) => slot.full)).toHaveLength(1);
    const afterCutoff = openSlots(defaultSlotCalendar, zone, at('2026-11-23T19:00:00Z'), 7, new Map());
    expect(afterCutoff[0]!.date).toBe('2026-11-25');
  });

  it('finds a window only where the calendar has exactly that one', () => {
    expect(offeredWindow(defaultSlotCalendar, '2026-11-25', 12 * 3600, 16 * 3600, zone)).toMatchObject({ capacity: 60, startEpochSeconds: at('2026-11-25T11:00:00Z') });
    expect(offeredWindow(defaultSlotCalendar, '2026-11-25', 12 * 3600, 15 * 3600, zone)).toBeNull();
    expect(offeredWindow(defaultSlotCalendar, '2026-11-29', 8 * 3600, 12 * 3600, zone)).toBeNull();
  });
});
