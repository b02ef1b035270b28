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
  /** Where customers reach the service, for the links in messages; http://localhost:PORT when absent. */
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional()),
  SMTP_FROM: z.string().trim().min(3).default('Lastmile <no-reply@lastmile.example>'),
  SMS_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  SMS_FROM: z.string().trim().min(1).max(20).default('Lastmile'),
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
