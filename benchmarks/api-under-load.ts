/**
 * GET /api/v1/orders latency while two plan runs search on the solver pool, beside the same load with the pool
 * idle. The demo day (300 orders, 10 vans) is seeded into embedded PGlite; its orders are split into two plans
 * queued through POST /api/v1/plans and taken by two queue workers (as two server processes would), each run
 * searching with one seed, so the two run at once and fill the pool's two threads. The load comes from this
 * process; the server's event loop must stay free while the workers search. Bar: p99 ≤ 50 ms. With --database-url the same runs on a PostgreSQL server
 * (schema bench_load, dropped first), as several server processes would share one.
 *
 *   npx tsx benchmarks/api-under-load.ts [--seconds 8] [--threads 2] [--database-url postgres://…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { repositories } from '../src/db/repositories';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { unlimitedRateLimits } from '../src/auth/rate-limits';
import { createApp } from '../src/http/app';
import { apiPrefix } from '../src/http/mount';
import { plansMount } from '../src/http/routes/plans.routes';
import { createLogger } from '../src/logger';
import { PlanQueue } from '../src/reactions/plan-runs';
import { createHaversineProvider } from '../src/routing/haversine';
import { ensureAdmin } from '../src/seed/credentials';
import { loadDemoLocations, seedDemo } from '../src/seed/demo';
import { createPoolSolver } from '../src/solving/pool-solver';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, threads: { type: 'string', default: '2' }, 'database-url': { type: 'string' } } });
const seconds = Number(values.seconds);
const BAR_P99_MS = 50;
const token = 'benchmark-admin-token-0123456789';

const url = values['database-url'];
if (url) {
  const admin = openDatabase({ engine: 'postgres', url });
  await admin.knex.raw('drop schema if exists bench_load cascade; create schema bench_load');
  await admin.close();
}
// PGlite keeps its files in a directory, as the server does (DATA_DIR), not in memory.
const pgliteDirectory = mkdtempSync(join(tmpdir(), 'lastmile-bench-load-'));
const database = url ? openDatabase({ engine: 'postgres', url, schema: 'bench_load' }) : openDatabase({ engine: 'pglite', directory: pgliteDirectory });
await migrateToLatest(database.knex);
const context = { db: database.knex, events: new EventBus(), clock: systemClock };
await ensureAdmin(context, token);
await seedDemo(context, { locations: loadDemoLocations('data/demo/heidelberg-locations.json') });
const routing = createHaversineProvider();
const solver = createPoolSolver({ threads: Number(values.threads) });
const workers = [new PlanQueue({ context, solver, routing, owner: 'worker-1' }), new PlanQueue({ context, solver, routing, owner: 'worker-2' })];
const app = createApp({ database, commands: context, logger: createLogger('silent'), limits: unlimitedRateLimits, mounts: [plansMount({ context, queue: workers[0]!, solver, routing })] });
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPrefix}`;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

/**
 * Two loads per condition: 10 connections flat out (closed loop: each waits for its answer and asks again, so
 * latency is mostly queueing behind the other nine on one event loop), and a steady 100 requests/s (open loop,
 * evenly spaced, about 20 dispatch consoles refreshing every few seconds; latency counts from when each request
 * was due, so a stalled event loop shows).
 */
async function ordersLoad(condition: string) {
  const closed = await autocannon({ url: `${base}/orders?limit=50`, connections: 10, duration: seconds, headers });
  const steady = await paced(100, seconds);
  return [
    { label: `${condition}, 10 conn. flat out`, perSecond: Math.round(closed.requests.average), p50: closed.latency.p50, p90: closed.latency.p90, p99: closed.latency.p99, errors: closed.errors + closed.non2xx },
    { label: `${condition}, 100 req/s steady`, ...steady },
  ];
}

async function paced(perSecond: number, forSeconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const requests: Promise<void>[] = [];
  const started = performance.now();
  for (let k = 0; k < perSecond * forSeconds; k++) {
    const due = started + (k * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    requests.push(
      fetch(`${base}/orders?limit=50`, { headers })
        .then(async (response) => {
          await response.arrayBuffer();
          if (!response.ok) errors++;
        })
        .catch(() => void errors++)
        .finally(() => void latencies.push(performance.now() - due)),
    );
  }
  await Promise.all(requests);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!);
  return { perSecond: Math.round(latencies.length / ((performance.now() - started) / 1000)), p50: at(0.5), p90: at(0.9), p99: at(0.99), errors };
}

const rows = await ordersLoad('pool idle');

const orderIds = (await repositories(database.knex).orders.list({}, { limit: 500 })).items.map((order) => order.id);
const halves = [orderIds.slice(0, orderIds.length / 2), orderIds.slice(orderIds.length / 2)];
const plans: number[] = [];
for (const half of halves) {
  const response = await fetch(`${base}/plans`, { method: 'POST', headers, body: JSON.stringify({ date: '2026-11-24', depotId: 1, orderIds: half, timeLimitSeconds: seconds * 4 + 10, options: { seeds: 1 } }) });
  plans.push(((await response.json()) as { id: number }).id);
}
for (const worker of workers) await worker.start();
// Let both runs claim their plan and build their problems before measuring.
const plansRepo = repositories(database.knex).plans;
while ((await Promise.all(plans.map((id) => plansRepo.findById(id)))).some((plan) => plan!.status === 'queued' || !plan!.progress)) await new Promise((resolve) => setTimeout(resolve, 100));
rows.push(...(await ordersLoad('two runs searching')));
const during = await Promise.all(plans.map((id) => plansRepo.findById(id)));

for (const worker of workers) await worker.stop();
await solver.close();
server.close();
await database.close();
rmSync(pgliteDirectory, { recursive: true, force: true });

console.log(`\nGET /api/v1/orders?limit=50, ${seconds} s per load, ${url ? 'PostgreSQL' : 'PGlite'}, ${values.threads} solver threads (after the loaded runs the plans were ${during.map((plan) => plan!.status).join(' and ')})`);
console.log(`${'condition'.padEnd(40)}${'req/s'.padStart(9)}${'p50 ms'.padStart(8)}${'p90 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'errors'.padStart(8)}  bar p99`);
for (const row of rows) console.log(`${row.label.padEnd(40)}${String(row.perSecond).padStart(9)}${String(row.p50).padStart(8)}${String(row.p90).padStart(8)}${String(row.p99).padStart(8)}${String(row.errors).padStart(8)}  ≤ ${BAR_P99_MS}`);
for (const row of rows.slice(2)) console.log(`${row.label}: bar ${row.p99 <= BAR_P99_MS ? 'met' : 'MISSED'}`);
