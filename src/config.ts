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

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().trim().min(1).default('./var'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional()),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OSRM_URL: optionalString.pipe(z.url().optional()),
  OSM_PBF: z.string().trim().min(1).default('data/osm/heidelberg.osm.pbf'),
  ROUTING: z.enum(['embedded', 'osrm', 'haversine']).default('embedded'),
  SOLVER_THREADS: z.coerce.number().int().min(0).max(64).default(0),
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  /** DEMO=1: the demo's drivers drive their routes in this process. */
  DEMO: z.enum(['0', '1']).default('0').transform((value) => value === '1'),
  TILE_URL: optionalString.pipe(z.url().optional()),
  TRACKING_LINK_TTL_HOURS: z.coerce.number().min(0).max(24 * 365).default(72),
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
  if (config.ROUTING === 'osrm' && !config.OSRM_URL) {
    throw new ConfigError(['OSRM_URL: required when ROUTING=osrm']);
  }
  return config;
}
