import type { Clock } from '../domain/clock';

/** A token bucket per connection: a steady rate with a burst allowance, refilled continuously by `clock` (monotonic). */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.updatedAtMs = clock.nowMs();
  }

  /** Takes one token; false when the caller has to wait. */
  take(): boolean {
    const nowMs = this.clock.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.updatedAtMs) / 1000) * this.ratePerSecond);
    this.updatedAtMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
