/**
 * POST /api/v1/orders under 50 concurrent clients on loopback (autocannon): latency p50/p90/p99 and
 * throughput, on embedded PGlite (files in a temp dir, as `npm start` runs it) and on PostgreSQL.
 * The server is a child process running the service's HTTP stack (createApp, authentication with an
 * API key, validation, the createOrder command with its order event), so the load generator does not
 * share its event loop. Reference beside it: GET /api/v1/health on the same server, the floor of the
 * stack without a write.
 *
 *   npx tsx benchmarks/api-orders.ts [seconds=10] [postgres-url=postgres://postgres@127.0.0.1:5432/postgres]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import knexModule from 'knex';
import { migrateToLatest, openDatabase, type DatabaseOptions } from '../src/db/database';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { unlimitedRateLimits } from '../src/auth/rate-limits';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { ensureAdmin } from '../src/seed/credentials';

const adminToken = 'benchmark-admin-token-0123456789';
const connections = 50;

async function serve(options: DatabaseOptions): Promise<void> {
  const database = openDatabase(options);
  await migrateToLatest(database.knex);
  const commands = { db: database.knex, events: new EventBus(), clock: systemClock };
  await ensureAdmin(commands, adminToken);
  await database.knex('depots').insert({ name: 'Bench', lon: 8.67, lat: 49.41, address: 'Heidelberg', time_zone: 'Europe/Berlin', opening_hours: '{}' });
  const server = createServer(createApp({ database, commands, logger: createLogger('silent'), limits: unlimitedRateLimits }));
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => server.close(() => database.close().then(() => process.exit(0))));
}

interface Result {
  label: string;
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  timeouts: number;
  failed: number;
}

async function load(url: string, label: string, seconds: number, post: boolean): Promise<Result> {
  let counter = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    requests: [
      post
        ? {
            method: 'POST',
            path: '/api/v1/orders',
            setupRequest: (request) => {
              counter++;
              return {
                ...request,
                body: JSON.stringify({
                  externalRef: `bench-${process.pid}-${counter}`,
                  customerName: `Customer ${counter}`,
                  addressText: `Hauptstraße ${counter % 200}, Heidelberg`,
                  location: [8.65 + (counter % 100) / 1000, 49.4 + (counter % 50) / 1000],
                  timeWindows: [{ start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' }],
                  demand: { weightKg: 3, volumeL: 20, items: 1 },
                }),
              };
            },
          }
        : { method: 'GET', path: '/api/v1/health' },
    ],
  });
  return {
    label,
    requests: result['2xx'],
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    timeouts: result.timeouts,
    failed: result.errors - result.timeouts + result.non2xx,
  };
}

async function startServer(options: DatabaseOptions): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--serve', JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /^PORT (\d+)$/.exec(line);
    if (match) return { url: `http://127.0.0.1:${match[1]}`, child };
  }
  throw new Error('benchmark server did not start');
}

async function stopServer(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const postgresUrl = process.argv[3] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const results: Result[] = [];

  const directory = mkdtempSync(join(tmpdir(), 'lastmile-bench-'));
  const schema = `bench_${process.pid}`;
  const admin = knexModule.knex({ client: 'pg', connection: postgresUrl, pool: { min: 0, max: 1 } });
  try {
    const pglite = await startServer({ engine: 'pglite', directory: join(directory, 'pglite') });
    results.push(await load(pglite.url, 'PGlite   GET /health (reference)', Math.max(2, seconds / 2), false));
    results.push(await load(pglite.url, 'PGlite   POST /orders', seconds, true));
    await stopServer(pglite.child);

    await admin.raw('create schema ??', [schema]);
    const postgres = await startServer({ engine: 'postgres', url: postgresUrl, schema });
    results.push(await load(postgres.url, 'Postgres GET /health (reference)', Math.max(2, seconds / 2), false));
    results.push(await load(postgres.url, 'Postgres POST /orders', seconds, true));
    await stopServer(postgres.child);
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await admin.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
    await admin.destroy();
  }

  console.log(`\n${connections} concurrent clients on loopback, ${seconds} s per write run (autocannon); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  console.log('PGlite is one embedded connection: every query of every request waits its turn, so its tail grows with concurrency.\n');
  console.log('| run                              | ok requests | req/s  | p50 ms | p90 ms | p99 ms | timeouts (10 s) | other errors |');
  console.log('| -------------------------------- | ----------- | ------ | ------ | ------ | ------ | --------------- | ------------ |');
  for (const result of results) {
    console.log(
      `| ${result.label.padEnd(32)} | ${String(result.requests).padStart(11)} | ${result.perSecond.toFixed(0).padStart(6)} | ${String(result.p50).padStart(6)} | ${String(result.p90).padStart(6)} | ${String(result.p99).padStart(6)} | ${String(result.timeouts).padStart(15)} | ${String(result.failed).padStart(12)} |`,
    );
  }
}

if (process.argv[2] === '--serve') void serve(JSON.parse(process.argv[3]!) as DatabaseOptions);
else await main();
