/**
 * Report latency on a long history: 30 days × 300 orders (9,000 orders, ~40,000 events) from the test fixture
 * builder, report facts caught up, then every report over the whole month asked `--runs` times over HTTP, one at
 * a time. Bar: p99 ≤ 200 ms on each engine. PGlite always; PostgreSQL too with --database-url.
 *
 *   npm run bench:reports [-- --runs 50] [--database-url postgres://…]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { CommandContext } from '../src/commands/context';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { createApp } from '../src/http/app';
import { reportsMount } from '../src/http/routes/reports.routes';
import { createLogger } from '../src/logger';
import { keepReportFacts } from '../src/reactions/report-facts';
import { ensureAdmin } from '../src/seed/credentials';
import { testDatabases } from '../test/helpers/database';
import { adminToken } from '../test/helpers/http';
import { buildReportHistory } from '../test/helpers/report-history';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, 'database-url': { type: 'string' } } });
if (values['database-url']) process.env.TEST_DATABASE_URL = values['database-url'];
const runs = Number(values.runs);
const reports = ['summary', 'daily', 'cycle-times', 'failure-reasons', 'vehicles', 'routes', 'ratings', 'rating-comments'];
const barMs = 200;

const rank = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
const lines: string[] = [];

for (const backend of testDatabases()) {
  const database = await backend.open();
  const commands: CommandContext = { db: database.knex, events: new EventBus(), clock: systemClock };
  await ensureAdmin(commands, adminToken);
  let started = performance.now();
  const history = await buildReportHistory(database.knex);
  const builtSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const facts = keepReportFacts(commands);
  await facts.start();
  facts.stop();
  const factsSeconds = (performance.now() - started) / 1000;
  console.error(`${backend.engine}: ${history.orders.length} orders, ${history.events} events written in ${builtSeconds.toFixed(1)} s; facts caught up in ${factsSeconds.toFixed(1)} s`);

  const server = createServer(createApp({ database, commands, logger: createLogger('silent'), mounts: [reportsMount(commands)] }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/reports`;
  const query = `from=${history.days[0]}&to=${history.days[history.days.length - 1]}&depotId=${history.depotId}`;
  for (const report of reports) {
    const times: number[] = [];
    for (let run = 0; run < runs + 3; run++) {
      const start = performance.now();
      const response = await fetch(`${url}/${report}?${query}`, { headers: { authorization: `Bearer ${adminToken}` } });
      await response.text();
      if (response.status !== 200) throw new Error(`${report}: ${response.status}`);
      // The first few warm the JIT and the connection pool.
      if (run >= 3) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p99 = rank(times, 0.99);
    lines.push(`| ${backend.engine} | ${report} | ${rank(times, 0.5).toFixed(1)} | ${p99.toFixed(1)} | ${times[times.length - 1]!.toFixed(1)} | ${p99 <= barMs ? 'yes' : 'NO'} |`);
  }
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await database.dispose();
}

console.log(`\nReports over 30 days × 300 orders, ${runs} requests each, one at a time (load average ${loadavg().map((load) => load.toFixed(2)).join(' ')})\n`);
console.log('| engine | report | p50 ms | p99 ms | max ms | p99 ≤ 200 ms |');
console.log('| --- | --- | ---: | ---: | ---: | --- |');
for (const line of lines) console.log(line);
