/**
 * Rate limits (rate-limiter-flexible): login per username and per address, tracking lookups (page API and socket)
 * per address, positions per driver, the API per token. With PostgreSQL the counters live in the `rate_limits`
 * table, so every process on the database shares them; with PGlite (one process) in memory. While the database is
 * away a memory limiter stands in, so a limit never turns into a 5xx. Over the limit: 429 rate_limited with
 * Retry-After, and RateLimit-* headers on every limited HTTP answer.
 */
import type { Response } from 'express';
import type { Knex } from 'knex';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { loadConfig } from '../config';
import { tooManyRequests } from '../errors';

export interface Limit {
  points: number;
  durationSeconds: number;
}

export interface RateLimits {
  loginPerUser: Limit;
  loginPerAddress: Limit;
  trackingPerAddress: Limit;
  positionsPerDriver: Limit;
  apiPerToken: Limit;
}

export type LimitKind = keyof RateLimits;

/** The limits from RATE_LIMIT_* (src/config.ts): points per window of seconds each. */
export function rateLimitsOf(config: {
  RATE_LIMIT_WINDOW_SECONDS: number;
  RATE_LIMIT_LOGIN_PER_USER: number;
  RATE_LIMIT_LOGIN_PER_ADDRESS: number;
  RATE_LIMIT_TRACKING_PER_ADDRESS: number;
  RATE_LIMIT_POSITIONS_PER_DRIVER: number;
  RATE_LIMIT_API_PER_TOKEN: number;
}): RateLimits {
  const per = (points: number) => ({ points, durationSeconds: config.RATE_LIMIT_WINDOW_SECONDS });
  return {
    loginPerUser: per(config.RATE_LIMIT_LOGIN_PER_USER),
    loginPerAddress: per(config.RATE_LIMIT_LOGIN_PER_ADDRESS),
    trackingPerAddress: per(config.RATE_LIMIT_TRACKING_PER_ADDRESS),
    positionsPerDriver: per(config.RATE_LIMIT_POSITIONS_PER_DRIVER),
    apiPerToken: per(config.RATE_LIMIT_API_PER_TOKEN),
  };
}

/** The defaults of RATE_LIMIT_*: generous, so a person or device never meets them; a script guessing or flooding does. */
export const defaultRateLimits: RateLimits = rateLimitsOf(loadConfig({}));

/** Out of reach: for benchmarks that measure the stack under load, not the limits. */
const unreachable = { points: 1_000_000_000, durationSeconds: 60 };
export const unlimitedRateLimits: RateLimits = {
  loginPerUser: unreachable,
  loginPerAddress: unreachable,
  trackingPerAddress: unreachable,
  positionsPerDriver: unreachable,
  apiPerToken: unreachable,
};

const what: Record<LimitKind, string> = {
  loginPerUser: 'login attempts for this username',
  loginPerAddress: 'login attempts from this address',
  trackingPerAddress: 'tracking lookups from this address',
  positionsPerDriver: 'position reports from this driver',
  apiPerToken: 'requests with this token',
};

export class RateLimiters {
  private readonly limiters: Record<LimitKind, RateLimiterAbstract>;

  /** `store`: the PostgreSQL database to share counters through (its `rate_limits` table); memory otherwise. */
  constructor(
    readonly limits: RateLimits = defaultRateLimits,
    store?: Knex,
  ) {
    const make = (kind: LimitKind): RateLimiterAbstract => {
      const { points, durationSeconds: duration } = limits[kind];
      const keyPrefix = kind;
      if (!store) return new RateLimiterMemory({ points, duration, keyPrefix });
      return new RateLimiterPostgres({
        storeClient: store,
        storeType: 'knex',
        tableName: 'rate_limits',
        tableCreated: true, // migration 008
        clearExpiredByTimeout: false, // an expired key is reset by its next use; no timer of our own
        points,
        duration,
        keyPrefix,
        insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix }),
      });
    };
    this.limiters = {
      loginPerUser: make('loginPerUser'),
      loginPerAddress: make('loginPerAddress'),
      trackingPerAddress: make('trackingPerAddress'),
      positionsPerDriver: make('positionsPerDriver'),
      apiPerToken: make('apiPerToken'),
    };
  }

  /** Counts one use of `key`; throws 429 rate_limited over the limit. `res` gets the RateLimit-* headers. */
  async consume(kind: LimitKind, key: string, res?: Response): Promise<void> {
    const limit = this.limits[kind];
    try {
      const state = await this.limiters[kind].consume(key);
      if (res) setHeaders(res, limit, state);
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      if (res) setHeaders(res, limit, rejected);
      const retryAfterSeconds = Math.max(1, Math.ceil(rejected.msBeforeNext / 1000));
      throw tooManyRequests(`Too many ${what[kind]}: at most ${limit.points} per ${limit.durationSeconds} s; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
    }
  }
}

function setHeaders(res: Response, limit: Limit, state: RateLimiterRes): void {
  if (res.headersSent) return;
  res.setHeader('RateLimit-Limit', String(limit.points));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(state.msBeforeNext / 1000))));
  res.setHeader('RateLimit-Policy', `${limit.points};w=${limit.durationSeconds}`);
}
