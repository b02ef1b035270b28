/**
 * Local dates in an IANA time zone ↔ epoch seconds, with Intl only (no date library).
 * Times are stored as epoch seconds UTC; the depot's time zone gives them their local meaning.
 */

// Building an Intl.DateTimeFormat costs ~20× formatting with one; time zones are few, so keep one per zone.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) {
    format = make();
    cache.set(timeZone, format);
  }
  return format;
}

/**
 * Offsets by zone and quarter hour: every presented time asks for one, and formatting is the costly part. A quarter
 * is cached only when its first and last second agree, so a quarter holding a change of offset is always computed.
 */
const quarterOffsets = new Map<string, number>();
const quarterSeconds = 900;
const maxCachedQuarters = 50_000;

/** Offset of `timeZone` from UTC at the given instant, in seconds (Europe/Berlin in winter: 3600). */
export function timeZoneOffsetSeconds(timeZone: string, epochSeconds: number): number {
  const quarterStart = Math.floor(epochSeconds / quarterSeconds) * quarterSeconds;
  const key = `${timeZone}@${quarterStart}`;
  const cached = quarterOffsets.get(key);
  if (cached !== undefined) return cached;
  const offset = formattedOffsetSeconds(timeZone, epochSeconds);
  if (formattedOffsetSeconds(timeZone, quarterStart) === offset && formattedOffsetSeconds(timeZone, quarterStart + quarterSeconds - 1) === offset) {
    if (quarterOffsets.size >= maxCachedQuarters) quarterOffsets.clear();
    quarterOffsets.set(key, offset);
  }
  return offset;
}

function formattedOffsetSeconds(timeZone: string, epochSeconds: number): number {
  const format = cachedFormat(
    offsetFormats,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  );
  const parts = format.formatToParts(new Date(epochSeconds * 1000));
  const field = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return Math.round(asUtc / 1000 - epochSeconds);
}

/** Epoch seconds of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnightEpochSeconds(date: string, timeZone: string): number {
  return localClockEpochSeconds(date, 0, timeZone);
}

/**
 * Epoch seconds of the wall-clock time `secondsOfDay` after 00:00 on `date` in `timeZone`: "08:00" is 08:00 on the
 * clock also on a day the offset changes (midnight + 8 h is 07:00 then in Europe/Berlin in October). A time the
 * change skips reads with the offset before it; "24:00" is the next midnight.
 */
export function localClockEpochSeconds(date: string, secondsOfDay: number, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallClock = Date.UTC(year, month - 1, day) / 1000 + secondsOfDay;
  // Two passes settle times near a change of offset.
  let epoch = wallClock - timeZoneOffsetSeconds(timeZone, wallClock);
  epoch = wallClock - timeZoneOffsetSeconds(timeZone, epoch);
  return epoch;
}

/** The local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(timeZone: string, epochSeconds: number): string {
  const format = cachedFormat(dateFormats, timeZone, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  return format.format(new Date(epochSeconds * 1000));
}

/** The local date after `date`. */
export function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/** `[start, end)` epoch seconds of the local day `date` in `timeZone`. */
export function localDayRange(date: string, timeZone: string): [number, number] {
  return [localMidnightEpochSeconds(date, timeZone), localMidnightEpochSeconds(nextDate(date), timeZone)];
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-11-24T09:00:00+01:00. */
export function toIsoInZone(epochSeconds: number, timeZone: string): string {
  const offset = timeZoneOffsetSeconds(timeZone, epochSeconds);
  const local = new Date((epochSeconds + offset) * 1000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
