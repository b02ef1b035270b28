/**
 * Composition root: config → database (migrated) → admin and demo seed → road network → HTTP server.
 * SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close the database.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import pg from 'pg';
import { reads, type CommandContext } from './commands/context';
import { ConfigError, loadConfig, type Config } from './config';
import { migrateToLatest, openDatabase, pgliteDirectory, type Database } from './db/database';
import { DatabaseStartError, installFaultGuard } from './db/faults';
import { systemClock } from './domain/clock';
import { EventBus } from './domain/events';
import { isDatabaseUnavailable } from './errors';
import { RateLimiters, rateLimitsOf } from './auth/rate-limits';
import { createApp } from './http/app';
import { serviceMounts } from './http/service-mounts';
import { ServiceMetrics } from './http/metrics';
import { createLogger, type Logger } from './logger';
import { trackedPositions } from './planning/tracked-positions';
import { emailChannel } from './notifications/email';
import { smsChannel } from './notifications/sms';
import { webhookChannel } from './notifications/webhook';
import { createReactions } from './reactions';
import { startRealtime } from './realtime/server';
import { runDemoDay } from './simulator/demo-day';
import { createRoutingProvider } from './routing';
import { createGeocoder } from './geocoding';
import type { Geocoding } from './geocoding/place-order';
import type { ServiceArea } from './domain/model/geometry';
import { createHaversineProvider } from './routing/haversine';
import type { RoutingProvider } from './routing/provider';
import { OptimizeJobs } from './solving/optimize-jobs';
import { createPoolSolver } from './solving/pool-solver';
import { adminUsername, ensureAdmin, readCredentials, writeCredentials, type DemoCredentials } from './seed/credentials';
import { demoClock, loadDemoLocations, seedDemo } from './seed/demo';
import { connectRedis } from './realtime/redis';

const demoLocationsFile = 'data/demo/heidelberg-locations.json';

/**
 * V8 lets its old generation grow to up to 4× what survived the last full collection before collecting again (on a
 * machine with memory to spare). Under steady traffic, request garbage that outlived the young generation then swung
 * the service's RSS by 150–200 MB in cycles of minutes: the soak's "growth" with a flat live heap. Collecting at 1.3×
 * keeps RSS with what is live. (Node refuses it in NODE_OPTIONS; set here, it holds for every way the service starts,
 * unless node was started with its own `--heap-growing-percent`: 0 is V8's default.)
 */
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=30');

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
  // A lost database connection is survived; requests answer 503 meanwhile and everything reconnects by itself.
  installFaultGuard(logger);

  let database: Database;
  try {
    database = config.DATABASE_URL
      ? openDatabase({ engine: 'postgres', url: config.DATABASE_URL, onWarning: (message) => logger.warn({ database: 'postgres' }, message) })
      : openDatabase({ engine: 'pglite', directory: pgliteDirectory(config.DATA_DIR) });
    await untilDatabaseAnswers(database, logger);
  } catch (error) {
    if (!(error instanceof DatabaseStartError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  await migrateToLatest(database.knex);
  logger.info({ database: database.engine }, 'database migrated');

  const events = new EventBus((error, event) => logger.error({ err: error, event }, 'event listener failed'));
  // DEMO=1 runs the whole process on the demo day's clock (today from the vans' shift start, DEMO_SPEED × real time).
  const clock = config.DEMO ? await demoClock(reads({ db: database.knex, events, clock: systemClock }), systemClock, config.DEMO_SPEED) : systemClock;
  const commands: CommandContext = { db: database.knex, events, clock };
  const credentials = await prepareCredentials(config, commands, logger);

  const routing = await routingProvider(config, logger);
  const geocoding = prepareGeocoding(config, routing, logger);
  // Solver threads: SOLVER_THREADS, or every core when 0.
  const solver = createPoolSolver({ threads: config.SOLVER_THREADS || undefined, log: logger });
  // Several processes on one PostgreSQL share the plan queue; PGlite belongs to this process alone.
  const positions = trackedPositions;
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const email = config.SMTP_URL ? emailChannel({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, publicUrl }) : undefined;
  const channels = {
    email,
    sms: config.SMS_URL ? smsChannel({ smsUrl: config.SMS_URL, from: config.SMS_FROM, publicUrl }) : undefined,
    // Receivers check the signature's timestamp against their own clocks: webhooks are stamped with the real time.
    webhook: webhookChannel({ clock: systemClock, findWebhook: (id) => reads(commands).webhooks.findById(id) }),
  };
  const reactions = createReactions({ context: commands, routing, positions, solver, exclusiveDatabase: database.engine === 'pglite', channels, arrivingSoon: { minutes: config.ARRIVING_SOON_MINUTES, stops: config.ARRIVING_SOON_STOPS }, log: logger });
  const planQueue = reactions.planRuns;
  const optimizeJobs = new OptimizeJobs(reads(commands).optimizeJobs, commands.clock);
  // One set of limiters for HTTP and sockets; on PostgreSQL shared by every process through its table.
  const rateLimiters = new RateLimiters(rateLimitsOf(config), database.engine === 'postgres' ? database.knex : undefined);
  const metrics = new ServiceMetrics(commands, { token: config.METRICS_TOKEN });
  const mounts = serviceMounts({
    commands,
    geocoding,
    planQueue,
    solver,
    routing,
    positions,
    optimizeJobs,
    logger,
    rateLimiters,
    publicUrl,
    trackingLinkTtlSeconds: config.TRACKING_LINK_TTL_HOURS * 3600,
    distDir: join(import.meta.dirname, '..', 'web', 'dist'),
    tileUrl: config.TILE_URL,
    metrics,
  });
  const lockout = { attempts: config.LOGIN_LOCKOUT_ATTEMPTS, minutes: config.LOGIN_LOCKOUT_MINUTES };
  const app = createApp({
    database,
    commands,
    logger,
    mounts,
    geocoding,
    lockout,
    rateLimiters,
    metrics,
    trustProxy: config.TRUST_PROXY,
    security: { tileUrl: config.TILE_URL, hsts: config.TRUST_PROXY !== false, corsOrigins: config.CORS_ORIGINS },
  });

  // OSRM-style GETs carry up to 1,000 coordinates in the URL.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, app);
  // Socket rooms span every server process: through Redis Streams with REDIS_URL, else PostgreSQL's LISTEN/NOTIFY.
  const redisClient = config.REDIS_URL ? await connectRedis(config.REDIS_URL, logger) : undefined;
  const adapterPool =
    config.DATABASE_URL && !redisClient ? new pg.Pool({ connectionString: config.DATABASE_URL, max: 2, connectionTimeoutMillis: 5000, keepAlive: true }) : undefined;
  const realtime = await startRealtime(server, { commands, logger, redisClient, adapterPool, trackingLinkTtlSeconds: config.TRACKING_LINK_TTL_HOURS * 3600, rateLimiters });
  metrics.watchSockets(() => realtime.io.engine.clientsCount);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  await reactions.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  printWelcome(`http://localhost:${port}`, database, credentials);
  const demo = new AbortController();
  if (config.DEMO && credentials) startDemoDay(`http://127.0.0.1:${port}`, credentials, commands, config.DEMO_SPEED, demo.signal, logger);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Live connections go first (their clients reconnect elsewhere), then the HTTP server drains.
    demo.abort();
    const realtimeClosed = realtime.close().then(async () => {
      if (adapterPool) await endPool(adapterPool);
      redisClient?.destroy();
    });
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

/**
 * Ends the adapter's pool, waiting at most 2 s: the adapter never releases a LISTEN client whose connection was
 * terminated, and pg's Pool.end waits for every client to be released. Such a client has no socket left to close.
 */
async function endPool(pool: pg.Pool): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pool.end(), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
}

/** A PostgreSQL server that is not up yet is waited for (it may be starting beside us), not a reason to exit. */
async function untilDatabaseAnswers(database: Database, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.ready();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const waitMs = Math.min(10_000, 500 * 2 ** attempt);
      logger.warn({ err: error, attempt, waitMs }, 'database not answering yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
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

/** The geocoder, and the road network's extent as the service area of depots without their own. */
function prepareGeocoding(config: Config, routing: RoutingProvider, logger: Logger): Geocoding {
  const extent = routing.extent?.();
  const defaultServiceArea: ServiceArea | undefined = extent && extent.length >= 4 ? { type: 'Polygon', coordinates: [extent] } : undefined;
  try {
    return { geocoder: createGeocoder(config, logger), defaultServiceArea };
  } catch (error) {
    // Orders with coordinates still work; those without are refused, naming the location as missing.
    logger.error({ err: error }, 'geocoder unavailable; orders need coordinates');
    return { defaultServiceArea };
  }
}

/** DEMO=1: today's demo day is planned and dispatched if need be, and its drivers drive their routes in this process. */
function startDemoDay(url: string, credentials: DemoCredentials, context: CommandContext, speed: number, signal: AbortSignal, logger: Logger): void {
  const log = (message: string) => logger.info({ simulator: true }, message);
  runDemoDay({ url, credentials, context, locations: loadDemoLocations(demoLocationsFile), speed, signal, log }).then(
    ({ date, drivers }) => log(`demo day ${date} done: ${drivers.reduce((sum, summary) => sum + summary.delivered, 0)} delivered`),
    (error: unknown) => logger.error({ err: error }, 'demo drivers stopped'),
  );
}

function printWelcome(url: string, database: Database, credentials: DemoCredentials | null): void {
  const lines = [
    '',
    `Lastmile is listening on ${url} (database: ${database.engine})`,
    `  API docs:  ${url}/docs   health: ${url}/api/v1/health`,
    `  Pages:     ${url}/dispatch (console)   ${url}/driver (driver app)   ${url}/t/<code>.<secret> (customers: an order's messages carry its link; the drawer issues a new one)`,
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
