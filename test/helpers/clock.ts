/**
 * The suite's clocks. `TEST_CLOCK` pins where the suite's clock starts, so the time-sensitive tests can be run at
 * the hours and dates that used to break them:
 *
 *   TEST_CLOCK=05:00 | 13:00 | 23:30            today's date at that time in TEST_CLOCK_ZONE (default Europe/Berlin)
 *   TEST_CLOCK=2027-03-28T01:30:00+01:00         that instant (here half an hour before Berlin's clocks go forward)
 *
 * The clock then runs at real speed; unset, it is the system's. In-process services (test/helpers/http.ts,
 * service.ts, the realtime harness) read it by default; services started as a process get it as `CLOCK_START`.
 */
import { scaledClock, systemClock, type Clock } from '../../src/domain/clock';
import { localDate, localMidnightEpochSeconds } from '../../src/domain/time';

export function testClockStartMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const pinned = env.TEST_CLOCK?.trim();
  if (!pinned) return undefined;
  const timeOfDay = /^(\d\d):(\d\d)$/.exec(pinned);
  if (timeOfDay) {
    const zone = env.TEST_CLOCK_ZONE?.trim() || 'Europe/Berlin';
    const midnight = localMidnightEpochSeconds(localDate(zone, Date.now() / 1000), zone);
    // Wall-clock hours from local midnight, so 05:00 reads 05:00 on a day whose clocks change too.
    const wanted = Number(timeOfDay[1]) * 3600 + Number(timeOfDay[2]) * 60;
    for (const offsetSeconds of [0, 3600, -3600]) {
      const candidate = midnight + wanted + offsetSeconds;
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(candidate * 1000);
      if (local === pinned) return candidate * 1000;
    }
    throw new Error(`TEST_CLOCK=${pinned} does not exist today in ${zone}`);
  }
  const instant = Date.parse(pinned);
  if (!/[zZ]|[+-]\d\d:\d\d$/.test(pinned) || Number.isNaN(instant)) throw new Error(`TEST_CLOCK=${pinned}: give HH:MM or an ISO 8601 instant with its offset`);
  return instant;
}

const startMs = testClockStartMs();
/** The suite's clock: TEST_CLOCK's instant running at real speed, else the system's. */
export const suiteClock: Clock = startMs === undefined ? systemClock : scaledClock(systemClock, startMs, 1);

/** The environment that starts a service process on the suite's clock. */
export const suiteClockEnv = (): Record<string, string> => (startMs === undefined ? {} : { CLOCK_START: new Date(suiteClock.nowMs()).toISOString() });

/**
 * A clock a test moves itself: it stands still where it is set, or runs `speed` times as fast as real time after
 * `run(speed)` (a simulated drive) until `freeze()`.
 */
export class TestClock implements Clock {
  private anchorMs: number;
  private realAnchorMs = Date.now();
  private speed = 0;

  constructor(startMs: number) {
    this.anchorMs = startMs;
  }

  nowMs(): number {
    return this.anchorMs + (Date.now() - this.realAnchorMs) * this.speed;
  }

  set(ms: number): void {
    this.anchorMs = ms;
    this.realAnchorMs = Date.now();
  }

  run(speed: number): void {
    this.set(this.nowMs());
    this.speed = speed;
  }

  freeze(): void {
    this.set(this.nowMs());
    this.speed = 0;
  }
}

/** The UTC date `days` after the suite's now: a day not yet begun for the service, whatever TEST_CLOCK says. */
export const suiteDateAhead = (days: number): string => new Date(suiteClock.nowMs() + days * 86_400_000).toISOString().slice(0, 10);
