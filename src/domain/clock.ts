/**
 * Where time comes from. Rules never read the system clock themselves: the composition root passes the
 * system's, tests pin one, so the suite behaves the same at any hour and on any date.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Whole seconds since the epoch, as every stored time is. */
export const nowEpochSeconds = (clock: Clock): number => Math.floor(clock.nowMs() / 1000);
