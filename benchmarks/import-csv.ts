/**
 * Import of a 50,000-row CSV over HTTP, on embedded PGlite and on PostgreSQL: rows/s for a first
 * import (all created) and a repeat (all unchanged), and the server's peak RSS. The server is a child
 * process running the service's HTTP stack (createApp with the import mounted, authentication, a
 * migrated database), so its memory is measured apart from this client's.
 * Reference beside it: the parser alone in this process, the ceiling the import can approach.
 *
 *   npx tsx benchmarks/import-csv.ts [rows=50000] [postgres-url=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * The CSV is generated deterministically into a temp dir and deleted afterwards; PostgreSQL gets a
 * scratch database that is dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import knexModule from 'knex';
import { hashToken } from '../src/auth/tokens';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { repositories } from '../src/db/repositories';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { unlimitedRateLimits } from '../src/auth/rate-limits';
import { createApp } from '../src/http/app';
import { importMount } from '../src/http/routes/import.routes';
import { parseOrderRows } from '../src/import/parse';
import { createLogger } from '../src/logger';
import { seededRandom } from '../src/seed/random';

const adminToken = 'benchmark-admin-token-0123456789';


async function writeCsv(path: string, rows: number): Promise<void> {
  const next = seededRandom(20261124);
  const out = createWriteStream(path);
  const streets = ['Hauptstraße', 'Bergheimer Straße', 'Rohrbacher Straße', 'Römerstraße', 'Plöck', 'Sofienstraße'];
  const skills = ['', '', '', 'fridge', 'heavy', 'fridge|heavy'];
  out.write('external_ref;customer_name;phone;email;address;lon;lat;window_start;window_end;service_seconds;weight_kg;volume_l;items;priority;skills;notes\n');
  for (let index = 0; index < rows; index++) {
    const startHour = 8 + Math.floor(next() * 8);
    const pad = (hour: number) => String(hour).padStart(2, '0');
    const line = [
      `BENCH-${index}`,
      `"Kunde ${index}; Familie ${Math.floor(next() * 1000)}"`,
      `+49 6221 ${100000 + Math.floor(next() * 899999)}`,
      `kunde${index}@example.com`,
      `${streets[Math.floor(next() * streets.length)]} ${1 + Math.floor(next() * 200)}, 69117 Heidelberg`,
      (8.64 + next() * 0.1).toFixed(6).replace('.', ','),
      (49.38 + next() * 0.05).toFixed(6).replace('.', ','),
      `2026-11-24T${pad(startHour)}:00:00+01:00`,
      `2026-11-24T${pad(startHour + 2)}:00:00+01:00`,
      String(120 + Math.floor(next() * 480)),
      (next() * 30).toFixed(1).replace('.', ','),
      String(Math.floor(next() * 200)),
      String(1 + Math.floor(next() * 5)),
      String(Math.floor(next() * 101)),
      skills[Math.floor(next() * skills.length)],
      next() < 0.2 ? '"Bitte klingeln, Hinterhaus"' : '',
    ].join(';');
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Server mode: `--serve` with BENCH_DATABASE_URL (PostgreSQL) or BENCH_PGLITE_DIR; prints "ready PORT". */
async function serve(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  const database = url ? openDatabase({ engine: 'postgres', url }) : openDatabase({ engine: 'pglite', directory: process.env.BENCH_PGLITE_DIR! });
  await migrateToLatest(database.knex);
  const repos = repositories(database.knex);
  const admin = await repos.users.insert({ username: 'admin', name: 'Benchmark admin', role: 'admin', passwordHash: null });
  await repos.users.insertApiKey({ userId: admin.id, kind: 'integration', name: 'benchmark', tokenHash: hashToken(adminToken), expiresAt: null });
  const commands = { db: database.knex, events: new EventBus(), clock: systemClock };
  const app = createApp({ database, commands, logger: createLogger('warn'), limits: unlimitedRateLimits, mounts: [importMount(commands)] });
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => server.close(() => void database.close()));
}

interface Server {
  process: ChildProcess;
  port: number;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'benchmarks/import-csv.ts', '--serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Keep reading stdout (warn-level logs) after "ready", so the server never blocks on a full pipe.
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\d+)/.exec(output);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`benchmark server exited with code ${code} before it was ready`)));
  });
  return { process: child, port };
}

async function stopServer(server: Server): Promise<void> {
  if (server.process.exitCode !== null) return;
  server.process.kill('SIGTERM');
  await once(server.process, 'exit');
}

/** Resident set size of a live process, in MB: now (VmRSS) or its peak so far (VmHWM). */
function rssMb(pid: number, which: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${which}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function importOverHttp(port: number, csvPath: string): Promise<{ seconds: number; body: { created: number; updated: number; unchanged: number; rejected: unknown[] } }> {
  const started = performance.now();
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/v1/orders/import?source=benchmark',
    headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${adminToken}`, 'content-length': statSync(csvPath).size },
  });
  createReadStream(csvPath).pipe(req);
  const [response] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  for await (const chunk of response) text += chunk;
  const seconds = (performance.now() - started) / 1000;
  if (response.statusCode !== 200) throw new Error(`import answered ${response.statusCode}: ${text.slice(0, 500)}`);
  return { seconds, body: JSON.parse(text) };
}

interface Row {
  database: string;
  run: string;
  seconds: number;
  outcome: string;
  idleRssMb: number;
  peakRssMb: number;
}

async function measure(database: string, env: Record<string, string>, csvPath: string): Promise<Row[]> {
  const server = await startServer(env);
  try {
    const idleRssMb = rssMb(server.process.pid!, 'VmRSS');
    const rows: Row[] = [];
    for (const run of ['first import', 'same file again']) {
      const { seconds, body } = await importOverHttp(server.port, csvPath);
      const outcome = `${body.created} created, ${body.updated} updated, ${body.unchanged} unchanged, ${body.rejected.length} rejected`;
      rows.push({ database, run, seconds, outcome, idleRssMb, peakRssMb: rssMb(server.process.pid!, 'VmHWM') });
    }
    return rows;
  } finally {
    await stopServer(server);
  }
}

async function parseOnly(csvPath: string): Promise<Row> {
  const started = performance.now();
  let valid = 0;
  for await (const row of parseOrderRows(createReadStream(csvPath), 'csv')) if (row.ok) valid++;
  const seconds = (performance.now() - started) / 1000;
  return { database: '(none)', run: 'parser only, in process', seconds, outcome: `${valid} valid`, idleRssMb: NaN, peakRssMb: process.memoryUsage().rss / 1024 / 1024 };
}

async function main(rowCount: number, postgresUrl: string): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'lastmile-import-bench-'));
  const csvPath = join(workDir, 'orders.csv');
  await writeCsv(csvPath, rowCount);
  const sizeMb = statSync(csvPath).size / 1024 / 1024;
  console.log(`${rowCount} rows, ${sizeMb.toFixed(1)} MB CSV (semicolons, decimal commas), batches of 500 rows per transaction\n`);

  const scratch = `lastmile_import_bench_${process.pid}`;
  const admin = knexModule.knex({ client: 'pg', connection: postgresUrl, pool: { min: 0, max: 1 } });
  const rows: Row[] = [];
  try {
    rows.push(await parseOnly(csvPath));
    rows.push(...(await measure('PGlite', { BENCH_PGLITE_DIR: join(workDir, 'pglite') }, csvPath)));
    await admin.raw('create database ??', [scratch]);
    const url = new URL(postgresUrl);
    url.pathname = `/${scratch}`;
    rows.push(...(await measure('PostgreSQL 15', { BENCH_DATABASE_URL: url.toString() }, csvPath)));
  } finally {
    await admin.raw('drop database if exists ?? with (force)', [scratch]).catch(() => undefined);
    await admin.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }

  const table = rows.map((row) => ({
    database: row.database,
    run: row.run,
    'time s': row.seconds.toFixed(2),
    'rows/s': Math.round(rowCount / row.seconds).toLocaleString('en-US'),
    'RSS before MB': Number.isNaN(row.idleRssMb) ? '' : row.idleRssMb.toFixed(0),
    'peak RSS MB': row.peakRssMb.toFixed(0),
    outcome: row.outcome,
  }));
  console.table(table);
  console.log('RSS is the server process: before the first import (VmRSS) and its peak so far (VmHWM); for the parser row, this process.');
  // The machine may be shared: the load says how much of it the numbers had.
  console.log(`Load average at the end (1/5/15 min): ${loadavg().map((load) => load.toFixed(1)).join(' / ')}`);
}

if (process.argv[2] === '--serve') await serve();
else await main(Number(process.argv[2] ?? 50_000), process.argv[3] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
