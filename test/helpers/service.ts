/**
 * The whole service in-process, with src/main.ts's mounts (serviceMounts: every router, the plan queue, realtime), on
 * straight-line routing and one solver thread, with an admin, a depot, a van, its driver and a few orders
 * (`fleet: false`: the admin alone), on the system's clock or the one given.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../../src/commands/context';
import type { Clock } from '../../src/domain/clock';
import { suiteClock } from './clock';
import { repositories } from '../../src/db/repositories';
import { EventBus } from '../../src/domain/events';
import { RateLimiters, unlimitedRateLimits } from '../../src/auth/rate-limits';
import { createApp } from '../../src/http/app';
import { serviceMounts } from '../../src/http/service-mounts';
import { createLogger } from '../../src/logger';
import { noPositions } from '../../src/planning/live-routes';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { startRealtime, type Realtime, type RealtimeOptions } from '../../src/realtime/server';
import { createHaversineProvider } from '../../src/routing/haversine';
import { ensureAdmin } from '../../src/seed/credentials';
import { OptimizeJobs } from '../../src/solving/optimize-jobs';
import { createPoolSolver } from '../../src/solving/pool-solver';
import type { TestBackend, TestDatabase } from './database';
import { adminToken, depotInput, vehicleInput } from './http';
import { linkToken, orderInput } from './orders';

export interface FullService {
  url: string;
  adminPassword: string;
  database: TestDatabase;
  commands: CommandContext;
  realtime: Realtime;
  depotId: number;
  vehicleId: number;
  driverToken: string;
  orderIds: number[];
  trackingTokens: string[];
  close(): Promise<void>;
}

export async function startFullService(backend: TestBackend, realtimeOptions: Partial<RealtimeOptions> = {}, options: { clock?: Clock; fleet?: boolean } = {}): Promise<FullService> {
  const database = await backend.open();
  const commands: CommandContext = { db: database.knex, events: new EventBus(), clock: options.clock ?? suiteClock };
  const admin = (await ensureAdmin(commands, adminToken))!;
  const logger = createLogger('silent');
  const routing = createHaversineProvider();
  const solver = createPoolSolver({ threads: 1 });
  const queue = new PlanQueue({ context: commands, solver, routing, pollMs: 200, exclusiveDatabase: backend.engine === 'pglite' });
  const jobs = new OptimizeJobs(repositories(database.knex).optimizeJobs, commands.clock);
  const distDir = mkdtempSync(join(tmpdir(), 'lastmile-dist-'));
  for (const page of ['dispatch', 'driver', 'track']) {
    mkdirSync(join(distDir, page));
    writeFileSync(join(distDir, page, 'index.html'), `<meta name="tile-url" content="__TILE_URL__"><title>${page}</title>`);
  }
  mkdirSync(join(distDir, 'assets'));
  writeFileSync(join(distDir, 'assets', 'app-1234.js'), 'console.log(1)');
  // Listening first: the tracking links the service composes carry its address.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The limits have their own tests; here they stay out of reach so thousands of requests reach the routes.
  const rateLimiters = new RateLimiters(unlimitedRateLimits);
  const mounts = serviceMounts({
    commands,
    geocoding: {},
    planQueue: queue,
    solver,
    routing,
    positions: noPositions,
    optimizeJobs: jobs,
    logger,
    rateLimiters,
    publicUrl: url,
    trackingLinkTtlSeconds: 72 * 3600,
    distDir,
  });
  server.on('request', createApp({ database, commands, logger, mounts, rateLimiters }));
  const realtime = await startRealtime(server, { commands, logger, rateLimiters, ...realtimeOptions });
  await queue.start();

  const call = async <T>(method: string, path: string, body: unknown, token = adminToken): Promise<T> => {
    const response = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const fleet = options.fleet === false ? null : await createFleet(call);

  return {
    url,
    adminPassword: admin.password,
    database,
    commands,
    realtime,
    depotId: fleet?.depotId ?? 0,
    vehicleId: fleet?.vehicleId ?? 0,
    driverToken: fleet?.driverToken ?? '',
    orderIds: fleet?.orders.map((order) => order.id) ?? [],
    trackingTokens: fleet?.orders.map((order) => linkToken(order.trackingLink)) ?? [],
    async close() {
      server.closeAllConnections();
      await realtime.close();
      await new Promise((resolve) => server.close(resolve));
      await queue.stop();
      jobs.close();
      await solver.close();
      await database.dispose();
      rmSync(distDir, { recursive: true, force: true });
    },
  };
}

async function createFleet(call: <T>(method: string, path: string, body: unknown, token?: string) => Promise<T>) {
  const depot = await call<{ id: number }>('POST', '/api/v1/depots', depotInput);
  const vehicle = await call<{ id: number }>('POST', '/api/v1/vehicles', vehicleInput(depot.id));
  await call('POST', '/api/v1/drivers', { name: 'Ida', username: 'ida', password: 'secret-password', vehicleId: vehicle.id });
  const { token: driverToken } = await call<{ token: string }>('POST', '/api/v1/auth/login', { username: 'ida', password: 'secret-password' });
  const orders = [];
  for (const index of [1, 2, 3]) orders.push(await call<{ id: number; trackingLink: string }>('POST', '/api/v1/orders', { ...orderInput(index), depotId: depot.id }));
  return { depotId: depot.id, vehicleId: vehicle.id, driverToken, orders };
}

/** Counts the rows in every table but the migrations' own: a rejected request must leave each count as it was. */
export async function rowCounter(database: TestDatabase): Promise<() => Promise<Record<string, number>>> {
  const tables = (await database.knex('information_schema.tables')
    .select('table_name')
    .whereRaw('table_schema = current_schema()')
    .andWhere('table_type', 'BASE TABLE')
    .andWhereNot('table_name', 'like', 'knex_%')) as { table_name: string }[];
  const sql = tables.map(() => 'select ? as name, count(*)::int as rows from ??').join(' union all ');
  const bindings = tables.flatMap(({ table_name }) => [table_name, table_name]);
  return async () => {
    const result = await database.knex.raw(sql, bindings);
    const rows = (result.rows ?? result) as { name: string; rows: number }[];
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.rows)]));
  };
}
