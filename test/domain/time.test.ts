import { describe, expect, it } from 'vitest';
import { isValidTimeZone, localClockEpochSeconds, localDate, localDayRange, localMidnightEpochSeconds, nextDate, timeZoneOffsetSeconds, toIsoInZone } from '../../src/domain/time';

describe('local time in IANA zones', () => {
  it('knows Berlin is UTC+1 in winter and UTC+2 in summer', () => {
    expect(timeZoneOffsetSeconds('Europe/Berlin', Date.parse('2026-01-15T12:00:00Z') / 1000)).toBe(3600);
    expect(timeZoneOffsetSeconds('Europe/Berlin', Date.parse('2026-07-15T12:00:00Z') / 1000)).toBe(7200);
    expect(timeZoneOffsetSeconds('America/New_York', Date.parse('2026-01-15T12:00:00Z') / 1000)).toBe(-5 * 3600);
  });

  it('changes offset at the exact second, also inside a cached quarter hour', () => {
    // Berlin springs forward at 01:00 UTC; Abidjan left local mean time (-00:16:08) mid-quarter, at 00:16:08 UTC.
    const spring = Date.parse('2026-03-29T01:00:00Z') / 1000;
    for (let t = spring - 1800; t < spring + 1800; t += 7) expect(timeZoneOffsetSeconds('Europe/Berlin', t)).toBe(t < spring ? 3600 : 7200);
    const abidjan = Date.parse('1912-01-01T00:16:08Z') / 1000;
    for (const t of [abidjan - 600, abidjan - 1, abidjan, abidjan + 1, abidjan - 2, abidjan + 300]) expect(timeZoneOffsetSeconds('Africa/Abidjan', t)).toBe(t < abidjan ? -968 : 0);
  });

  it('reads a clock time as that time on the wall, also on the days the clocks change', () => {
    const eight = 8 * 3600;
    expect(localClockEpochSeconds('2026-11-24', eight, 'Europe/Berlin')).toBe(Date.parse('2026-11-24T07:00:00Z') / 1000);
    // Back from +02:00 to +01:00 at 03:00: 08:00 is 07:00 UTC, nine hours after midnight.
    expect(localClockEpochSeconds('2026-10-25', eight, 'Europe/Berlin')).toBe(Date.parse('2026-10-25T07:00:00Z') / 1000);
    expect(localClockEpochSeconds('2026-10-25', eight, 'Europe/Berlin') - localMidnightEpochSeconds('2026-10-25', 'Europe/Berlin')).toBe(9 * 3600);
    // Forward from +01:00 to +02:00 at 02:00: 08:00 is 06:00 UTC, seven hours after midnight.
    expect(localClockEpochSeconds('2027-03-28', eight, 'Europe/Berlin')).toBe(Date.parse('2027-03-28T06:00:00Z') / 1000);
    expect(localClockEpochSeconds('2027-03-28', 24 * 3600, 'Europe/Berlin')).toBe(localMidnightEpochSeconds('2027-03-29', 'Europe/Berlin'));
  });

  it('finds local midnight, including on days the clocks change', () => {
    expect(localMidnightEpochSeconds('2026-11-24', 'Europe/Berlin')).toBe(Date.parse('2026-11-23T23:00:00Z') / 1000);
    // 29 March 2026: Berlin springs forward at 02:00, so that day has 23 hours.
    const [start, end] = localDayRange('2026-03-29', 'Europe/Berlin');
    expect(start).toBe(Date.parse('2026-03-28T23:00:00Z') / 1000);
    expect(end - start).toBe(23 * 3600);
    const [autumnStart, autumnEnd] = localDayRange('2026-10-25', 'Europe/Berlin');
    expect(autumnEnd - autumnStart).toBe(25 * 3600);
  });

  it('formats ISO 8601 with the zone\'s offset and reads the local date back', () => {
    const epoch = Date.parse('2026-11-24T08:00:00Z') / 1000;
    expect(toIsoInZone(epoch, 'Europe/Berlin')).toBe('2026-11-24T09:00:00+01:00');
    expect(toIsoInZone(epoch, 'UTC')).toBe('2026-11-24T08:00:00+00:00');
    expect(toIsoInZone(epoch, 'America/St_Johns')).toBe('2026-11-24T04:30:00-03:30');
    expect(Date.parse(toIsoInZone(epoch, 'Asia/Kolkata'))).toBe(epoch * 1000);
    expect(localDate('Europe/Berlin', Date.parse('2026-11-24T23:30:00Z') / 1000)).toBe('2026-11-25');
  });

  it('steps dates across month and year ends, and recognises time zones', () => {
    expect(nextDate('2026-12-31')).toBe('2027-01-01');
    expect(nextDate('2028-02-28')).toBe('2028-02-29');
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Europe/Heidelberg')).toBe(false);
  });
});
