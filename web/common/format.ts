/** Formatting for people: times in the depot's zone (ISO strings carry its offset), distances, statuses. */
import type { StopTimesView } from '../../src/protocol/stop-times';

/** "2026-11-24T09:30:00+01:00" → "09:30": the wall-clock time where the depot is. */
export function clock(iso: string | null | undefined): string {
  return iso ? iso.slice(11, 16) : '–';
}

/** Epoch seconds as "YYYY-MM-DDTHH:MM" on the wall clock of `timeZone`, for clock() and clockWithDay(). */
export function localIso(epochSeconds: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(epochSeconds * 1000))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The time, preceded by the date when it is not today: "Tue 24 Nov, 08:04". */
export function clockWithDay(iso: string | null | undefined): string {
  if (!iso) return '–';
  const today = new Date();
  const local = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  if (iso.slice(0, 10) === local) return clock(iso);
  const day = new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day}, ${clock(iso)}`;
}

export function windowText(window: { start: string; end: string } | null | undefined): string {
  return window ? `${clock(window.start)}–${clock(window.end)}` : '–';
}

/**
 * A stop's time line, the one every page shows: "Window 10:00–14:00 · arrives 08:06, starts 10:00" when the van
 * waits, "· ETA 11:02" when it does not, "· ⚠ 12 min late" while the expected start is past the window, and the
 * actual time once done ("· delivered 10:54"), never an estimate then.
 */
export function stopTimeLine(times: StopTimesView, status: string): string {
  const window = `Window ${windowText(times.window)}`;
  if (times.basis === 'actual') return `${window} · ${status === 'failed' ? 'failed' : 'delivered'} ${clock(times.done)}`;
  const waits = times.arrival !== null && times.serviceStart !== null && clock(times.arrival) !== clock(times.serviceStart);
  const when = waits ? `arrives ${clock(times.arrival)}, starts ${clock(times.serviceStart)}` : `${status === 'arrived' ? 'arrived' : 'ETA'} ${clock(times.serviceStart)}`;
  return `${window} · ${when}${times.delayMinutes === null ? '' : ` · ⚠ ${times.delayMinutes} min late`}`;
}

export function hours(seconds: number): string {
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function km(meters: number): string {
  return `${(meters / 1000).toFixed(1)} km`;
}

export function statusText(status: string): string {
  return status.replace(/_/g, ' ');
}

/** Failure reasons are worded once, where they are defined: the server's alerts say them the same way. */
export { failureReasonText, failureText } from '../../src/domain/failure-reasons';

/** For Leaflet tooltips, which take HTML: names and addresses come from users. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A plan's violations as words: "time_window, capacity". */
export function causesText(violations: { cause: string }[]): string {
  return violations.map((violation) => violation.cause).join(', ');
}

/** A wall-clock date and time in `timeZone` as ISO 8601 with that zone's offset then: ("2026-11-24", "09:00") → "2026-11-24T09:00:00+01:00". */
export function zonedIso(date: string, time: string, timeZone: string): string {
  const wallMs = Date.parse(`${date}T${time}:00Z`);
  // Left as typed: the server names what is wrong with it.
  if (Number.isNaN(wallMs)) return `${date}T${time}`;
  const offsetAt = (epochMs: number) => Date.parse(`${localIso(epochMs / 1000, timeZone)}:00Z`) - epochMs;
  // Twice: the offset at the guessed instant may differ from the offset at the true one across a DST change.
  const offsetMs = offsetAt(wallMs - offsetAt(wallMs));
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const pad = (value: number) => String(Math.floor(value)).padStart(2, '0');
  return `${date}T${time}:00${sign}${pad(Math.abs(minutes) / 60)}:${pad(Math.abs(minutes) % 60)}`;
}
