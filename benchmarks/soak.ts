/**
 * Memory soak: the service as `npm start` runs it (src/main.ts, a child process on a fresh PGlite data
 * directory, straight-line routing so start-up takes seconds) under a steady day's load: 200 drivers each
 * posting a position a second over HTTP, 20 dispatch consoles on the socket, and API readers listing orders,
 * vehicles' positions and plans. Every 10 s it samples the server's RSS and heap; it prints the samples and the
 * growth after the warm-up. Bar: RSS and heap grow ≤ 5 % after warm-up, 0 errors.
 * Each sample also splits the RSS by where it lives (benchmarks/process-memory.ts: PGlite's WebAssembly memory, malloc
 * arenas, the rest), so growth outside JavaScript's objects shows which part grows.
 * `--database-url postgres://…` runs the service on that PostgreSQL server instead (in a database `lastmile_soak` it
 * creates and drops), to tell the service's memory from PGlite's.
 * `--snapshots DIR` writes a heap snapshot after the warm-up and at the end, to compare with `npm run bench:heap-diff`
 * or in Chrome's DevTools (writing one costs the process RSS it keeps: read the RSS growth of a run without them).
 * `--allocations` samples allocations from the warm-up on, counting also objects a full collection freed (what a
 * snapshot never shows: garbage that outlived the young generation), and prints where they were made.
 * The service gets this process's environment and, as `npm start` sets it, MALLOC_ARENA_MAX=2 unless that is set
 * (`MALLOC_ARENA_MAX=16 npm run bench:soak` tries glibc's default on 2 cores); `--node-flags` adds node options.
 *
 *   npm run bench:soak -- [--minutes 10] [--drivers 200] [--consoles 20] [--readers 5] [--warmup-minutes 2]
 *                         [--database-url postgres://…] [--snapshots DIR] [--allocations]
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { residentParts, type ResidentParts } from './process-memory';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    drivers: { type: 'string', default: '200' },
    consoles: { type: 'string', default: '20' },
    readers: { type: 'string', default: '5' },
    'warmup-minutes': { type: 'string' },
    snapshots: { type: 'string' },
    'database-url': { type: 'string' },
    allocations: { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
  },
});
const minutes = Number(args.minutes);
const driverCount = Number(args.drivers);
const consoleCount = Number(args.consoles);
const readerCount = Number(args.readers);
const warmupSeconds = Number(args['warmup-minutes'] ?? Math.min(2, minutes / 5)) * 60;
const adminToken = 'soak-admin-token-0123456789';
const center: [number, number] = [8.6724, 49.4093];

const loadBefore = loadavg().map((load) => load.toFixed(2)).join(' ');
const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-soak-'));
/** On PostgreSQL: a database of its own, made fresh, so the service migrates and seeds it as on a first start. */
const soakDatabase = args['database-url'] ? new URL(args['database-url']) : undefined;
const adminDatabase = async (statement: string) => {
  const client = new pg.Client({ connectionString: args['database-url'] });
  await client.connect();
  await client.query(statement);
  await client.end();
};
if (soakDatabase) {
  await adminDatabase('drop database if exists lastmile_soak with (force)');
  await adminDatabase('create database lastmile_soak');
  soakDatabase.pathname = '/lastmile_soak';
}
const { DATABASE_URL: _ignored, ...inherited } = process.env;
const child = spawn(process.execPath, [...args['node-flags'].split(' ').filter(Boolean), '--import', 'tsx', '--import', './benchmarks/soak-probe.ts', 'src/main.ts'], {
  env: {
    MALLOC_ARENA_MAX: '2',
    ...inherited,
    ...(soakDatabase ? { DATABASE_URL: soakDatabase.href } : {}),
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ROUTING: 'haversine',
    SEED_DEMO: 'false',
    ADMIN_TOKEN: adminToken,
    SOLVER_THREADS: '1',
  },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const stopChild = () => {
  if (child.exitCode === null) child.kill('SIGTERM');
};
process.on('exit', stopChild);

const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
    if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
  });
  child.once('exit', (code) => reject(new Error(`the service exited with ${code}:\n${output}`)));
});

let pending = 0;
const askChild = <T>(message: string) =>
  new Promise<T>((resolve) => {
    pending++;
    child.once('message', (reply) => {
      pending--;
      resolve(reply as T);
    });
    child.send(message);
  });

let errors = 0;
let errorsAfterWarmup = 0;
/** When the drivers, consoles and readers started; errors before the warm-up ends are counted too, and also apart. */
const load: { startedMs?: number } = {};
const errorSamples: string[] = [];
const failed = (what: string, cause?: unknown) => {
  if (cause) what += ` (${String((cause as { code?: string; message?: string }).code ?? (cause as Error).message)})`;
  errors++;
  if (load.startedMs !== undefined && performance.now() - load.startedMs >= warmupSeconds * 1000) errorsAfterWarmup++;
  if (errorSamples.length < 5) errorSamples.push(what);
};
/** Keep-alive connections, at most 64: a saturated server queues requests here instead of refusing connects. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
/**
 * A keep-alive connection the server closed as idle just as a request went out on it is reset before the server read
 * anything (node's documented race): that request is sent again (at most 3 times, each counted).
 */
let resentAfterIdleReset = 0;
function api<T>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) };
  const send = (resends: number) =>
    new Promise<T>((resolve, reject) => {
      let answered = false;
      const request = httpRequest(`${url}${path}`, { method, headers, agent, timeout: 30_000 }, (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((response.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${response.statusCode} ${text.slice(0, 200)}`));
          else resolve((text ? JSON.parse(text) : undefined) as T);
        });
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (resends < 3 && !answered && request.reusedSocket && error.code === 'ECONNRESET') {
          resentAfterIdleReset++;
          send(resends + 1).then(resolve, reject);
        } else reject(error);
      });
      request.end(payload);
    });
  return send(0);
}

// ---- the fleet: a depot, a van and a driver (with an API key, no password hashing) per driver ----
const depot = await api<{ id: number }>('POST', '/api/v1/depots', {
  name: 'Bergheim',
  location: center,
  address: 'Bergheimer Straße 120, Heidelberg',
  timeZone: 'Europe/Berlin',
  openingHours: {},
});
const driverTokens: string[] = [];
console.error(`service at ${url}; seeding ${driverCount} drivers`);
for (let start = 0; start < driverCount; start += 20) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, driverCount - start) }, async (_, offset) => {
      const index = start + offset;
      const vehicle = await api<{ id: number }>('POST', '/api/v1/vehicles', { name: `Van ${index}`, startDepotId: depot.id, capacity: { weightKg: 800, volumeL: 6000, items: 120 } });
      await api('POST', '/api/v1/drivers', { name: `Driver ${index}`, username: `soak${index}`, password: 'soak-password', vehicleId: vehicle.id });
      const { items } = await api<{ items: { id: number; username: string }[] }>('GET', '/api/v1/users');
      const userId = items.find((user) => user.username === `soak${index}`)!.id;
      return (await api<{ token: string }>('POST', '/api/v1/api-keys', { name: `driver ${index}`, userId })).token;
    }),
  );
  driverTokens.push(...batch);
}
for (let index = 0; index < 300; index += 50) {
  await api('POST', '/api/v1/orders/import?source=soak', Array.from({ length: 50 }, (_, offset) => ({
    externalRef: `soak-${index + offset}`,
    customerName: 'Customer',
    addressText: 'Heidelberg',
    location: [center[0] + 0.001 * ((index + offset) % 40), center[1] + 0.001 * Math.floor((index + offset) / 40)],
    depotId: depot.id,
  })));
}

// ---- load ----
const consoles: Socket[] = [];
let eventsReceived = 0;
for (let index = 0; index < consoleCount; index++) {
  const socket = connect(url, { auth: { token: adminToken, depotId: depot.id }, transports: ['websocket'], reconnection: true });
  socket.onAny(() => eventsReceived++);
  socket.on('connect_error', (error) => failed(`console: ${error.message}`));
  consoles.push(socket);
}

let positionsSent = 0;
let skipped = 0;
let reads = 0;
const started = performance.now();
load.startedMs = started;
const elapsedSeconds = () => (performance.now() - started) / 1000;
const timers: NodeJS.Timeout[] = [];
driverTokens.forEach((token, index) => {
  const angle0 = (index / driverTokens.length) * 2 * Math.PI;
  let busy = false;
  const report = () => {
    // A phone whose last report is still on its way sends the next with it later; here it is counted as skipped.
    if (busy) {
      skipped++;
      return;
    }
    busy = true;
    const angle = angle0 + elapsedSeconds() / 600;
    const fix = { location: [center[0] + 0.03 * Math.cos(angle), center[1] + 0.02 * Math.sin(angle)], accuracyMeters: 8, speedMetersPerSecond: 9, headingDegrees: 90, recordedAt: Date.now() / 1000 };
    positionsSent++;
    api('POST', '/api/v1/positions', { positions: [fix] }, token)
      .catch((error: Error) => failed(error.message, error.cause))
      .finally(() => (busy = false));
  };
  // Spread over the second so the server sees a steady stream, not 200 at once.
  timers.push(setTimeout(() => timers.push(setInterval(report, 1000)), (index / driverTokens.length) * 1000));
});
const readPaths = ['/api/v1/orders?limit=100', '/api/v1/vehicles/positions', '/api/v1/plans', '/api/v1/vehicles', '/api/v1/orders?status=received&limit=50'];
for (let reader = 0; reader < readerCount; reader++) {
  timers.push(
    setInterval(() => {
      reads++;
      api('GET', readPaths[(reads + reader) % readPaths.length]!).catch((error: Error) => failed(error.message, error.cause));
    }, 1000),
  );
}

// ---- allocations (--allocations) ----
interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}
/** Sampled bytes by the function that allocated them, and by the nearest of the service's own functions on the stack. */
function printAllocations(head: AllocationNode): void {
  const byFrame = new Map<string, number>();
  const byOwnFrame = new Map<string, number>();
  const name = (frame: AllocationNode['callFrame']) =>
    `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*?\/(src|node_modules|benchmarks)\//, '$1/')}:${frame.lineNumber + 1}`;
  const own = (frame: AllocationNode['callFrame']) => /\/src\//.test(frame.url) && !frame.url.includes('node_modules');
  const visit = (node: AllocationNode, nearestOwn: string) => {
    const here = own(node.callFrame) ? name(node.callFrame) : nearestOwn;
    if (node.selfSize > 0) {
      byFrame.set(name(node.callFrame), (byFrame.get(name(node.callFrame)) ?? 0) + node.selfSize);
      byOwnFrame.set(here, (byOwnFrame.get(here) ?? 0) + node.selfSize);
    }
    for (const child of node.children) visit(child, here);
  };
  visit(head, '(outside the service: timers, sockets, the runtime)');
  const total = [...byFrame.values()].reduce((sum, bytes) => sum + bytes, 0);
  for (const [title, totals] of [
    ['allocating function', byFrame],
    ["nearest service function on the stack", byOwnFrame],
  ] as const) {
    console.log(`\n| ${title} | sampled MB | share |`);
    console.log('| --- | ---: | ---: |');
    for (const [frame, bytes] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      console.log(`| ${frame} | ${mb(bytes).toFixed(1)} | ${((bytes / total) * 100).toFixed(1)} % |`);
    }
  }
  console.log(`\nSampled after the warm-up, objects a full collection freed included, young garbage not: ${mb(total).toFixed(1)} MB.`);
}

// ---- samples ----
interface Sample extends ResidentParts {
  seconds: number;
  rssMb: number;
  heapMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}
const samples: Sample[] = [];
const gcAtSample: { seconds: number; pauseMs: number; full: number }[] = [];
const mb = (bytes: number) => bytes / 2 ** 20;
const sample = async () => {
  const memory = await askChild<NodeJS.MemoryUsage & { gcPauseMs: number; fullGcs: number }>('memory');
  gcAtSample.push({ seconds: elapsedSeconds(), pauseMs: memory.gcPauseMs, full: memory.fullGcs });
  samples.push({
    seconds: Math.round(elapsedSeconds()),
    rssMb: mb(memory.rss),
    heapMb: mb(memory.heapUsed),
    heapTotalMb: mb(memory.heapTotal),
    externalMb: mb(memory.external),
    arrayBuffersMb: mb(memory.arrayBuffers),
    ...residentParts(child.pid!),
  });
  const last = samples.at(-1)!;
  console.error(
    `${last.seconds}s rss ${last.rssMb.toFixed(1)} MB heap ${last.heapMb.toFixed(1)} MB wasm ${last.wasmMb.toFixed(1)} MB arenas ${last.arenasMb.toFixed(1)} MB, ${positionsSent} positions, ${errors} errors`,
  );
};
const totalSeconds = minutes * 60;
let warmedUp = false;
while (elapsedSeconds() < totalSeconds) {
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  await sample();
  if (!warmedUp && elapsedSeconds() >= warmupSeconds) {
    warmedUp = true;
    if (args.snapshots) console.error(`heap snapshot: ${await askChild<string>(`snapshot ${args.snapshots}`)}`);
    if (args.allocations) await askChild('allocations start');
  }
}
for (const timer of timers) clearInterval(timer);
if (args.snapshots) console.error(`heap snapshot: ${await askChild<string>(`snapshot ${args.snapshots}`)}`);
const allocations = args.allocations && warmedUp ? await askChild<AllocationNode>('allocations stop').then((profile) => (profile as unknown as { head: AllocationNode }).head) : undefined;
for (const socket of consoles) socket.disconnect();
agent.destroy();
void pending;

// ---- report ----
const afterWarmup = samples.filter((entry) => entry.seconds >= warmupSeconds);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
type GrowthKey = 'rssMb' | 'heapMb' | 'wasmMb' | 'arenasMb' | 'otherAnonMb';
const growth = (key: GrowthKey) => {
  const head = mean(afterWarmup.slice(0, 3).map((entry) => entry[key]));
  const tail = mean(afterWarmup.slice(-3).map((entry) => entry[key]));
  return { head, tail, percent: ((tail - head) / head) * 100 };
};
const engine = soakDatabase ? 'PostgreSQL' : 'PGlite';
console.log(`\n## Memory soak on ${engine}: ${driverCount} drivers at 1 position/s over HTTP, ${consoleCount} consoles, ${readerCount} API readers, ${minutes} min\n`);
console.log(`Service: MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'}${args['node-flags'] ? `, node ${args['node-flags']}` : ''}; load before the run: ${loadBefore}, after: ${loadavg().map((load) => load.toFixed(2)).join(' ')}\n`);
// RSS that grows while heap and external stay flat is outside JavaScript's objects (heap-diff.ts will show nothing):
// the columns after external say where (all MB; wasm is PGlite's memory, arenas glibc malloc's thread arenas).
console.log('| t (s) | RSS | heap used | heap reserved | external | array buffers | wasm | malloc arenas | malloc brk | other anon | files |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const columns = ['rssMb', 'heapMb', 'heapTotalMb', 'externalMb', 'arrayBuffersMb', 'wasmMb', 'arenasMb', 'brkMb', 'otherAnonMb', 'filesMb'] as const;
for (const entry of samples) console.log(`| ${entry.seconds} | ${columns.map((key) => entry[key].toFixed(1)).join(' | ')} |`);
const warmupRss = afterWarmup[0]?.rssMb ?? NaN;
const finalRss = samples.at(-1)?.rssMb ?? NaN;
console.log('\n| measure | after warm-up (first 30 s) | end (last 30 s) | growth | bar |');
console.log('| --- | ---: | ---: | ---: | --- |');
const rows: [string, GrowthKey, string][] = [
  ['RSS', 'rssMb', '≤ 5 %'],
  ['heap used', 'heapMb', '≤ 5 %'],
  ['wasm (PGlite)', 'wasmMb', ''],
  ['malloc arenas', 'arenasMb', ''],
  ['other anonymous', 'otherAnonMb', ''],
];
for (const [label, key, bar] of rows) {
  const { head, tail, percent } = growth(key);
  console.log(`| ${label} | ${head.toFixed(1)} MB | ${tail.toFixed(1)} MB | ${Number.isFinite(percent) ? `${percent.toFixed(1)} %` : '–'} | ${bar} |`);
}
console.log(`| errors | ${errors - errorsAfterWarmup} in the warm-up | ${errors} in all, ${errorsAfterWarmup} after the warm-up | | 0 |`);
// What keeping the heap close to what is live costs: the main thread's GC pauses after the warm-up, as a share of the time.
const gcFrom = gcAtSample.find((entry) => entry.seconds >= warmupSeconds);
const gcTo = gcAtSample.at(-1);
if (gcFrom && gcTo && gcTo.seconds > gcFrom.seconds) {
  const share = ((gcTo.pauseMs - gcFrom.pauseMs) / ((gcTo.seconds - gcFrom.seconds) * 1000)) * 100;
  console.log(`\nGC after the warm-up: ${gcTo.full - gcFrom.full} full collections, pauses ${(gcTo.pauseMs - gcFrom.pauseMs).toFixed(0)} ms = ${share.toFixed(1)} % of the time.`);
}
console.log(`\nRSS at the end of the warm-up (${afterWarmup[0]?.seconds ?? '–'} s): ${warmupRss.toFixed(1)} MB; final RSS (${samples.at(-1)?.seconds ?? '–'} s): ${finalRss.toFixed(1)} MB; ${errors} errors.`);
console.log(`\n${positionsSent} positions posted (${(positionsSent / elapsedSeconds()).toFixed(0)}/s; ${skipped} skipped while the driver's last was pending), ${reads} API reads, ${eventsReceived} socket events received by the consoles; warm-up ${warmupSeconds} s; ${resentAfterIdleReset} requests sent again after the server closed their idle keep-alive connection.`);
if (errorSamples.length > 0) console.log(`First errors: ${errorSamples.join(' | ')}`);
if (allocations) printAllocations(allocations);

await new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  stopChild();
});
rmSync(dataDir, { recursive: true, force: true });
if (soakDatabase) await adminDatabase('drop database if exists lastmile_soak with (force)');
process.exit(0);
