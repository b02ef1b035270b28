/**
 * `DEMO=1`: today's demo day, planned, dispatched and driven in the service's process. The virtual drivers run on the
 * service's own clock (the demo clock from src/seed/demo.ts), so arrivals and deliveries are logged at the times the
 * service expects them and on-time reads truthfully.
 */
import type { CommandContext } from '../commands/context';
import { nowEpochSeconds } from '../domain/clock';
import { localDate } from '../domain/time';
import type { DemoCredentials } from '../seed/credentials';
import { demoTimeZone, seedDemoDay, type DemoLocation } from '../seed/demo';
import { seededRandom } from '../seed/random';
import { runSimulation } from './index';
import type { DriverSummary } from './virtual-driver';

export interface DemoDayOptions {
  /** The service's base URL. */
  url: string;
  credentials: Pick<DemoCredentials, 'admin' | 'drivers'>;
  /** The service's context: its clock is the one the drivers report with. */
  context: CommandContext;
  locations: DemoLocation[];
  /** How many times as fast as real time the service's clock runs (DEMO_SPEED). */
  speed: number;
  orderCount?: number;
  /** The solver's time for the day's plan. */
  planSeconds?: number;
  failureRate?: number;
  signal: AbortSignal;
  log?: (message: string) => void;
}

/** Seeds today's demo orders (once per date), plans and dispatches them unless done already, and drives the vans. */
export async function runDemoDay(options: DemoDayOptions): Promise<{ date: string; drivers: DriverSummary[] }> {
  const date = localDate(demoTimeZone, nowEpochSeconds(options.context.clock));
  const added = await seedDemoDay(options.context, { locations: options.locations, date, orderCount: options.orderCount });
  if (added > 0) options.log?.(`demo day ${date}: ${added} orders`);
  const drivers = await runSimulation({
    drivers: options.credentials.drivers,
    office: { username: options.credentials.admin.username, password: options.credentials.admin.password },
    date,
    planSeconds: options.planSeconds,
    options: {
      url: options.url,
      clock: options.context.clock,
      speedup: options.speed,
      noiseMeters: 8,
      failureRate: options.failureRate ?? 0.05,
      dwellSeconds: 180,
      reportEverySeconds: 5,
      random: seededRandom(1),
      signal: options.signal,
      log: options.log,
    },
  });
  return { date, drivers };
}
