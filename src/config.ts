/**
 * The service configuration: one zod schema over the environment, parsed once at start-up.
 * Every bad variable is reported at once, so a misconfigured deploy fails with one complete message.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * TRUST_PROXY, as express's 'trust proxy' takes it: `true` (any), a hop count, or addresses and subnets
 * ("loopback, 10.0.0.0/8"). Unset: no proxy, client addresses are the sockets' and HSTS is off.
 */
const trustProxy = optionalString.transform((value, context): boolean | number | string[] => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (list.length === 0) return false;
  const valid = /^(loopback|linklocal|uniquelocal|[\d.]+(\/\d+)?|[\da-f:]+(\/\d+)?)$/i;
  const bad = list.filter((item) => !valid.test(item));
  if (bad.length > 0) context.addIssue({ code: 'custom', message: `not true, a hop count or addresses/subnets: ${bad.join(', ')}` });
  return list;
});

/** CORS_ORIGINS: origins (https://app.example) allowed to call /api/v1 from a browser, comma-separated; `*` for any. */
const corsOrigins = optionalString.transform((value, context): string[] => {
  const list = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  return list.map((item) => {
    if (item === '*') return item;
    const parsed = URL.canParse(item) ? new URL(item) : null;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== item.replace(/\/$/, '')) {
      context.addIssue({ code: 'custom', message: `not an origin (scheme://host[:port]): ${item}` });
    }
    return parsed?.origin ?? item;
  });
});

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().trim().min(1).default('./var'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional()),
  /** With Redis, socket rooms span processes through Redis Streams instead of PostgreSQL's LISTEN/NOTIFY. */
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional()),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Bearer token for GET /metrics; unset: loopback clients only. */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OSRM_URL: optionalString.pipe(z.url().optional()),
  OSM_PBF: z.string().trim().min(1).default('data/osm/heidelberg.osm.pbf'),
  ROUTING: z.enum(['embedded', 'osrm', 'haversine']).default('embedded'),
  /** A Nominatim-compatible geocoder; without it addresses are geocoded from OSM_PBF. */
  GEOCODER_URL: optionalString.pipe(z.url().optional()),
  SOLVER_THREADS: z.coerce.number().int().min(0).max(64).default(0),
  /** A plan run's lease: another process takes a dead one's run over this long after its last heartbeat. */
  PLAN_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(8),
  /** How often a running plan's lease is renewed; must be under half the lease. */
  PLAN_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(600).default(1),
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  /** DEMO=1: the demo's drivers drive their routes in this process. */
  DEMO: z.enum(['0', '1']).default('0').transform((value) => value === '1'),
  /** With DEMO=1: how many times as fast as real time the demo day runs (the service's clock and its drivers alike). */
  DEMO_SPEED: z.coerce.number().min(1).max(1000).default(1),
  /** An instant (ISO 8601 with its offset) the service's clock starts at, then running at real speed: rehearsing a day, tests. */
  CLOCK_START: optionalString.pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with its offset, e.g. 2027-03-28T01:30:00+01:00' }).optional()),
  TILE_URL: optionalString.pipe(z.url().optional()),
  TRACKING_LINK_TTL_HOURS: z.coerce.number().min(0).max(24 * 365).default(72),
  /** How long POST /slots/reserve holds a window while the customer pays. */
  SLOT_RESERVATION_MINUTES: z.coerce.number().min(1).max(24 * 60).default(15),
  TRUST_PROXY: trustProxy,
  CORS_ORIGINS: corsOrigins,
  /** Wrong passwords in a row that lock an account, and for how long. */
  LOGIN_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().min(0).max(24 * 60).default(15),
  /** Each RATE_LIMIT_* is requests per RATE_LIMIT_WINDOW_SECONDS (src/auth/rate-limits.ts). */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_LOGIN_PER_USER: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_LOGIN_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_TRACKING_PER_ADDRESS: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_POSITIONS_PER_DRIVER: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_API_PER_TOKEN: z.coerce.number().int().min(1).default(6000),
  /** Where customers reach the service, for the links in messages; http://localhost:PORT when absent. */
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional()),
  SMTP_FROM: z.string().trim().min(3).default('Lastmile <no-reply@lastmile.example>'),
  SMS_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  SMS_FROM: z.string().trim().min(1).max(20).default('Lastmile'),
  ARRIVING_SOON_MINUTES: z.coerce.number().int().min(0).max(240).default(15),
  ARRIVING_SOON_STOPS: z.coerce.number().int().min(0).max(50).default(2),
  /** How long a claimed message is the claiming process's; another process sends it after that if it died. */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError that lists every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const config = result.data;
  const problems: string[] = [];
  if (config.ROUTING === 'osrm' && !config.OSRM_URL) problems.push('OSRM_URL: required when ROUTING=osrm');
  // Two beats per lease at least, so one late beat does not hand a live run to another process.
  if (config.PLAN_HEARTBEAT_SECONDS * 2 > config.PLAN_LEASE_SECONDS) problems.push(`PLAN_HEARTBEAT_SECONDS: must be at most half of PLAN_LEASE_SECONDS (${config.PLAN_LEASE_SECONDS})`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
