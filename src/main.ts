/**
 * Composition root: config → database (migrated) → admin and demo seed → road network → HTTP server.
 * SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close the database.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { reads, type CommandContext } from './commands/context';
import { ConfigError, loadConfig, type Config } from './config';
import { migrateToLatest, openDatabase, pgliteDirectory, type Database } from './db/database';
import { systemClock } from './domain/clock';
import { EventBus } from './domain/events';
import { createApp } from './http/app';
import type { Mount } from './http/mount';
import { basemapMount } from './http/routes/basemap.routes';
import { driverRouteMount } from './http/routes/driver-route.routes';
import { importMount } from './http/routes/import.routes';
import { notificationsMount } from './http/routes/notifications.routes';
import { optimizeMount } from './http/routes/optimize.routes';
import { osrmRouter } from './http/routes/osrm.routes';
import { plansMount } from './http/routes/plans.routes';
import { positionsMount } from './http/routes/positions.routes';
import { stopsMount } from './http/routes/stops.routes';
import { trackingMount } from './http/routes/tracking.routes';
import { webRouter } from './http/web';
import { createLogger, type Logger } from './logger';
import { trackedPositions } from './planning/tracked-positions';
import { emailChannel } from './notifications/email';
import { smsChannel } from './notifications/sms';
import { webhookChannel } from './notifications/webhook';
import { createReactions } from './reactions';
import { startRealtime } from './realtime/server';
import { runSimulation } from './simulator';
import { seededRandom } from './seed/random';
import { createRoutingProvider } from './routing';
import { createHaversineProvider } from './routing/haversine';
import type { RoutingProvider } from './routing/provider';
import { OptimizeJobs } from './solving/optimize-jobs';
import { createPoolSolver } from './solving/pool-solver';
import { adminUsername, ensureAdmin, readCredentials, writeCredentials, type DemoCredentials } from './seed/credentials';
import { loadDemoLocations, seedDemo } from './seed/demo';

const demoLocationsFile = 'data/demo/heidelberg-locations.json';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);

  const database: Database = config.DATABASE_URL
    ? openDatabase({ engine: 'postgres', url: config.DATABASE_URL })
    : openDatabase({ engine: 'pglite', directory: pgliteDirectory(config.DATA_DIR) });
  await migrateToLatest(database.knex);
  logger.info({ database: database.engine }, 'database migrated');

  const events = new EventBus((error, event) => logger.error({ err: error, event }, 'event listener failed'));
  const commands: CommandContext = { db: database.knex, events, clock: systemClock };
  const credentials = await prepareCredentials(config, commands, logger);

  const routing = await routingProvider(config, logger);
  // Solver threads: SOLVER_THREADS, or every core when 0.
  const solver = createPoolSolver({ threads: config.SOLVER_THREADS || undefined, log: logger });
  // Several processes on one PostgreSQL share the plan queue; PGlite belongs to this process alone.
  const positions = trackedPositions;
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const email = config.SMTP_URL ? emailChannel({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, publicUrl }) : undefined;
  const channels = {
    email,
    sms: config.SMS_URL ? smsChannel({ smsUrl: config.SMS_URL, from: config.SMS_FROM, publicUrl }) : undefined,
    webhook: webhookChannel({ clock: systemClock, findWebhook: (id) => reads(commands).webhooks.findById(id) }),
  };
  const reactions = createReactions({ context: commands, routing, positions, solver, exclusiveDatabase: database.engine === 'pglite', channels, log: logger });
  const planQueue = reactions.planRuns;
  const optimizeJobs = new OptimizeJobs();
  const mounts: Mount[] = [
    importMount(commands),
    plansMount({ context: commands, queue: planQueue, solver, routing, positions }),
    optimizeMount({ solver, routing, jobs: optimizeJobs, log: logger }),
    positionsMount(commands),
    stopsMount(commands),
    { path: '/', router: osrmRouter(routing) },
    notificationsMount(commands, { publicUrl }),
    trackingMount(commands, { linkTtlSeconds: config.TRACKING_LINK_TTL_HOURS * 3600 }),
    driverRouteMount(commands, routing),
    basemapMount(routing),
    { path: '/', router: webRouter({ distDir: join(import.meta.dirname, '..', 'web', 'dist'), tileUrl: config.TILE_URL }) },
  ];
  const app = createApp({ database, commands, logger, mounts });

  // OSRM-style GETs carry up to 1,000 coordinates in the URL.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, app);
  // With PostgreSQL, socket rooms span every server process on the database (LISTEN/NOTIFY).
  const adapterPool = config.DATABASE_URL ? new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 }) : undefined;
  const realtime = await startRealtime(server, { commands, logger, adapterPool, trackingLinkTtlSeconds: config.TRACKING_LINK_TTL_HOURS * 3600 });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  await reactions.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  printWelcome(`http://localhost:${port}`, database, credentials);
  const demo = new AbortController();
  if (config.DEMO && credentials) startDemoDrivers(`http://127.0.0.1:${port}`, credentials, demo.signal, logger);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Live connections go first (their clients reconnect elsewhere), then the HTTP server drains.
    demo.abort();
    const realtimeClosed = realtime.close().then(() => adapterPool?.end());
    server.close(async () => {
      await realtimeClosed;
      await reactions.stop();
      email?.close();
      optimizeJobs.close();
      await solver.close();
      await routing.close?.();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    // Requests that hang past the grace period are cut.
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Ensures the admin exists and seeds the demo into an empty database; returns what to print. */
async function prepareCredentials(config: Config, commands: CommandContext, logger: Logger): Promise<DemoCredentials | null> {
  const file = join(config.DATA_DIR, 'demo-credentials.json');
  const createdAdmin = await ensureAdmin(commands, config.ADMIN_TOKEN);
  if (createdAdmin) {
    const drivers = config.SEED_DEMO ? await seedDemo(commands, { locations: loadDemoLocations(demoLocationsFile) }) : null;
    if (drivers) logger.info({ drivers: drivers.length }, 'demo seeded');
    writeCredentials(file, { admin: { username: adminUsername, ...createdAdmin }, drivers: drivers ?? [] });
  }
  const credentials = readCredentials(file);
  if (credentials && config.ADMIN_TOKEN) credentials.admin.apiToken = config.ADMIN_TOKEN;
  return credentials;
}

async function routingProvider(config: Config, logger: Logger): Promise<RoutingProvider> {
  try {
    return await createRoutingProvider(config, logger);
  } catch (error) {
    // The API stays useful without the road network; straight lines keep the OSRM endpoints answering.
    logger.error({ err: error }, 'road network unavailable; falling back to straight-line routing');
    return createHaversineProvider();
  }
}

/** DEMO=1: the demo's drivers drive their routes in this process (planned and dispatched first if need be). */
function startDemoDrivers(url: string, credentials: DemoCredentials, signal: AbortSignal, logger: Logger): void {
  const log = (message: string) => logger.info({ simulator: true }, message);
  runSimulation({
    drivers: credentials.drivers,
    office: { username: credentials.admin.username, password: credentials.admin.password },
    options: { url, speedup: 20, noiseMeters: 8, failureRate: 0.05, dwellSeconds: 180, reportEverySeconds: 5, random: seededRandom(1), signal, log },
  }).then(
    (summaries) => log(`demo drivers done: ${summaries.reduce((sum, summary) => sum + summary.delivered, 0)} delivered`),
    (error: unknown) => logger.error({ err: error }, 'demo drivers stopped'),
  );
}

function printWelcome(url: string, database: Database, credentials: DemoCredentials | null): void {
  const lines = [
    '',
    `Lastmile is listening on ${url} (database: ${database.engine})`,
    `  API docs:  ${url}/docs   health: ${url}/api/v1/health`,
    `  Pages:     ${url}/dispatch (console)   ${url}/driver (driver app)   ${url}/t/<tracking token> (customers)`,
  ];
  if (credentials) {
    lines.push(`  Admin:     ${credentials.admin.username} / ${credentials.admin.password}`);
    if (credentials.admin.apiToken) lines.push(`  API token: ${credentials.admin.apiToken}   (Authorization: Bearer …)`);
    for (const driver of credentials.drivers) lines.push(`  Driver:    ${driver.username} / ${driver.password}  (${driver.vehicle})`);
  } else {
    lines.push('  Admin credentials were printed on first run (DATA_DIR/demo-credentials.json is missing).');
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
