/**
 * Where time comes from. Rules never read the system clock themselves: the composition root passes the
 * system's, tests pin one, so the suite behaves the same at any hour and on any date.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * For rates and intervals only (throttles, token buckets, cache ages): never jumps when the system's time is set and
 * runs at real speed whatever the demo's clock does. Its values are no dates.
 */
export const monotonicClock: Clock = { nowMs: () => performance.now() };

/** Whole seconds since the epoch, as every stored time is. */
export const nowEpochSeconds = (clock: Clock): number => Math.floor(clock.nowMs() / 1000);

/**
 * A clock that stands at `startMs` when made and runs `speed` times as fast as `base`: the demo's day, which begins
 * when the demo is started, whatever the hour, and may be watched sped up. Everything in the process reads this one.
 */
export function scaledClock(base: Clock, startMs: number, speed: number): Clock {
  if (!(speed > 0)) throw new RangeError(`a clock's speed must be positive, not ${speed}`);
  const baseStartMs = base.nowMs();
  return { nowMs: () => startMs + (base.nowMs() - baseStartMs) * speed };
}
