/**
 * Memory soak: the service as `npm start` runs it (src/main.ts, a child process on a fresh PGlite data
 * directory, straight-line routing so start-up takes seconds) under a steady day's load: 200 drivers each
 * posting a position a second over HTTP, 20 dispatch consoles on the socket, and API readers listing orders,
 * vehicles' positions and plans. Every 10 s it samples the server's RSS and heap; it prints the samples and the
 * growth after the warm-up. Bar: RSS and heap grow ≤ 5 % after warm-up, 0 errors.
 * `--snapshots DIR` writes a heap snapshot after the warm-up and at the end, to compare with `npm run bench:heap-diff`
 * or in Chrome's DevTools (writing one costs the process RSS it keeps: read the RSS growth of a run without them).
 *
 *   npm run bench:soak -- [--minutes 10] [--drivers 200] [--consoles 20] [--readers 5] [--warmup-minutes 2] [--snapshots DIR]
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    drivers: { type: 'string', default: '200' },
    consoles: { type: 'string', default: '20' },
    readers: { type: 'string', default: '5' },
    'warmup-minutes': { type: 'string' },
    snapshots: { type: 'string' },
  },
});
const minutes = Number(args.minutes);
const driverCount = Number(args.drivers);
const consoleCount = Number(args.consoles);
const readerCount = Number(args.readers);
const warmupSeconds = Number(args['warmup-minutes'] ?? Math.min(2, minutes / 5)) * 60;
const adminToken = 'soak-admin-token-0123456789';
const center: [number, number] = [8.6724, 49.4093];

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-soak-'));
const child = spawn(process.execPath, ['--import', 'tsx', '--import', './benchmarks/soak-probe.ts', 'src/main.ts'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ROUTING: 'haversine', SEED_DEMO: 'false', ADMIN_TOKEN: adminToken, SOLVER_THREADS: '1' },
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
const errorSamples: string[] = [];
const failed = (what: string, cause?: unknown) => {
  if (cause) what += ` (${String((cause as { code?: string; message?: string }).code ?? (cause as Error).message)})`;
  errors++;
  if (errorSamples.length < 5) errorSamples.push(what);
};
/** Keep-alive connections, at most 64: a saturated server queues requests here instead of refusing connects. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function api<T>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) };
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method, headers, agent, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((response.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${response.statusCode} ${text.slice(0, 200)}`));
        else resolve((text ? JSON.parse(text) : undefined) as T);
      });
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    request.on('error', reject);
    request.end(payload);
  });
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

// ---- samples ----
interface Sample {
  seconds: number;
  rssMb: number;
  heapMb: number;
  heapTotalMb: number;
  externalMb: number;
}
const samples: Sample[] = [];
const mb = (bytes: number) => bytes / 2 ** 20;
const sample = async () => {
  const memory = await askChild<Memory>('memory');
  samples.push({ seconds: Math.round(elapsedSeconds()), rssMb: mb(memory.rss), heapMb: mb(memory.heapUsed), heapTotalMb: mb(memory.heapTotal), externalMb: mb(memory.external) });
  const last = samples.at(-1)!;
  console.error(`${last.seconds}s rss ${last.rssMb.toFixed(1)} MB heap ${last.heapMb.toFixed(1)} MB, ${positionsSent} positions, ${errors} errors`);
};
const totalSeconds = minutes * 60;
let snapshotAtWarmup = false;
while (elapsedSeconds() < totalSeconds) {
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  await sample();
  if (args.snapshots && !snapshotAtWarmup && elapsedSeconds() >= warmupSeconds) {
    snapshotAtWarmup = true;
    console.error(`heap snapshot: ${await askChild<string>(`snapshot ${args.snapshots}`)}`);
  }
}
for (const timer of timers) clearInterval(timer);
if (args.snapshots) console.error(`heap snapshot: ${await askChild<string>(`snapshot ${args.snapshots}`)}`);
for (const socket of consoles) socket.disconnect();
agent.destroy();
void pending;

// ---- report ----
const afterWarmup = samples.filter((entry) => entry.seconds >= warmupSeconds);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const growth = (key: 'rssMb' | 'heapMb') => {
  const head = mean(afterWarmup.slice(0, 3).map((entry) => entry[key]));
  const tail = mean(afterWarmup.slice(-3).map((entry) => entry[key]));
  return { head, tail, percent: ((tail - head) / head) * 100 };
};
console.log(`\n## Memory soak: ${driverCount} drivers at 1 position/s over HTTP, ${consoleCount} consoles, ${readerCount} API readers, ${minutes} min\n`);
// RSS that grows while heap and external stay flat is outside JavaScript's objects (heap-diff.ts will show nothing).
console.log('| t (s) | RSS (MB) | heap used (MB) | heap reserved (MB) | external (MB) |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const entry of samples) console.log(`| ${entry.seconds} | ${entry.rssMb.toFixed(1)} | ${entry.heapMb.toFixed(1)} | ${entry.heapTotalMb.toFixed(1)} | ${entry.externalMb.toFixed(1)} |`);
const rss = growth('rssMb');
const heap = growth('heapMb');
console.log('\n| measure | after warm-up (first 30 s) | end (last 30 s) | growth | bar |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(`| RSS | ${rss.head.toFixed(1)} MB | ${rss.tail.toFixed(1)} MB | ${rss.percent.toFixed(1)} % | ≤ 5 % |`);
console.log(`| heap used | ${heap.head.toFixed(1)} MB | ${heap.tail.toFixed(1)} MB | ${heap.percent.toFixed(1)} % | ≤ 5 % |`);
console.log(`| errors | | ${errors} | | 0 |`);
console.log(`\n${positionsSent} positions posted (${(positionsSent / elapsedSeconds()).toFixed(0)}/s; ${skipped} skipped while the driver's last was pending), ${reads} API reads, ${eventsReceived} socket events received by the consoles; warm-up ${warmupSeconds} s.`);
if (errorSamples.length > 0) console.log(`First errors: ${errorSamples.join(' | ')}`);

await new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  stopChild();
});
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
